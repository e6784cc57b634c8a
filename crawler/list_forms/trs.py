"""TRS WCM lists: pages announced by a createPageHTML(…) call, and "动静结合" lists whose further
pages come from the TRS search API (require(["list2.trsapi"]) + listModel({listArgs, pagebar}))."""

from __future__ import annotations

import math
import re
from urllib.parse import urljoin

from crawler.list_forms.model import JSON, PAGE, ListFindings, ListRequest
from crawler.list_forms.page import ListPage
from crawler.list_forms.registry import page_reader
from crawler.list_forms.scripts import js_value, object_after, object_fields, resolver

FORM = "trs"

# createPageHTML(total, current, "index", "html") and the newer
# createPageHTML("page_div", total, current, "index", "shtml", records).
_CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,"
    r"\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_TRSAPI_MODULE = re.compile(r"require\(\s*\[[^\]]*['\"]list2\.trsapi['\"]")
# The endpoint the list2.trsapi module posts listArgs to (福建 TRS portals: 平潭, 省直厅局);
# it is in the module's code, not in the page, so the page's require() names it.
TRSAPI_ENDPOINT = "/fjdzapp/search"


@page_reader(FORM)
def read_trs(page: ListPage) -> ListFindings:
    return _create_page_html(page) + _trsapi(page)


def create_page_urls(html: str, page_url: str, max_pages: int) -> list[str]:
    """List pages announced by a createPageHTML(total, current, "index", "html") script call."""
    match = _CREATE_PAGE_HTML.search(html)
    if not match:
        return []
    total, stem, ext = int(match.group(1)), match.group(3), match.group(4)
    names = [f"{stem}.{ext}"] + [f"{stem}_{n}.{ext}" for n in range(1, min(total, max_pages))]
    return [urljoin(page_url, name) for name in names]


def _create_page_html(page: ListPage) -> ListFindings:
    urls = create_page_urls(page.html, page.url, page.limits.max_pages)
    if not urls:
        return ListFindings()
    requests = tuple(ListRequest(url, PAGE, base_url=page.url, form=FORM) for url in urls)
    return ListFindings(requests=requests, forms=(FORM,))


def _trsapi(page: ListPage) -> ListFindings:
    scripts, page_url = page.scripts, page.url
    code = next((code for code in scripts if _TRSAPI_MODULE.search(code)), None)
    config = object_after(code, r"listModel\s*\(") if code else None
    if not config:
        return ListFindings()
    resolve = resolver(scripts)
    fields = object_fields(config)
    args = _values(fields.get("listArgs"), resolve)
    pagebar = _values(fields.get("pagebar"), resolve)
    per_page = int(pagebar.get("prepage") or 10)
    static = int(js_value(fields.get("maxStaticIndex", ""), resolve) or 1)
    records = pagebar.get("recordCount")
    # Without a record count, ask for the first API page: its pageCount says how many follow.
    last = math.ceil(int(records) / per_page) if records and records.isdigit() else static + 1
    template = ListRequest(urljoin(page_url, TRSAPI_ENDPOINT), JSON, "POST",
                           tuple(args.items()) + (("prepage", str(per_page)),),
                           (("X-Requested-With", "XMLHttpRequest"),), page_url, "page", FORM)
    last = min(last, page.limits.max_pages)
    requests = tuple(template.with_fields(page=str(n)) for n in range(static + 1, last + 1))
    return ListFindings(requests=requests, forms=(FORM,))


def _values(literal: str | None, resolve) -> dict[str, str]:
    if not literal or not literal.startswith("{"):
        return {}
    values = {key: js_value(expression, resolve) for key, expression in object_fields(literal).items()}
    return {key: value for key, value in values.items() if value is not None}
