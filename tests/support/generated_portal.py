"""Seeded random government portals, built from demo_portal's pieces (Page, ApiForm, PortalSite), for
testing discovery on layouts the crawler has never seen.

Each seed draws: how deep the report column sits (1-5 menu levels) and under which parents (named
or not), flat (`/col/colN/`) or nested URLs, text, image or script menus, a disclosure platform on
another host of the same domain (`xxgk.<domain>`), the column's list form (plain pager, TRS
createPageHTML, Hanweb data island, a JSON list called by script, a JSON catalogue only scripts
read), year and publisher sub-columns, reports as pages, stubs with a PDF or PDF-only, report
links on the home page, decoy columns and decoy documents (法治政府建设年度报告, 统计公报, …), and
unrelated areas of hundreds of pages (news with pagers) that must not eat the budget.
"""

from __future__ import annotations

import json
import random
from collections import deque
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urljoin, urlsplit

from demo_portal.site import ApiForm, Page, PortalSite

HTML = "text/html; charset=utf-8"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REPORT_BODY = ("<p>一、总体情况</p><p>本年度主动公开政府信息，依申请公开办理情况良好。</p>"
               "<p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
               "<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p>")
LIST_FORMS = ("plain", "trs", "hanweb", "json", "catalog")
_LEVEL_ONE = ("政务公开", "信息公开", "政府信息公开", "公开", "政务")
_DEEPER = ("政府信息公开", "法定主动公开内容", "公开目录", "主动公开", "专题专栏", "综合信息", "部门信息", "重点领域")
_COLUMNS = ("政府信息公开年报", "年度报告", "信息公开年报", "政府信息公开工作年度报告", "年报", "政府信息公开年度报告")
_DEPARTMENTS = ("市发改委", "市教育局", "市公安局", "市民政局", "市财政局", "市统计局", "市卫健委", "市交通运输局")
_TOWNS = ("城关镇", "东山镇", "西河乡", "南湖街道", "北岭镇", "清水乡")
_UNRELATED = (("新闻动态", "xwdt"), ("图片新闻", "tpxw"), ("通知公告", "tzgg"), ("互动交流", "hdjl"),
              ("办事服务", "bsfw"), ("招聘信息", "zpxx"))
_DECOYS = ("{a}{y}年法治政府建设年度报告", "{a}{y}年政务公开工作要点", "{a}{y}年国民经济和社会发展统计公报",
           "{a}{y}年部门预决算公开", "{a}{y}年政府工作报告", "{a}{y}年政府信息公开工作总结",
           "关于做好{y}年政府信息公开工作年度报告编制发布工作的通知")


@dataclass
class GeneratedPortal:
    """One generated portal: its hosts' sites, what a correct crawl records, and its link graph."""

    seed: int
    host: str
    sites: dict[str, PortalSite]
    reports: set[str]  # URLs a correct crawl records as reports (pages and documents)
    decoys: set[str]  # URLs it must not record
    links: dict[str, list[str]] = field(default_factory=dict)  # page URL -> the URLs it leads to
    features: tuple[str, ...] = ()
    unrelated: tuple[str, ...] = ()  # URL prefixes of the areas that never hold reports

    @property
    def start_url(self) -> str:
        """The home page; "/" for a one-host portal, whose URLs are paths (served on loopback)."""
        return f"http://{self.host}/" if self.host else "/"

    def minimum_pages(self) -> int:
        """The pages on the shortest paths from the home page to every report (reports included)."""
        start = _page_url(self.start_url)
        parent: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            url = queue.popleft()
            for target in map(_page_url, self.links.get(url, ())):
                if target not in parent:
                    parent[target] = url
                    queue.append(target)
        on_paths: set[str] = set()
        for report in self.reports:
            node = report
            while node is not None and node not in on_paths:
                on_paths.add(node)
                node = parent.get(node)
        return len(on_paths)

    def page_count(self) -> int:
        return sum(len(site.pages) for site in self.sites.values())


def _page_url(url: str) -> str:
    """A directory URL as the index page it serves."""
    return url + "index.html" if url.endswith("/") else url


