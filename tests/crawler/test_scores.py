"""The pure pieces of discovery: link scores, the disclosure area, scope, sitemaps, site search,
script data and templates, other yearly documents, the frontier's budgets."""

from __future__ import annotations

import json

import lxml.html

from archive.classify import is_named_report, names_another_document, report_title
from archive.links import LinkPlace, PageLink, page_links
from archive.sources import host_in_scope
from crawler.discovery import PageContext, classify_link, in_disclosure_area, score_link
from crawler.frontier import BUDGET, Budget, Frontier
from crawler.list_forms import (
    ListAnswer,
    ListPage,
    ListRequest,
    read_list_answer,
    read_list_page,
)
from crawler.list_forms.script_endpoints import RECORDS, linked_scripts, records
from crawler.site_search import search_url
from crawler.sitemaps import read_sitemap

PAGE = "http://www.a.gov.cn/xxgk/index.html"
ENTRY = PageContext(url=PAGE)


def _score(text: str, url: str, page: PageContext = ENTRY, place=LinkPlace.BODY) -> int:
    link = PageLink(url, text, "", place)
    return score_link(link, classify_link(link, page.url or PAGE), page)


def test_scores_follow_what_a_link_promises():
    assert {text: _score(text, url) for text, url in (
        ("某区2023年政府信息公开工作年度报告", "http://www.a.gov.cn/nb/t1.html"),
        ("政府信息公开年报", "http://www.a.gov.cn/a/"),
        ("政府信息公开", "http://www.a.gov.cn/b/"),
        ("机构概况", "http://www.a.gov.cn/c/"),
        ("新闻动态", "http://www.a.gov.cn/xwdt/"),
        ("English", "http://www.a.gov.cn/en/"),
        ("法治政府建设年度报告", "http://www.a.gov.cn/fz/"),
    )} == {"某区2023年政府信息公开工作年度报告": 90, "政府信息公开年报": 80, "政府信息公开": 65, "机构概况": 30,
           "新闻动态": 0, "English": 0, "法治政府建设年度报告": 30}


def test_where_a_link_sits_and_where_it_came_from():
    column = PageContext(url="http://www.a.gov.cn/nb/index.html", score=80, is_list=True)
    plain = PageContext(url="http://www.a.gov.cn/zcwj/index.html", score=30)
    assert _score("下一页", "http://www.a.gov.cn/nb/index_1.html", column) == 80  # a list's pager keeps its score
    assert _score("下一页", "http://www.a.gov.cn/zcwj/index_1.html", plain) == 0  # one listing no report decays
    assert _score("市发改委", "http://www.a.gov.cn/nb/fgw/", column) == 70  # a publisher's own column
    assert _score("市发改委", "http://www.a.gov.cn/nb/fgw/", column, LinkPlace.MENU) == 40
    assert _score("关于我们", "http://www.a.gov.cn/gywm/", place=LinkPlace.FOOTER) == 0
    assert _score("专题专栏", "http://www.a.gov.cn/zt/", PageContext(url=PAGE, in_area=True)) == 45
    assert _score("专题专栏", "http://www.a.gov.cn/zt/", PageContext(url=PAGE, score=30)) == 20  # decays
    assert _score("专题专栏", "http://www.a.gov.cn/zt/", PageContext(url=PAGE, learned=frozenset({"专题专栏"}))) == 45
    assert _score("政府信息公开年报", "http://www.a.gov.cn/a/", PageContext(url=PAGE, depth=6)) == 50


def test_the_disclosure_area_by_breadcrumb_or_host():
    def root(trail: str):
        return lxml.html.document_fromstring(f"<body><div class='position'>{trail}</div></body>")
    assert in_disclosure_area(root("<a href='/'>首页</a> &gt; <a href='/zw/'>政务</a>"), PAGE)
    assert not in_disclosure_area(root("<a href='/'>首页</a> &gt; <a href='/xw/'>政务动态</a>"), PAGE)
    assert in_disclosure_area(root(""), "http://xxgk.a.gov.cn/col/col1/index.html")


def test_links_know_their_place():
    root = lxml.html.document_fromstring(
        "<body><ul class='nav'><li><a href='/a/'>A</a></li></ul><div class='crumbs'><a href='/b/'>B</a></div>"
        "<ul class='list'><li><a href='/c/'>C</a></li></ul><div id='footer'><a href='/d/'>D</a></div>"
        "<p><a href='/e/'>E</a></p></body>")
    assert [link.place for link in page_links(root, "http://h/")] == [
        LinkPlace.MENU, LinkPlace.CRUMB, LinkPlace.LIST, LinkPlace.FOOTER, LinkPlace.BODY]


def test_the_disclosure_platform_of_the_same_domain_is_in_scope():
    hosts = ("zwgk.city.gov.cn",)
    assert host_in_scope("http://xxgk.city.gov.cn/col/col1/", hosts)
    assert host_in_scope("http://fgw.city.gov.cn/", hosts)
    assert not host_in_scope("http://xxgk.other.gov.cn/", hosts)
    assert not host_in_scope("http://127.0.0.2/", ("127.0.0.1",))


