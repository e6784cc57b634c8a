"""The portal's own site search as a way in: a GET search form on the start page, asked for 年度报告.
Its results page is read as a list (report titles among its links are candidates like any list's)."""

from __future__ import annotations

from urllib.parse import urlencode, urljoin

from lxml import etree

SEARCH_QUERY = "年度报告"
# Names search boxes go by (TRS searchword, Hanweb q, gkmlpt keywords, Baidu-style wd).
_QUERY_NAMES = ("searchword", "keyword", "keywords", "q", "query", "wd", "kw", "key", "word", "text", "search",
                "title", "sw")
_TEXT_TYPES = ("", "text", "search")


def search_url(root: etree._Element, page_url: str) -> str | None:
    """The URL a GET search form of the page would submit for 年度报告 (hidden fields kept), or None."""
    for form in root.iter("form"):
        if (form.get("method") or "get").strip().lower() != "get":
            continue
        inputs = [i for i in form.iter("input") if i.get("name")]
        box = _query_box(inputs)
        if box is None:
            continue
        fields = [(i.get("name"), SEARCH_QUERY if i is box else i.get("value") or "") for i in inputs
                  if i is box or (i.get("type") or "").lower() == "hidden"]
        action = urljoin(page_url, (form.get("action") or "").strip() or page_url)
        return action.split("?", 1)[0] + "?" + urlencode(fields)
    return None


def _query_box(inputs: list[etree._Element]) -> etree._Element | None:
    texts = [i for i in inputs if (i.get("type") or "").lower() in _TEXT_TYPES]
    named = [i for i in texts if i.get("name", "").lower() in _QUERY_NAMES]
    return (named or texts or [None])[0]