class _Builder:
    def __init__(self, seed: int, *, hosts: bool = True):
        self.rng = random.Random(seed)
        self.relative = not hosts  # one host, root-relative URLs: any loopback server can serve it
        self.seed = seed
        self.domain = f"p{seed}.gov.cn"
        self.host = f"www.{self.domain}"
        self.pages: dict[str, dict[str, Page]] = {}
        self.api: dict[str, dict[str, ApiForm]] = {}
        self.links: dict[str, list[str]] = {}
        self.reports: set[str] = set()
        self.decoys: set[str] = set()
        self.features: list[str] = []
        self.counter = 1000
        self.agency = self.rng.choice(("某市", "某县", "某区", "示范市", "清河县")) + "人民政府"
        self.flat = self.rng.random() < 0.4
        self.menu_style = self.rng.choice(("text", "text", "image", "script"))
        self.cross_host = hosts and self.rng.random() < 0.25

    # -- plumbing ---------------------------------------------------------------------------------
    def url(self, host: str, path: str) -> str:
        return path if self.relative else f"http://{host}{path}"

    def column_path(self, parent: str, token: str) -> str:
        """A new column's path: flat /col/colN/ or nested under its parent."""
        self.counter += 1
        if self.flat:
            return f"/col/col{self.counter}/index.html"
        return parent.rsplit("/", 1)[0] + f"/{token}{self.counter}/index.html"

    def add(self, host: str, path: str, title: str, main: str, kind: str, *, scripts: str = "",
            links: list[str] = (), crumbs: list[tuple[str, str]] = ()) -> str:
        """A page with the portal's chrome; `links` are the targets its main block leads to."""
        home = self.url(self.host, "/")
        menu = self.menu_html()
        trail = " &gt; ".join(f"<a href='{href}'>{escape(name)}</a>" for name, href in [("首页", home), *crumbs])
        html = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}_{self.agency}</title>"
                f"</head><body><div class='header'><div class='logo'><a href='{home}'>"
                f"<img src='/images/logo.png' alt='{self.agency}'></a></div>{menu}</div>"
                f"<div class='position'>当前位置：{trail}</div><div class='main'><h1>{escape(title)}</h1>{main}</div>"
                "<div class='footer'><a href='/gywm/'>关于我们</a><a href='/lxwm/'>联系我们</a>"
                f"<p>主办：{self.agency}办公室</p></div>{scripts}</body></html>")
        self.pages.setdefault(host, {})[path] = Page(path, html.encode("utf-8"), HTML, kind=kind, title=title)
        url = self.url(host, path)
        self.links.setdefault(url, []).extend([*links, *self.menu_targets()])
        return url

    def raw(self, host: str, path: str, body: bytes, content_type: str, kind: str) -> str:
        self.pages.setdefault(host, {})[path] = Page(path, body, content_type, kind=kind)
        return self.url(host, path)

    def anchor(self, href: str, text: str, title: str | None = None) -> str:
        attribute = f" title='{escape(title)}'" if title else ""
        return f"<a href='{href}'{attribute}>{escape(text)}</a>"

    # -- the menu ---------------------------------------------------------------------------------
    def set_menu(self, entries: list[tuple[str, str]]) -> None:
        self.menu = entries

    def menu_targets(self) -> list[str]:
        return [href if self.relative else urljoin(self.url(self.host, "/"), href) for _, href in self.menu]

    def menu_html(self) -> str:
        if self.menu_style == "image":
            items = "".join(f"<li><a href='{href}'><img src='/images/m{i}.png' alt='{name}'></a></li>"
                            for i, (name, href) in enumerate(self.menu))
            return f"<ul class='nav'>{items}</ul>"
        if self.menu_style == "script":
            data = json.dumps([{"name": name, "url": href} for name, href in self.menu], ensure_ascii=False)
            return ("<ul class='nav' id='menu'></ul><script>var menuData = " + data + ";\n"
                    "menuData.forEach(function (m) { $('#menu').append('<li><a href=\"' + m.url + '\">' + "
                    "m.name + '</a></li>'); });</script>")
        return "<ul class='nav'>" + "".join(f"<li>{self.anchor(href, name)}</li>" for name, href in self.menu) + "</ul>"


def _report_title(b: _Builder, year: int, publisher: str | None = None) -> str:
    agency = b.agency if publisher is None else publisher.replace("市", b.agency[:2], 1)
    return f"{agency}{year}年政府信息公开工作年度报告"


