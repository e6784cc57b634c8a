"""Plain list pages: <select> jump menus, ?page=N forms, and page-number pagers with gaps.

The spider already follows 下一页/尾页/page-number links one page at a time; what it cannot see are
URLs held in <option value>s, page forms (<form><input name="page">, 共N页), and the pages between
a pager's window and its 尾页 (1 2 3 … 40).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from lxml import etree

from archive.links import PageLink, page_links
from crawler.discovery import LinkRole, classify_link
from crawler.list_forms.json_api import PAGE_FIELDS
from crawler.list_forms.model import PAGE, ListFindings, ListRequest
from crawler.list_forms.page import ListPage
from crawler.list_forms.registry import page_reader

_TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页")
_INDEX_PAGE = re.compile(r"^(?P<stem>.*/(?:index|list|default|more))_(?P<n>\d+)\.(?P<ext>s?html?)$", re.IGNORECASE)
_URLISH = re.compile(r"^(\.{0,2}/|https?://|[\w-]+\.(s?html?|jsp|php|aspx?|do)\b|\?)", re.IGNORECASE)
FORM = "plain"


@page_reader(FORM)
def read_plain(page: ListPage) -> ListFindings:
    menu = _select_links(page.root, page.url)
    requests = _page_form_requests(page) + _pager_gaps(page)
    forms = (FORM,) if menu or requests else ()
    return ListFindings(links=menu, requests=requests, forms=forms)


def _select_links(root: etree._Element, page_url: str) -> tuple[PageLink, ...]:
    """<option value="URL">label</option> of jump menus, as links (the option text is their label)."""
    options = [option for select in root.iter("select") for option in select.iter("option")]
    urlish = [option for option in options if _URLISH.match((option.get("value") or "").strip())]
    if not urlish:
        return ()
    # One fragment of anchors, parsed once, so page_links resolves and filters them as it does <a>s.
    anchors = lxml.html.Element("div")
    for option in urlish:
        anchor = etree.SubElement(anchors, "a", href=option.get("value").strip())
        anchor.text = (option.text or "").strip()
    return tuple(page_links(anchors, page_url))


def _page_form_requests(page: ListPage) -> tuple[ListRequest, ...]:
    """共N页 with a GET form whose input is a page field: action?field=1…N."""
    total, page_url = _TOTAL_PAGES.search(page.html), page.url
    if not total:
        return ()
    for form in page.root.iter("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        names = [field.get("name") for field in form.iter("input") if field.get("name")]
        page_field = next((name for name in names if name in PAGE_FIELDS), None)
        if page_field:
            action = urljoin(page_url, form.get("action") or page_url)
            hidden = tuple((field.get("name"), field.get("value") or "") for field in form.iter("input")
                           if field.get("type") == "hidden" and field.get("name") != page_field)
            template = ListRequest(action.split("#")[0], PAGE, base_url=page_url, form=FORM)
            return tuple(template.with_fields(**dict(hidden), **{page_field: str(n)})
                         for n in range(1, min(int(total.group(1)), page.limits.max_pages) + 1))
    return ()


def _pager_gaps(page: ListPage) -> tuple[ListRequest, ...]:
    """Every page up to the highest index_N / ?page=N the page links to, in the page's directory."""
    highest: dict[tuple, int] = {}
    page_url = page.url
    for link in page.links:
        # The URL's shape first: it rules out nearly every link for less than the link's role costs.
        key_number = _page_number(link.url, page_url)
        if key_number and classify_link(link, page_url) is LinkRole.PAGER:
            key, number = key_number
            highest[key] = max(highest.get(key, 0), number)
    requests = []
    for (kind, stem, tail), last in highest.items():
        for n in range(1, min(last, page.limits.max_pages) + 1):
            url = f"{stem}_{n}.{tail}" if kind == "index" else ListRequest(stem).with_fields(**{tail: str(n)}).url
            requests.append(ListRequest(url, PAGE, base_url=page_url, form=FORM))
    return tuple(requests)


def _page_number(url: str, page_url: str) -> tuple[tuple, int] | None:
    parts, here = urlsplit(url), urlsplit(page_url)
    if parts.netloc != here.netloc or parts.path.rsplit("/", 1)[0] != here.path.rsplit("/", 1)[0]:
        return None
    indexed = _INDEX_PAGE.match(parts.path) if not parts.query else None
    if indexed:
        stem = url[: url.rfind(parts.path)] + indexed.group("stem")
        return ("index", stem, indexed.group("ext")), int(indexed.group("n"))
    query = dict(parse_qsl(parts.query))
    field = next((name for name in PAGE_FIELDS if query.get(name, "").isdigit()), None)
    if not field:
        return None
    stem = ListRequest(url).with_fields(**{field: ""}).url
    return ("query", stem, field), int(query[field])
