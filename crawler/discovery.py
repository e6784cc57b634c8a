"""Reading a portal page without per-site code: its links, its title, whether it is a report (§10.2-10.3).

Pure functions over one parsed lxml tree (the page is parsed once by parsel; every function here
walks that tree), so they are tested on saved pages without running a crawl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from archive.classify import (
    is_attachment_url,
    is_named_report,
    is_report,
    report_title,
    shown_document,
    title_candidates,
)
from archive.normalize import CJK, normalize_label
from archive.readers.flipbook import book_base

_SKIP_TEXT_TAGS = {"script", "style", "noscript", "template", "a", "select", "option"}
_SKIP_TAGS = {"script", "style", "noscript", "template"}

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
# Lists that open their items by script: onclick="window.open('./t2024_1.html')",
# "location.href='…'", or href="javascript:window.open('…')".
_ONCLICK_URL = re.compile(r"(?:window\.open|location(?:\.href)?\s*=|location\.assign)\s*(?:\(\s*)?['\"]([^'\"]+)['\"]")


class LinkRole(str, Enum):
    ATTACHMENT = "attachment"
    FLIPBOOK = "flipbook"  # a text page of a PDF flipbook (…/files/basic-html/pageN.html, index.html)
    PAGER = "pager"
    REPORT = "report"  # the link text is a report title
    COLUMN = "column"
    ARTICLE = "article"  # looks like a document page; classified once fetched
    AREA = "area"
    OTHER = "other"


@dataclass(frozen=True)
class PageLink:
    url: str
    text: str
    title: str

    @property
    def label(self) -> str:
        """The fuller of link text and title attribute (TRS lists truncate the text, not the title)."""
        return self.title if len(self.title) > len(self.text) else self.text


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def page_links(root: etree._Element, base_url: str) -> list[PageLink]:
    """Every followable link of the page, absolute, without fragments, first occurrence kept:
    <a href>, and elements whose onclick opens a page (window.open('…'), location.href='…')."""
    seen: set[str] = set()
    links: list[PageLink] = []
    base = next((b.get("href") for b in root.iter("base") if b.get("href")), None)
    if base:  # <base href> (some CMS templates) changes what relative links resolve against
        base_url = urljoin(base_url, base.strip())
    for element in root.iter("a", "li", "div", "td", "span", "tr", "p", "dd"):
        href = (element.get("href") or "").strip() if element.tag == "a" else ""
        if not href or href.startswith("javascript:"):
            opened = _ONCLICK_URL.search(element.get("onclick") or href)
            href = opened.group(1) if opened else ""
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        links.append(PageLink(url, _link_text(element), _clean(element.get("title"))))
    for url in _embedded_documents(root, base_url):
        if url not in seen:
            seen.add(url)
            links.append(PageLink(url, "", ""))
    return links


def _embedded_documents(root: etree._Element, base_url: str) -> list[str]:
    """Documents shown inside the page by <iframe>, <embed> or <object> (a PDF, or a PDF.js viewer)."""
    sources = (e.get("src") or e.get("data") or "" for e in root.iter("iframe", "embed", "object"))
    shown = (shown_document(source, base_url) for source in sources if source.strip())
    return [urldefrag(url)[0] for url in shown if url]


def _link_text(element: etree._Element) -> str:
    """The link's text, or the alt text of its image (menus drawn as pictures: 政府信息公开)."""
    text = _clean(element.text_content())
    if text:
        return text
    return next((_clean(img.get("alt")) for img in element.iter("img") if img.get("alt")), "")


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


def body_text(root: etree._Element) -> str:
    """Visible text outside links, scripts and menus: what a report page says, not what it links to.
    One iterative walk: a page nested thousands of elements deep must not exhaust Python's stack."""
    parts: list[str] = []
    skipping = 0  # depth inside elements whose text is not the page's
    body = next(root.iter("body"), root)
    for event, element in etree.iterwalk(body, events=("start", "end", "comment", "pi")):
        if event in ("comment", "pi"):
            if not skipping and element.tail:
                parts.append(element.tail)
            continue
        skipped = isinstance(element.tag, str) and element.tag.lower() in _SKIP_TEXT_TAGS
        if event == "start":
            if skipped:
                skipping += 1
            elif not skipping and element.text:
                parts.append(element.text)
            continue
        skipping -= skipped
        if not skipping and element.tail:
            parts.append(element.tail)
    return " ".join("".join(parts).split())


def is_report_page(root: etree._Element, links: list[PageLink] = (),
                   link_label: str | None = None) -> tuple[bool, str | None]:
    """(is a report, its title): a report title, and a body that reads like a report or an
    attachment that holds it (the HTML stub + PDF form: 全文见附件)."""
    title = report_title(title_candidates(root), link_label)
    if not title:
        return False, None
    has_attachment = any(is_attachment_url(link.url) for link in links)
    return is_report(title, body_text(root), has_attachment), title


def host_in_scope(url: str, hosts: tuple[str, ...]) -> bool:
    """The URL's host is one of the source's hosts or a subdomain of one (www. ignored)."""
    host = (urlsplit(url).hostname or "").lower()
    for allowed in hosts:
        allowed = allowed.lower().removeprefix("www.")
        if host == allowed or host.endswith("." + allowed) or host == "www." + allowed:
            return True
    return False