def _report(b: _Builder, host: str, column: str, year: int, publisher: str | None = None) -> tuple[str, str]:
    """A report (page, stub with a PDF, or a PDF alone); (URL to link, its title)."""
    title = _report_title(b, year, publisher)
    b.counter += 1
    base = column.rsplit("/", 1)[0]
    kind = b.rng.choice(("page", "page", "page", "stub", "pdf"))
    if kind == "pdf":
        url = b.raw(host, f"{base}/P0{year}{b.counter}.pdf", PDF, "application/pdf", "attachment")
        b.reports.add(url)
        return url, title
    path = f"{base}/{year + 1}01/t{year + 1}0120_{b.counter}.html"
    if kind == "stub":
        pdf = b.raw(host, f"{base}/{year + 1}01/P0{b.counter}.pdf", PDF, "application/pdf", "attachment")
        main = f"<p>全文见附件。</p><p>附件：{b.anchor(pdf, title + '.pdf')}</p>"
        url = b.add(host, path, title, main, "report", links=[pdf])
        b.reports |= {url, pdf}
        return url, title
    url = b.add(host, path, title, REPORT_BODY, "report")
    b.reports.add(url)
    return url, title


def _decoy(b: _Builder, host: str, column: str, year: int, template: str) -> tuple[str, str]:
    title = template.format(a=b.agency, y=year)
    b.counter += 1
    path = column.rsplit("/", 1)[0] + f"/{year + 1}02/t{year + 1}0215_{b.counter}.html"
    url = b.add(host, path, title, REPORT_BODY, "decoy")
    b.decoys.add(url)
    return url, title


def _link_text(b: _Builder, title: str) -> tuple[str, str | None]:
    """How a list shows a title: whole, or cut with the whole in title= (TRS)."""
    if len(title) > 16 and b.rng.random() < 0.3:
        return title[:14] + "…", title
    return title, None


# -- lists: one function per list form ------------------------------------------------------------
def _list(b: _Builder, host: str, path: str, title: str, items: list[tuple[str, str]], crumbs, form: str) -> str:
    """A column listing items [(URL, title)] in a list form; returns the column's URL."""
    size = b.rng.choice((3, 5, 8))
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    column = b.url(host, path)
    if form == "json":
        return _json_list(b, host, path, title, chunks, crumbs)
    if form == "catalog":
        return _catalog_list(b, host, path, title, chunks, crumbs)
    if form == "hanweb":
        records = "".join(f"<record><![CDATA[<li><a href='{url}' title='{escape(t)}'>{escape(t)}</a></li>]]></record>"
                          for url, t in items)
        island = f"<div id='u{b.counter}'><script type='text/xml'><datastore><recordset>{records}</recordset></datastore></script></div>"
        return b.add(host, path, title, island, "column", links=[u for u, _ in items], crumbs=crumbs)
    base = path.rsplit("/", 1)[0]
    for index, chunk in enumerate(chunks):
        name = "index.html" if index == 0 else f"index_{index}.html"
        rows = "".join(f"<li>{b.anchor(url, *_link_text(b, t))}<span>2024-01-20</span></li>" for url, t in chunk)
        nxt = f"{base}/index_{index + 1}.html" if index + 1 < len(chunks) else None
        if form == "trs":
            pager = f"<script>createPageHTML({len(chunks)}, {index}, \"index\", \"html\");</script>"
        else:
            pager = (f"<div class='page'>{b.anchor(f'index_{index + 1}.html', '下一页')}</div>" if nxt else "")
        targets = [u for u, _ in chunk] + ([b.url(host, nxt)] if nxt else [])
        b.add(host, f"{base}/{name}", title, f"<ul class='list'>{rows}</ul>{pager}",
              "column" if index == 0 else "list", links=targets, crumbs=crumbs)
    return column


