"""Lists filled by JavaScript from a JSON endpoint: the call found in the page's script, and its answers.

The page side reads `$.ajax({url, type, data})`, `$.getJSON(url, data)`, `$.get/$.post(url, data)`,
`fetch(url)` and `axios.get/post(url, {params})` calls with a literal URL. The answer side walks any
JSON (or JSONP, or TRS WAS5's single-quoted pseudo-JSON) for the list of records that carry a URL and
a title, and for the page count, so the same reader serves the TRS search API.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urljoin, urlsplit

from archive.links import PageLink
from crawler.list_forms.model import JSON, ListFindings, ListRequest
from crawler.list_forms.page import ListAnswer, ListPage
from crawler.list_forms.registry import answer_reader
from crawler.list_forms.scripts import (
    balanced,
    js_value,
    object_after,
    object_fields,
    resolver,
)

_CALL = re.compile(
    r"(?:\$|jQuery)\.(ajax|getJSON|get|post)\s*\(|\bfetch\s*\(|\baxios(?:\.(get|post))?\s*\(")
# An escape or any other character (never a backslash): alternatives that could both take a
# backslash backtrack exponentially over a run of them.
_STRING = re.compile(r"\s*(['\"])((?:\\.|(?!\1)[^\\\n])*)\1")
PAGE_FIELDS = ("page", "pageNo", "pageno", "pageIndex", "pageindex", "pageNum", "pagenum", "curPage",
               "currentPage", "current", "p", "pn")
_STATIC = re.compile(r"\.(js|css|png|jpe?g|gif|svg|ico|html?|shtml)$", re.IGNORECASE)
_HANDLED_ELSEWHERE = ("dataproxy.jsp", "fjdzapp/search")
_URL_KEYS = ("docpuburl", "chnldocurl", "url", "post_url", "link", "href", "linkurl", "docurl", "path")
_TITLE_KEYS = ("doctitle", "title", "_doctitle", "docTitle", "title2", "name", "subject")
_PAGE_COUNT_KEYS = ("pageCount", "pagecount", "totalPage", "totalPages", "totalpage", "pages", "pageTotal")
_TOTAL_KEYS = ("total", "totalCount", "totalcount", "count", "recordCount", "totalRecord", "totalrecord",
               "totalElements")
_SIZE_FIELDS = ("prepage", "pageSize", "pagesize", "perPage", "perpage", "size", "rows", "limit")
FORM = "json_api"


# -- the page: where the list comes from --------------------------------------------------------
def read_json_api(page: ListPage) -> ListFindings:
    """The calls with a literal URL (the page reader of the form is script_endpoints.read_scripts,
    which adds what scripts name otherwise)."""
    resolve = resolver(page.scripts)
    requests = tuple(dict.fromkeys(
        request for code in page.scripts for request in _calls(code, page.url, resolve)))
    return ListFindings(requests=requests, forms=(FORM,) if requests else ())


def _calls(code: str, page_url: str, resolve) -> Iterator[ListRequest]:
    for match in _CALL.finditer(code):
        verb = (match.group(1) or match.group(2) or "get").lower()
        args = balanced(code, match.end() - 1) or ""
        inner = args[1:-1]
        if verb == "ajax" or inner.lstrip().startswith("{"):
            options = object_fields(inner.strip()) if inner.strip().startswith("{") else {}
            url = js_value(options.get("url", ""), resolve)
            method = (js_value(options.get("type") or options.get("method") or "", resolve) or "get").lower()
            data = options.get("data") or options.get("params") or ""
        else:
            literal = _STRING.match(inner)
            url = literal.group(2) if literal else None
            rest = inner[literal.end():] if literal else ""
            if rest.lstrip().startswith("+"):
                continue  # a URL template ('…?page=' + n): crawler/list_forms/script_endpoints reads it
            method = "post" if verb == "post" else "get"
            data = object_after(rest, r"^\s*,") or ""
            options = object_fields(data) if "params" in data or "method" in data else {}
            if options.get("method"):
                method = (js_value(options["method"], resolve) or method).lower()
            data = options.get("params") or options.get("body") or data
        request = _request(url, method, data, page_url, resolve)
        if request:
            yield request


def _request(url: str | None, method: str, data: str, page_url: str, resolve) -> ListRequest | None:
    if not url or _STATIC.search(urlsplit(url).path) or any(part in url for part in _HANDLED_ELSEWHERE):
        return None
    absolute = urljoin(page_url, url)
    if urlsplit(absolute).netloc != urlsplit(page_url).netloc:
        return None
    fields = object_fields(data) if data.startswith("{") else {}
    values = {key: js_value(expression, resolve) for key, expression in fields.items()}
    query = dict(parse_qsl(urlsplit(absolute).query))
    page_field = next((name for name in PAGE_FIELDS if name in values or name in query), None)
    if page_field:
        values[page_field] = "1"  # the page number is the one value scripts always compute
    values = {key: value for key, value in values.items() if value is not None}
    post = method == "post"
    request = ListRequest(absolute, JSON, "POST" if post else "GET", tuple(values.items()) if post else (),
                          (("X-Requested-With", "XMLHttpRequest"),), page_url, page_field, FORM)
    return request if post else request.with_fields(**values)


# -- the answer: records and further pages ------------------------------------------------------
@answer_reader(JSON)
def read_json_answer(answer: ListAnswer) -> ListFindings:
    request = answer.request
    data = lenient_json(answer.text)
    found = _records(data)
    if found is None:
        return ListFindings(forms=(request.form,))
    records, container = found
    base = request.base_url or request.url
    links = tuple(_link(record, base) for record in records)
    more = _more_pages(request, container, data, len(records), answer.limits.max_pages)
    return ListFindings(links=tuple(link for link in links if link), requests=more, forms=(request.form,))


def lenient_json(text: str) -> object:
    """JSON, JSONP (callback({...})) or WAS5 pseudo-JSON with single-quoted values; None if none of them."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None
    body = text[start:max(text.rfind("}"), text.rfind("]")) + 1]
    for candidate in (body, re.sub(r":\s*'((?:\\.|[^'\\])*)'", lambda m: ": " + json.dumps(m.group(1)), body)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None


def _records(data: object) -> tuple[list[dict], dict] | None:
    """The longest list of records with a URL, and the object holding it."""
    best: tuple[list[dict], dict] | None = None
    for holder, value in _lists(data, {}):
        records = [item for item in value if isinstance(item, dict) and _first(item, _URL_KEYS)]
        if records and (best is None or len(records) > len(best[0])):
            best = (records, holder)
    return best


def _lists(data: object, holder: dict) -> Iterator[tuple[dict, list]]:
    if isinstance(data, list):
        yield holder, data
        for item in data:
            yield from _lists(item, holder)
    elif isinstance(data, dict):
        for value in data.values():
            yield from _lists(value, data)


def _first(record: dict, keys: tuple[str, ...]) -> str | None:
    return next((str(record[key]).strip() for key in keys if isinstance(record.get(key), (str, int))
                 and str(record[key]).strip()), None)


def _link(record: dict, base: str) -> PageLink | None:
    url, title = _first(record, _URL_KEYS), _first(record, _TITLE_KEYS) or ""
    title = re.sub(r"<[^>]+>", "", title)  # search APIs highlight hits with <font> tags
    return PageLink(urljoin(base, url), title, title) if url else None


def _more_pages(request: ListRequest, container: dict, data: object, count: int,
                max_pages: int) -> tuple[ListRequest, ...]:
    if not request.page_field:
        return ()
    current = int(request.field(request.page_field) or 1)
    last = _page_count(request, container, data, count)
    return tuple(request.with_fields(**{request.page_field: str(n)})
                 for n in range(current + 1, min(last, max_pages) + 1))


def _page_count(request: ListRequest, container: dict, data: object, count: int) -> int:
    scopes = [container] + ([data] if isinstance(data, dict) else [])
    for scope in scopes:
        pages = _number(scope, _PAGE_COUNT_KEYS)
        if pages is not None:
            return pages
    size = next((int(v) for v in (request.field(name) for name in _SIZE_FIELDS) if v and v.isdigit()), count)
    for scope in scopes:
        total = _number(scope, _TOTAL_KEYS)
        if total is not None and size:
            return math.ceil(total / size)
    return 0


def _number(scope: dict, keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = scope.get(key)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
    return None
