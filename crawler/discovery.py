"""Which links of a portal page to follow, and how promising each is, without per-site code (§10.2).

Pure functions over one parsed lxml tree (the page is parsed once by parsel; every function here
walks that tree), so they are tested on saved pages without running a crawl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from lxml import etree

from archive.classify import (
    is_attachment_url,
    is_named_report,
    names_another_document,
    title_candidates,
)
from archive.links import LinkPlace, PageLink
from archive.normalize import CJK, normalize_label
from archive.readers.flipbook import book_base

# Annual-report columns (§10.2): link texts and URL path tokens.
_COLUMN_WORDS = ("年报", "年度报告")
_COLUMN_URL = re.compile(
    r"(zfxxgknb|xxgknb|xxgknbgs|ndbg|zfxxgkndbg|szfxxgkndbg|zfxxyjxndbg|bmxxgknb|gknb|"
    r"xxgkAnnualReport)", re.IGNORECASE)
# The disclosure area that holds the column.
_AREA_WORDS = ("政府信息公开", "信息公开", "政务公开", "公开目录", "法定主动公开")
_AREA_URL = re.compile(r"/(zfxxgk|xxgk|zwgk|gkml|xxgkml|zfxxgkml|openness)[^/]*(/|$)", re.IGNORECASE)
# Pagination of a list page.
_PAGER_WORDS = {"下一页", "下页", "尾页", "末页", "上一页", "上页", "首页", "next", ">", ">>", "»", "›",
                "后一页", "最后一页", "第一页"}
_PAGER_URL = re.compile(
    r"(index_\d+\.s?html?$|_\d+\.s?html?$|[?&](page|pageno|pageindex|curpage|pagenum|p|pn|start)=\d+)",
    re.IGNORECASE)
# Article URLs of the common CMS families (§8.6): TRS t20240115_123.html, Hanweb art/2023/5/15/…,
# content/post_123.html, /202401/….html, info/1021/12265.htm, uuid-named pages.
_ARTICLE_URL = re.compile(
    r"(/t\d{8}_\d+\.s?html?$|/art/\d{4}/\d{1,2}/\d{1,2}/|/content/post_\d+|/\d{6,8}/[^/]+\.s?html?$|"
    r"/info/\d+/\d+\.s?htm|[0-9a-f]{32}\.s?html?$|[0-9a-f-]{36}\.s?html?$|/\d{12,}\.s?html?$)",
    re.IGNORECASE)
# Year sub-columns inside a report column: "2023年", "2023年度", "2023".
_YEAR_FOLDER = re.compile(r"^(19|20)\d{2}(年度?)?$")
_CJK = re.compile(f"[{CJK}]")
class LinkRole(str, Enum):
    ATTACHMENT = "attachment"
    FLIPBOOK = "flipbook"  # a text page of a PDF flipbook (…/files/basic-html/pageN.html, index.html)
    PAGER = "pager"
    REPORT = "report"  # the link text is a report title
    COLUMN = "column"
    ARTICLE = "article"  # looks like a document page; classified once fetched
    AREA = "area"
    OTHER = "other"


def classify_link(link: PageLink, page_url: str) -> LinkRole:
    """What following this link is likely to give, from its text, title and URL alone."""
    label = normalize_label(link.label)
    if is_attachment_url(link.url):
        return LinkRole.ATTACHMENT
    if book_base(link.url):
        return LinkRole.FLIPBOOK
    bare = label.strip("[]【】()<>")
    # A pager stays in the list's own directory: "首页" to the site's home page is navigation.
    if _same_directory(link.url, page_url) and (
        label.lower() in _PAGER_WORDS or (bare.isdigit() and len(bare) <= 4)
        or (_PAGER_URL.search(link.url) and len(label) <= 6)
    ):
        return LinkRole.PAGER
    if is_named_report(link.label):
        return LinkRole.REPORT
    if any(word in label for word in _COLUMN_WORDS) or _YEAR_FOLDER.match(label):
        return LinkRole.COLUMN
    # Articles inside a column share its URL token (…/zfxxgknb/202401/t…html), so the article
    # shape is tested before the column token.
    if (_ARTICLE_URL.search(urlsplit(link.url).path) and len(label) >= 6) or (
        len(label) >= 10 and _CJK.search(label)
    ):
        # Menus say 首页, 政务公开, 互动交流; document titles are long, even when truncated (…).
        return LinkRole.ARTICLE
    if _COLUMN_URL.search(link.url):
        return LinkRole.COLUMN
    if any(word in label for word in _AREA_WORDS) or _AREA_URL.search(urlsplit(link.url).path):
        return LinkRole.AREA
    return LinkRole.OTHER


# -- scores: how promising a link is (the request's priority; crawler/frontier.py spends the budget) ----
ENTRY_SCORE = 50  # a source's start page
# Words of the areas that never hold reports: news, interaction, services, jobs, English, accounts.
_LOW_WORDS = ("新闻", "动态", "通知公告", "公告", "要闻", "图片", "视频", "互动", "交流", "留言", "信箱", "咨询", "投诉", "调查",
              "征集", "办事", "服务", "招聘", "招考", "english", "登录", "注册", "登陆", "无障碍", "长者",
              "关怀", "搜索", "检索", "网站地图导航", "tv", "直播", "访谈", "专访", "微博", "微信", "app")
_LOW_URL = re.compile(r"/(news|xwdt|xwzx|hdjl|hd|bsfw|bs|english|en|login|search|zxft|video|tpxw)(/|$|[_.?])",
                      re.IGNORECASE)
# Labels that lead to lists of links: site maps and catalogue indexes.
_MAP_WORDS = ("网站地图", "站点地图", "栏目导航", "信息公开目录", "目录")
# A publisher named alone (a department's or township's own column): 市发改委, 某某镇, 城关街道.
_PUBLISHER = re.compile(
    rf"^[{CJK}()]{{1,20}}(局|委|委员会|办|办公室|院|署|厅|中心|镇|乡|街道|街道办事处|政府|管委会|公司|所|站|队|会|处)$")
_CRUMB_AREA_WORDS = ("公开", "政务", *_COLUMN_WORDS)  # a trail through 政务 › 专题专栏 is inside the area
# Breadcrumb blocks (the page's links were read first-occurrence-first, so the trail's own links,
# repeated from the menu, are read here). Found from the class and id attributes, in one walk: a
# predicate on every element, once a word, took 2 ms of a page that parses in 1.
_CRUMB_WORDS = ("crumb", "position", "location", "dqwz")
_CRUMBS = etree.XPath("(//@class | //@id)[" + " or ".join(f"contains(., '{word}')" for word in _CRUMB_WORDS)
                      + "]/parent::*")
_AREA_HOSTS = ("xxgk", "zwgk", "gk", "zfxxgk", "gkml")
_SCORES = {LinkRole.REPORT: 90, LinkRole.FLIPBOOK: 85, LinkRole.COLUMN: 80, LinkRole.AREA: 65}
_PLACE_SCORES = {LinkPlace.FOOTER: -30, LinkPlace.CRUMB: -10, LinkPlace.SIDE: 0, LinkPlace.MENU: 0,
                 LinkPlace.LIST: 0, LinkPlace.BODY: 0}


@dataclass(frozen=True)
class PageContext:
    """What the crawl knows of the page a link sits on: the score that brought it here, whether it
    is a list (a report column, or it lists report titles), its navigation depth, and what the
    crawl learned on this source so far (link labels that led to reports)."""

    url: str = ""
    score: int = ENTRY_SCORE
    is_list: bool = False
    holds_reports: bool = False
    depth: int = 0
    free_hops: int = 4  # navigation hops a link keeps its score over; a hop further costs 10
    learned: frozenset[str] = frozenset()
    in_area: bool = False  # the page lies inside the disclosure area (see in_disclosure_area)


# A publisher's column is listed in the column's body, never in the site's menus, logo or footer.
PUBLISHER_PLACES = (LinkPlace.LIST, LinkPlace.BODY, LinkPlace.SIDE)


def is_publisher_name(label: str) -> bool:
    """A bare agency or township name (the label of its own report column in a 部门年报 column)."""
    return bool(_PUBLISHER.match(normalize_label(label)))


def is_low_link(link: PageLink) -> bool:
    """A link into an area that never holds reports (news, interaction, services, English, login)."""
    label = normalize_label(link.label).lower()
    return any(word in label for word in _LOW_WORDS) or bool(_LOW_URL.search(urlsplit(link.url).path))


def score_link(link: PageLink, role: LinkRole, page: PageContext) -> int:
    """0-100: how likely following the link leads to reports, from its role (text, title and URL),
    its place on the page, the page it sits on and what was learned on this source."""
    label = normalize_label(link.label)
    if role is LinkRole.PAGER:
        # A list's pager keeps the list's score; the pager of a page listing no report decays.
        return page.score if page.is_list or page.holds_reports else max(page.score - 40, 0)
    if role is LinkRole.REPORT or (role is LinkRole.ATTACHMENT and is_named_report(link.label)):
        score = 90
    elif role is LinkRole.ATTACHMENT:
        score = 70 if page.is_list else 35
    elif role is LinkRole.ARTICLE:
        score = 60 if page.is_list else 15  # an article of a report column may be a report under a cut title
    elif role is LinkRole.OTHER or (role is LinkRole.AREA and page.in_area and not _names_area(label)):
        # Inside the area every URL carries its token (/xxgk/…): only a name says more than "nearby".
        score = _other_score(link, label, page)
    else:
        score = _SCORES[role]
    if role not in (LinkRole.REPORT, LinkRole.ATTACHMENT, LinkRole.FLIPBOOK) and is_low_link(link):
        score -= 45
    if names_another_document(link.label):
        score -= 50  # 法治政府建设年度报告 and its kin: a column of them, or one of them, is not ours
    if label and label in page.learned:
        score += 15
    score += _PLACE_SCORES[link.place] - 10 * max(page.depth + 1 - page.free_hops, 0)
    return max(0, min(100, score))


def _names_area(label: str) -> bool:
    return any(word in label for word in _AREA_WORDS)


def _other_score(link: PageLink, label: str, page: PageContext) -> int:
    """A link named nothing we know: a publisher's column inside a report column, a site map, or
    plain navigation whose score decays with the page's (exploration spends itself out)."""
    if page.is_list and link.place in PUBLISHER_PLACES and is_publisher_name(label):
        return 70
    if any(word in label for word in _MAP_WORDS):
        return 50
    if page.is_list:
        return 40 if is_below(link.url, page.url) else 25
    if page.in_area:
        return 45  # a catalogue's unnamed sub-areas (专题专栏, 综合信息) may hold the column
    return min(45 if page.score >= _SCORES[LinkRole.AREA] else 30, page.score - 10)