def _json_list(b: _Builder, host: str, path: str, title: str, chunks, crumbs) -> str:
    channel = str(b.counter)
    api = f"/api/{channel}/list.jsp"
    script = ("<script>$(function(){ load(1); }); function load(page){ $.ajax({url: '" + api + "', type: 'get', "
              "dataType: 'json', data: {channelId: '" + channel + "', page: page}, success: function(r){} }); }</script>")
    form = ApiForm(api, ("page",), (("channelId", channel),))
    b.api.setdefault(host, {})[api] = form
    column = b.add(host, path, title, "<ul class='list' id='list'></ul>", "column", scripts=script, crumbs=crumbs)
    for number, chunk in enumerate(chunks, start=1):
        data = {"total": sum(map(len, chunks)), "pageSize": len(chunks[0]),
                "articles": [{"title": t, "url": urlsplit(u).path, "pubDate": "2024-01-20"} for u, t in chunk]}
        key = form.key({"page": str(number), "channelId": channel})
        _answer(b, host, column, key, data, [u for u, _ in chunk])
    return column


def _catalog_list(b: _Builder, host: str, path: str, title: str, chunks, crumbs) -> str:
    """A disclosure platform's column: its list only in JSON pages named by a URL template in the
    script (odd field names), one page after another until an empty one."""
    channel = str(b.counter)
    template = f"/openapi/info/{channel}/items?pageNo=' + pageNo + '&rows={len(chunks[0])}"
    code = "var pageNo = 1; function more(){ $.getJSON('" + template + "', function(d){ render(d.rows); }); } more();"
    if b.rng.random() < 0.5:  # the list's code in a script file of its own
        script_url = b.raw(host, f"/js/list{channel}.js", code.encode(), "application/javascript", "script")
        script = f"<script src='/js/jquery.min.js'></script><script src='{urlsplit(script_url).path}'></script>"
        b.features.append("linked-script")
    else:
        script_url, script = None, f"<script>{code}</script>"
    column = b.add(host, path, title, "<div id='catalogue'></div>", "column", scripts=script, crumbs=crumbs)
    via = column
    if script_url:
        b.links[column].append(script_url)
        via = script_url  # the answers are reached through the script
    api = f"/openapi/info/{channel}/items"
    form = ApiForm(api, ("pageNo",), (("rows", str(len(chunks[0]))),))
    b.api.setdefault(host, {})[api] = form
    for number, chunk in enumerate([*chunks, []], start=1):
        data = {"code": 0, "rows": [{"bt": t, "lj": urlsplit(u).path, "fbrq": "2024-01-20"} for u, t in chunk]}
        key = form.key({"pageNo": str(number), "rows": str(len(chunks[0]))})
        _answer(b, host, via, key, data, [u for u, _ in chunk])
    return column


def _answer(b: _Builder, host: str, column: str, key: str, data: dict, targets: list[str]) -> None:
    """One JSON answer of a column's list: a page on the way from the column to its reports."""
    answer = b.raw(host, key, json.dumps(data, ensure_ascii=False).encode(), "application/json", "api")
    b.links.setdefault(column, []).append(answer)
    b.links.setdefault(answer, []).extend(targets)


# -- the portal -----------------------------------------------------------------------------------
def _search_results(b: _Builder, publisher: str) -> str:
    """The results page of the site's search for 年度报告: a department's reports no menu leads to."""
    reports = [_report(b, b.host, "/bm/index.html", year, publisher) for year in (2022, 2023)]
    form = ApiForm("/search/", ("siteid", "searchword"))
    b.api.setdefault(b.host, {})["/search/"] = form
    key = form.key({"siteid": "1", "searchword": "年度报告"})
    rows = "".join(f"<li>{b.anchor(url, title)}</li>" for url, title in reports)
    html = f"<html><head><meta charset='utf-8'><title>搜索结果</title></head><body><ul class='list'>{rows}</ul></body></html>"
    url = b.raw(b.host, key, html.encode("utf-8"), HTML, "list")
    b.links[url] = [u for u, _ in reports]
    return url