def test_sitemaps_and_sitemap_indexes():
    urlset = (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
              b"<url><loc>http://h/xxgk/zfxxgknb/index.html</loc></url><url><loc>http://h/xwdt/t1.html</loc></url>"
              b"</urlset>")
    index = (b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><sitemap><loc>/s1.xml</loc>"
             b"</sitemap></sitemapindex>")
    assert read_sitemap(urlset, "http://h/sitemap.xml").pages == (
        ("http://h/xxgk/zfxxgknb/index.html", 75), ("http://h/xwdt/t1.html", 10))
    assert read_sitemap(index, "http://h/sitemap.xml").sitemaps == ("http://h/s1.xml",)
    assert read_sitemap(b"<html><body>404</body></html>", "http://h/sitemap.xml").pages == ()
    assert read_sitemap(b"", "http://h/sitemap.xml").pages == ()


def test_the_site_search_form_is_asked_for_annual_reports():
    root = lxml.html.document_fromstring(
        "<body><form method='post' action='/login'><input name='user'></form>"
        "<form action='/search/index.jsp'><input type='hidden' name='siteid' value='7'>"
        "<input type='text' name='searchword'><input type='submit' value='搜索'></form></body>")
    assert search_url(root, "http://h/") == (
        "http://h/search/index.jsp?siteid=7&searchword=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A")
    assert search_url(lxml.html.document_fromstring("<body><p>无</p></body>"), "http://h/") is None


def test_menus_and_lists_held_in_script_data_are_links():
    html = ("<html><body><ul id='menu'></ul><script>var menuData = [{\"name\": \"政务公开\", \"url\": \"/zwgk/\"},"
            "{\"name\": \"新闻\", \"url\": \"/xwdt/\"}];</script></body></html>")
    found = read_list_page(ListPage.parse(html, "http://h/index.html"))
    assert [(link.url, link.text) for link in found.links] == [("http://h/zwgk/", "政务公开"), ("http://h/xwdt/", "新闻")]


def test_url_templates_in_scripts_are_called_page_after_page_until_empty():
    html = ("<html><body><div id='c'></div><script>var pageNo = 1; $.getJSON('/openapi/info/7/items?pageNo=' + pageNo"
            " + '&rows=5', function (d) { render(d.rows); });</script></body></html>")
    (request,) = read_list_page(ListPage.parse(html, "http://h/col/index.html")).requests
    assert (request.url, request.answer, request.page_field) == (
        "http://h/openapi/info/7/items?pageNo=1&rows=5", RECORDS, "pageNo")
    page = {"code": 0, "rows": [{"bt": "某县2023年政府信息公开工作年度报告", "lj": "/col/2024/t1.html", "rq": "2024-01-02"}]}
    found = read_list_answer(ListAnswer(request, json.dumps(page, ensure_ascii=False)))
    assert [(link.url, link.text) for link in found.links] == [("http://h/col/2024/t1.html", "某县2023年政府信息公开工作年度报告")]
    assert [r.url for r in found.requests] == ["http://h/openapi/info/7/items?pageNo=2&rows=5"]
    assert read_list_answer(ListAnswer(found.requests[0], '{"code": 0, "rows": []}')).requests == ()


def test_records_are_read_whatever_their_field_names():
    data = {"data": {"list": [{"wjbt": "某市2022年政府信息公开工作年度报告", "wjdz": "./t2.html", "id": 3},
                              {"name": "没有链接的目录节点", "children": []}]}}
    assert [(link.url, link.title) for link in records(data, "http://h/nb/")] == [
        ("http://h/nb/t2.html", "某市2022年政府信息公开工作年度报告")]


def test_other_yearly_documents_are_not_reports():
    for title in ("某县2023年法治政府建设年度报告", "某市2023年国民经济和社会发展统计公报", "某局2024年部门预决算公开",
                  "2024年某市人民政府政府工作报告", "某区2023年政府信息公开工作总结", "某区2024年政务公开工作要点"):
        assert names_another_document(title) and not is_named_report(title), title
    for title in ("某市统计局2023年政府信息公开工作年度报告", "某区财政局2023年度政府信息公开工作年度报告"):
        assert is_named_report(title) and not names_another_document(title), title
    # A report-titled link to a page that calls itself the rule-of-law report is a mislabel.
    assert report_title(["某县2023年法治政府建设年度报告"], "某县2023年政府信息公开工作年度报告") is None
    assert report_title(["某县人民政府"], "某县2023年政府信息公开工作年度报告") == "某县2023年政府信息公开工作年度报告"


