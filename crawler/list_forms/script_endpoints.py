"""The json_api form's page reader: what scripts build in the browser, read without running them: menus and lists held in script
data (`var menu = [{name, url}]`), and JSON endpoints named by URL templates in the code
(`'/api/items?pageNo=' + pageNo + '&rows=10'`), called page after page until a page comes back
empty. Records are read generically: any JSON object with a URL-like value and a Chinese title,
whatever the field names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urljoin, urlsplit

from archive.links import PageLink
from crawler.list_forms.json_api import FORM as JSON_FORM
from crawler.list_forms.json_api import PAGE_FIELDS, lenient_json, read_json_api
from crawler.list_forms.model import ListFindings, ListRequest
from crawler.list_forms.page import ListAnswer, ListPage
from crawler.list_forms.registry import answer_reader, page_reader
from crawler.list_forms.scripts import balanced, strip_comments

RECORDS = "json_records"  # the answer kind: any JSON holding records, paged until empty
SCRIPT = "linked_script"  # the answer kind: a list page's own script file, read as inline code is
# Libraries every page loads: never where a portal names its lists.
_LIBRARY = re.compile(r"(jquery|bootstrap|vue|react|angular|layui|echarts|swiper|html5shiv|respond|polyfill|"
                      r"require|sea|zepto|lodash|moment|axios|md5|base64|analytics|stat|baidu|jiathis)", re.IGNORECASE)
# A string literal, possibly concatenated with names and more literals: 'a' + page + 'b'.
_LITERAL = r"(?:'(?:\\.|[^'\\\n]){0,300}'|\"(?:\\.|[^\"\\\n]){0,300}\")"
_TEMPLATE = re.compile(rf"{_LITERAL}(?:\s*\+\s*(?:[A-Za-z_$][\w$.]{{0,40}}|{_LITERAL})){{0,12}}")
_PART = re.compile(rf"({_LITERAL})|([A-Za-z_$][\w$.]*)")
# An endpoint: a path naming an API, a list, JSON or a catalogue (static files are not endpoints).
_ENDPOINT = re.compile(r"(api|list|json|catalog|items|query|data)", re.IGNORECASE)
_STATIC = re.compile(r"\.(js|css|png|jpe?g|gif|svg|ico|s?html?)$", re.IGNORECASE)
_URLISH = re.compile(r"^(https?://|\.{0,2}/)[^\s<>'\"]*$|^[\w./-]+\.(s?html?|jsp|php|aspx?|do|pdf|docx?|xlsx?)$",
                     re.IGNORECASE)
_CJK_TITLE = re.compile(r"[\u4e00-\u9fff]")
_DATA = re.compile(r"=\s*(?=[\[{])")
_MAX_DATA = 200_000  # characters of one script literal read as data


@page_reader(JSON_FORM)
def read_scripts(page: ListPage) -> ListFindings:
    """Everything scripts name: the calls json_api reads, data records and URL templates."""
    return read_json_api(page) + _read_code(page.scripts, page.url)


def _read_code(codes: tuple[str, ...], page_url: str) -> ListFindings:
    links = tuple(link for code in codes for link in _data_links(code, page_url))
    requests = tuple(dict.fromkeys(request for code in codes for request in _endpoints(code, page_url)))
    return ListFindings(links=links, requests=requests, forms=(JSON_FORM,) if links or requests else ())


def linked_scripts(page: ListPage) -> tuple[ListRequest, ...]:
    """The page's own script files (same host, not a library), to be read as its inline code is:
    asked for only by a list page that shows no record and names no list request of its own."""
    return tuple(_linked_scripts(page))


def _linked_scripts(page: ListPage) -> Iterator[ListRequest]:
    for script in page.root.iter("script"):
        url = urljoin(page.url, (script.get("src") or "").strip())
        parts = urlsplit(url)
        if script.get("src") and parts.path.lower().endswith(".js") and parts.netloc == urlsplit(page.url).netloc \
                and not _LIBRARY.search(parts.path.rsplit("/", 1)[-1]):
            yield ListRequest(url, SCRIPT, base_url=page.url, form=JSON_FORM)


@answer_reader(SCRIPT)
def read_linked_script(answer: ListAnswer) -> ListFindings:
    """A list page's script file: its data records and URL templates, as if inline in the page."""
    return _read_code((strip_comments(answer.text),), answer.request.base_url or answer.request.url)