def _unrelated(b: _Builder, name: str, token: str, pages_wanted: int) -> str:
    """A news-like area: articles in pages of 20 with pagers (hundreds of pages on some portals)."""
    base = f"/{token}"
    articles = [(f"{base}/2024{b.rng.randint(1, 12):02d}/t2024_{i}.html", f"{name}：某市召开第{i}次工作推进会议暨专题部署会")
                for i in range(pages_wanted)]
    # The articles share one body (they are never followed far): hundreds of pages cost one page's HTML.
    body = b.add(b.host, f"{base}/article.html", name, "<p>会议要求，扎实推进各项工作。</p>", "nav")
    shared = b.pages[b.host].pop(f"{base}/article.html")
    for path, _ in articles:
        b.pages[b.host][path] = Page(path, shared.body, HTML, kind="nav")
        b.links[b.url(b.host, path)] = b.links[body]
    chunks = [articles[i:i + 20] for i in range(0, len(articles), 20)] or [[]]
    for index, chunk in enumerate(chunks):
        name_ = "index.html" if index == 0 else f"index_{index}.html"
        rows = "".join(f"<li>{b.anchor(p, t)}</li>" for p, t in chunk)
        pager = f"<div class='page'><a href='index_{index + 1}.html'>下一页</a></div>" if index + 1 < len(chunks) else ""
        nxt = [b.url(b.host, f"{base}/index_{index + 1}.html")] if pager else []
        b.add(b.host, f"{base}/{name_}", name, f"<ul class='list'>{rows}</ul>{pager}", "nav",
              links=[b.url(b.host, p) for p, _ in chunk] + nxt)
    return f"{base}/"


def _column_items(b: _Builder, host: str, column: str, crumbs, form: str) -> list[tuple[str, str]]:
    """The reports (and decoys) of the column; year or publisher sub-columns on some portals."""
    years = list(range(2024 - b.rng.randint(2, 9), 2024))
    layout = b.rng.choice(("flat", "flat", "years", "publishers"))
    b.features.append(f"column:{layout}")
    items = [_report(b, host, column, year) for year in years]
    items += [_decoy(b, host, column, years[-1], template) for template in b.rng.sample(_DECOYS, b.rng.randint(0, 3))]
    if b.rng.random() < 0.3:  # a mislabelled link: a report's title over the rule-of-law report
        url, _ = _decoy(b, host, column, years[0] - 1, _DECOYS[0])
        items.append((url, _report_title(b, years[0] - 1)))
        b.features.append("mislabelled-decoy")
    b.rng.shuffle(items)
    if layout == "years":
        by_year: dict[str, list] = {}
        for url, title in items:
            by_year.setdefault(title[title.index("20"):title.index("20") + 4], []).append((url, title))
        subs = []
        for year, entries in sorted(by_year.items(), reverse=True):
            path = b.column_path(column, f"y{year}")
            subs.append((_list(b, host, path, f"{year}年", entries, crumbs, b.rng.choice(("plain", "trs"))), f"{year}年"))
        return subs
    if layout == "publishers":
        subs = []
        groups = (("部门年报", _DEPARTMENTS), ("乡镇年报", _TOWNS))
        for group, names in b.rng.sample(groups, b.rng.randint(1, 2)):
            group_path = b.column_path(column, "group")
            entries = []
            for publisher in b.rng.sample(names, b.rng.randint(2, 4)):
                path = b.column_path(group_path, "pub")
                reports = [_report(b, host, path, year, publisher) for year in years[-b.rng.randint(1, 3):]]
                entries.append((_list(b, host, path, publisher, reports, crumbs, b.rng.choice(("plain", "hanweb"))),
                                publisher))
            main = "<ul class='list'>" + "".join(f"<li>{b.anchor(u, n)}</li>" for u, n in entries) + "</ul>"
            subs.append((b.add(host, group_path, group, main, "column", links=[u for u, _ in entries], crumbs=crumbs),
                         group))
        return items + subs
    return items


def _shape(rng: random.Random) -> tuple[int, str]:
    """The portal's first draws: its depth and its list form."""
    return rng.randint(1, 5), rng.choice(LIST_FORMS)


def list_form(seed: int, *, hosts: bool = True) -> str:
    """The list form generate_portal(seed) draws, without building the portal."""
    return _shape(_Builder(seed, hosts=hosts).rng)[1]