def test_the_frontier_spends_budgets_and_parks_low_scores():
    frontier = Frontier(min_score=20)
    frontier.open("a", Budget(pages=2, depth=3))
    frontier.open("a › 城关镇", Budget(pages=1, depth=3))
    assert [frontier.admit({BUDGET: "a"}) for _ in range(3)] == [True, True, False]
    assert frontier.admit({BUDGET: "a › 城关镇"}) and not frontier.admit({BUDGET: "a › 城关镇"})
    assert not frontier.within_depth("a", 4) and frontier.within_depth("a", 3)
    assert not frontier.wants_now(19) and frontier.wants_now(20)
    frontier.open("b", Budget(pages=5, depth=3))
    for score, name in ((5, "b-low"), (15, "b-high"), (10, "b-mid")):
        frontier.park("b", score, name)
    frontier.park("a", 15, "a-low")
    assert frontier.release(2) == ["b-high", "b-mid"]  # "a" has spent its budget: its link is dropped
    frontier.found_report("b", 2, "年报")
    assert frontier.release(2) == []  # "b" found a report: its last resorts are not needed
    figures = frontier.figures()
    assert figures["a"] == {"pages": 2, "budget_pages": 2, "budget_used": 100, "reports": 0,
                            "first_report_depth": None, "frontier_left": 3}
    assert (figures["b"]["reports"], figures["b"]["first_report_depth"], figures["b"]["frontier_left"]) == (1, 2, 1)
    assert frontier.learned("b") == {"年报"}


def test_a_report_in_a_sub_source_counts_for_its_source():
    frontier = Frontier(min_score=20)
    frontier.open("a", Budget(10, 3))
    frontier.open("a › 市教育局", Budget(10, 3))
    frontier.park("a", 10, "news")
    frontier.found_report("a › 市教育局", 1, None)
    assert (frontier.release(5), frontier.figures()["a"]["reports"]) == ([], 1)


class _SharedCounts:
    """The counts a Redis-shared frontier keeps for all processes, in memory."""

    def __init__(self):
        self.pages: dict[str, int] = {}
        self.sources: set[str] = set()

    def charge(self, key: str) -> int:
        self.pages[key] = self.pages.get(key, 0) + 1
        return self.pages[key]

    def found(self, source: str) -> None:
        self.sources.add(source)

    def has_found(self, source: str) -> bool:
        return source in self.sources


def _sharing(shared: _SharedCounts) -> Frontier:
    frontier = Frontier(min_score=20)
    frontier.shared = shared
    frontier.open("a", Budget(3, 3))
    return frontier


def test_processes_sharing_a_frontier_spend_one_budget():
    shared = _SharedCounts()
    first, second = _sharing(shared), _sharing(shared)
    assert [first.admit({BUDGET: "a"}), second.admit({BUDGET: "a"}), second.admit({BUDGET: "a"}),
            first.admit({BUDGET: "a"})] == [True, True, True, False]
    assert (first.figures()["a"]["pages"], first.tallies["a"].spent, second.tallies["a"].spent) == (1, True, False)


def test_last_resorts_one_process_parked_are_dropped_when_another_found_the_sources_reports():
    shared = _SharedCounts()
    first, second = _sharing(shared), _sharing(shared)
    first.park("a", 0, "/sitemap.xml")
    second.found_report("a › 城关镇", 1, None)  # a sub-source this process never opened: not counted
    assert (shared.sources, first.release(5)) == (set(), ["/sitemap.xml"])
    first.park("a", 0, "/sitemap.xml")
    second.found_report("a", 1, None)
    second.found_report("a", 1, None)
    assert (shared.sources, first.release(5)) == ({"a"}, [])
    assert first.figures()["a"] == {"pages": 0, "budget_pages": 3, "budget_used": 0, "reports": 0,
                                    "first_report_depth": None, "frontier_left": 1}


def test_a_process_sharing_a_frontier_releases_last_resorts_while_no_process_found_reports():
    shared = _SharedCounts()
    first, second = _sharing(shared), _sharing(shared)
    first.park("a", 0, "/sitemap.xml")
    second.found_report("b", 1, None)  # another source's reports say nothing of this one's
    assert first.release(5) == ["/sitemap.xml"]


def test_list_requests_keep_their_kind_in_meta():
    request = ListRequest("http://h/api?page=1", RECORDS, page_field="page", form="json_api")
    assert ListRequest.from_meta(request.as_meta()) == request


def test_a_list_pages_own_script_file_is_read_as_its_inline_code():
    html = ("<html><body><script src='/js/jquery.min.js'></script><script src='/js/list7.js'></script>"
            "<script src='http://cdn.example.com/x.js'></script></body></html>")
    (request,) = linked_scripts(ListPage.parse(html, "http://h/col/index.html"))
    assert (request.url, request.answer) == ("http://h/js/list7.js", "linked_script")
    code = "// the list\n$.getJSON('/api/list?page=' + page, show); var menu = [{\"t\": \"年度报告\", \"u\": \"/nb/\"}];"
    found = read_list_answer(ListAnswer(request, code))
    assert [(r.url, r.page_field) for r in found.requests] == [("http://h/api/list?page=1", "page")]
    assert [(link.url, link.text) for link in found.links] == [("http://h/nb/", "年度报告")]