def _data_links(code: str, page_url: str) -> Iterator[PageLink]:
    """Records held in script data: `var x = [...]` / `x = {...}` literals that parse as JSON."""
    for match in _DATA.finditer(code):
        literal = balanced(code, match.end())
        if not literal or len(literal) > _MAX_DATA:
            continue
        data = lenient_json(literal)
        if data is not None:
            yield from records(data, page_url)


def _endpoints(code: str, page_url: str) -> Iterator[ListRequest]:
    for match in _TEMPLATE.finditer(code):
        parts = [(m.group(1)[1:-1], None) if m.group(1) else ("", m.group(2)) for m in _PART.finditer(match.group())]
        url, page_field = _fill(parts)
        if not url or not url.startswith(("/", "./", "../", "http")) or (page_field is None and "?" not in url):
            continue  # a bare endpoint literal is a call's URL, read with its call's data (json_api)
        path = urlsplit(url).path
        if _STATIC.search(path) or not _ENDPOINT.search(path):
            continue
        absolute = urljoin(page_url, url)
        if urlsplit(absolute).netloc != urlsplit(page_url).netloc:
            continue
        yield ListRequest(absolute, RECORDS, headers=(("X-Requested-With", "XMLHttpRequest"),), base_url=page_url,
                          page_field=page_field, form=JSON_FORM)


def _fill(parts: list[tuple[str, str | None]]) -> tuple[str | None, str | None]:
    """The template's URL with its page number set to 1; None when another part is computed."""
    text, page_field = "", None
    for literal, name in parts:
        if name is None:
            text += literal
            continue
        field = re.search(r"([\w]+)=$", text)
        if not field or field.group(1) not in PAGE_FIELDS:
            return None, None  # a value only the running script knows
        page_field = field.group(1)
        text += "1"
    return (text or None), page_field


@answer_reader(RECORDS)
def read_records_answer(answer: ListAnswer) -> ListFindings:
    """An endpoint's JSON: its records, and the next page while this one held any."""
    request = answer.request
    data = lenient_json(answer.text)
    links = tuple(records(data, request.base_url or request.url)) if data is not None else ()
    more: tuple[ListRequest, ...] = ()
    current = int(request.field(request.page_field) or 0) if request.page_field else 0
    if links and request.page_field and current < answer.limits.max_pages:
        more = (request.with_fields(**{request.page_field: str(current + 1)}),)
    return ListFindings(links=links, requests=more, forms=(request.form,))


def records(data: object, base_url: str) -> Iterator[PageLink]:
    """Every object in the JSON with a URL-like value and a Chinese title (the longest such text)."""
    if isinstance(data, list):
        for item in data:
            yield from records(item, base_url)
    elif isinstance(data, dict):
        link = _record(data, base_url)
        if link:
            yield link
        for value in data.values():
            if isinstance(value, (list, dict)):
                yield from records(value, base_url)


def _record(record: dict, base_url: str) -> PageLink | None:
    texts = [value.strip() for value in record.values() if isinstance(value, str) and value.strip()]
    urls = [text for text in texts if _URLISH.match(text) and not _CJK_TITLE.search(text)]
    titles = [re.sub(r"<[^>]+>", "", text) for text in texts if _CJK_TITLE.search(text) and not _URLISH.match(text)]
    if not urls or not titles:
        return None
    title = max(titles, key=len)
    url = urljoin(base_url, urls[0])
    if dict(parse_qsl(urlsplit(url).query)) and _STATIC.search(urlsplit(url).path) is None and \
            _ENDPOINT.search(urlsplit(url).path):
        return None  # an endpoint named in data is not a page
    return PageLink(url, title, title)