def generate_portal(seed: int, *, hosts: bool = True) -> GeneratedPortal:
    """The portal of one seed; hosts=False keeps it on one host (for loopback crawls)."""
    b = _Builder(seed, hosts=hosts)
    rng = b.rng
    depth, form = _shape(rng)
    b.features += [f"depth:{depth}", f"form:{form}", f"menu:{b.menu_style}", "flat" if b.flat else "nested"]
    unrelated = rng.sample(_UNRELATED, rng.randint(2, 4))
    level_one = rng.choice(_LEVEL_ONE)
    area_host = f"xxgk.{b.domain}" if b.cross_host else b.host
    if b.cross_host:
        b.features.append("xxgk-host")
    area_token = rng.choice(("zwgk", "xxgk", "gk", "zfxxgk"))
    area_path = f"/col/col{100_000 + seed}/index.html" if b.flat else f"/{area_token}/index.html"
    area_url = b.url(area_host, area_path)
    b.set_menu([("首页", "/"), *[(name, f"/{token}/") for name, token in unrelated[:1]], (level_one, area_url),
                *[(name, f"/{token}/") for name, token in unrelated[1:]], ("English", "/en/")])
    # Parents between the area and the column: named like disclosure areas, or not named at all.
    chain = [(area_host, area_path, level_one)]
    for level in range(depth - 1):
        name = rng.choice(_DEEPER)
        chain.append((area_host, b.column_path(chain[-1][1], f"l{level}"), name))
    crumbs = [(name, b.url(host, path)) for host, path, name in chain]
    column_name = rng.choice(_COLUMNS)
    column_path = b.column_path(chain[-1][1], rng.choice(("zfxxgknb", "ndbg", "nb", "c")))
    items = _column_items(b, area_host, column_path, crumbs, form)
    column = _list(b, area_host, column_path, column_name, items, crumbs, form)
    # A decoy column beside the real one: its documents are titled like reports' cousins.
    siblings: list[tuple[str, str]] = [(column, column_name)]
    if rng.random() < 0.5:
        decoy_path = b.column_path(chain[-1][1], "fzzf")
        decoys = [_decoy(b, area_host, decoy_path, year, _DECOYS[0]) for year in range(2019, 2024)]
        siblings.append((_list(b, area_host, decoy_path, "法治政府建设年度报告", decoys, crumbs, "plain"),
                         "法治政府建设年度报告"))
    for extra in rng.sample(("政策文件", "人事信息", "规划计划", "财政资金", "机构职能"), 3):
        path = b.column_path(chain[-1][1], "o")
        docs = "".join(f"<li>{b.anchor(f'd{i}.html', f'关于印发{extra}第{i}号文件的通知')}</li>" for i in range(3))
        siblings.append((b.add(area_host, path, extra, f"<ul class='list'>{docs}</ul>", "nav", crumbs=crumbs), extra))
    rng.shuffle(siblings)
    for index in range(len(chain) - 1, -1, -1):  # each parent links its child (and the last one the columns)
        host, path, name = chain[index]
        children = siblings if index == len(chain) - 1 else [(b.url(*chain[index + 1][:2]), chain[index + 1][2])]
        if index < len(chain) - 1:
            children = children + [(b.url(host, b.column_path(path, "x")), rng.choice(("机构概况", "政策解读")))]
        main = "<ul class='side'>" + "".join(f"<li>{b.anchor(u, n)}</li>" for u, n in children) + "</ul>"
        b.add(host, path, name, main, "area", links=[u for u, _ in children], crumbs=crumbs[:index])
    news = [_unrelated(b, name, token, rng.choice((30, 120, 300))) for name, token in unrelated]
    home_reports = rng.sample(sorted(b.reports), min(len(b.reports), rng.randint(0, 2)))
    block = "".join(f"<li>{b.anchor(u, '热点：年度报告发布')}</li>" for u in home_reports if u.endswith("html"))
    featured = [u for u in home_reports if u.endswith("html")]
    search, searched = "", []
    if rng.random() < 0.3:  # a site search, and reports only it finds (a department's, filed nowhere else)
        searched = [_search_results(b, rng.choice(_DEPARTMENTS))]
        search = ("<form action='/search/' method='get'><input type='hidden' name='siteid' value='1'>"
                  "<input type='text' name='searchword'><input type='submit' value='搜索'></form>")
        b.features.append("site-search")
    b.add(b.host, "/index.html", b.agency, f"{search}<div class='news'><ul>{block}</ul></div><p>欢迎访问</p>", "home",
          links=featured + [b.url(b.host, path) for path in news] + searched)
    b.raw(b.host, "/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain", "robots")
    sites = {host: PortalSite(pages=pages, api_forms=b.api.get(host, {})) for host, pages in b.pages.items()}
    return GeneratedPortal(seed, "" if b.relative else b.host, sites, b.reports, b.decoys, b.links, tuple(b.features),
                           tuple(b.url(b.host, f"/{token}/") for _, token in unrelated))