def in_disclosure_area(root: etree._Element, url: str) -> bool:
    """The page sits inside the disclosure area: its breadcrumb names the area or a report column,
    or it is served by the disclosure platform's own host (xxgk.<domain>)."""
    if (urlsplit(url).hostname or "").split(".")[0] in _AREA_HOSTS:
        return True
    for trail in _CRUMBS(root):
        steps = [normalize_label(a.text_content()) for a in trail.iter("a")]
        if any(any(word in step for word in _CRUMB_AREA_WORDS) and not any(w in step for w in _LOW_WORDS)
               for step in steps):
            return True
    return False


def is_below(url: str, page_url: str) -> bool:
    """The URL lies under the page's directory (…/nb/index.html → …/nb/fgw/), not the page itself."""
    a, b = urlsplit(url), urlsplit(page_url)
    directory = b.path.rsplit("/", 1)[0] + "/"
    return a.netloc == b.netloc and a.path.startswith(directory) and a.path.rstrip("/") != b.path.rstrip("/") \
        and a.path != directory


def _same_directory(url: str, page_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(page_url)
    return a.netloc == b.netloc and a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]


def looks_like_column(root: etree._Element, url: str) -> bool:
    """A report column page by its own title or URL (a start URL may be the column itself)."""
    titles = [normalize_label(t) for t in title_candidates(root)]
    return bool(_COLUMN_URL.search(url)) or any(
        any(word in t for word in _COLUMN_WORDS) and not is_named_report(t) for t in titles)


