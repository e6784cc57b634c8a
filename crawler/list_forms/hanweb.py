"""Hanweb (大汉 JCMS) lists: records in a <script type="text/xml"><datastore> island, further record
groups only from a POST to /module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…
with the column's form fields, answering the same <datastore> XML."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.html
from lxml import etree

from archive.links import PageLink, page_links
from crawler.list_forms.model import HANWEB_XML, ListFindings, ListRequest
from crawler.list_forms.page import ListAnswer, ListPage
from crawler.list_forms.registry import answer_reader, page_reader
from crawler.list_forms.scripts import js_value, object_after, object_fields, resolver

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
# jpage's defaults when the page does not say (records per page, pages per fetched group).
_PER_PAGE, _GROUP_SIZE = 15, 3
FORM = "hanweb"
_XML = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
_FORM_VARIABLE = re.compile(r"(?<![\w$.])param_\w+\s*=")
# Form fields dataproxy.jsp reads; nextgroup links carry them too, beside paging ones.
_PAGING_FIELDS = {"page", "startrecord", "endrecord", "perpage"}


@page_reader(FORM)
def read_hanweb(page: ListPage) -> ListFindings:
    scripts, page_url = page.scripts, page.url
    islands = [_parse_xml(script.text) for script in page.root.iter("script")
               if "xml" in (script.get("type") or "").lower() and "<datastore" in (script.text or "")]
    islands = [island for island in islands if island is not None]
    if not islands:
        return ListFindings()
    records = [record for island in islands for record in _record_fragments(island)]
    links = record_links(records, page_url)
    config = _jpage_config(scripts)
    fields = _form_fields(scripts, config, islands, page_url)
    per_page = int(config.get("perPage") or _PER_PAGE)
    group = per_page * int(config.get("groupSize") or _GROUP_SIZE)
    proxy = urljoin(page_url, config.get("proxyUrl") or DATAPROXY)
    template = ListRequest(proxy, HANWEB_XML, "POST", tuple(fields.items()), (("X-Requested-With", "XMLHttpRequest"),),
                           page_url, None, FORM)
    total = config.get("totalRecord")
    # Without a total, ask for the next group: its <totalrecord> says how many follow.
    last = int(total) if total and total.isdigit() else group + 1
    requests = _groups(template, group, per_page, group, last, page.limits.max_groups)
    return ListFindings(links=links, requests=requests, forms=(FORM,))


@answer_reader(HANWEB_XML)
def read_hanweb_answer(answer: ListAnswer) -> ListFindings:
    """A dataproxy.jsp answer: its records, and the groups after it up to <totalrecord>."""
    request = answer.request
    island = _parse_xml(answer.text)
    if island is None:
        return ListFindings(forms=(FORM,))
    links = record_links(_record_fragments(island), request.base_url or request.url)
    query = dict(parse_qsl(urlsplit(request.url).query))
    start, end = int(query.get("startrecord") or 1), int(query.get("endrecord") or 0)
    per_page = int(query.get("perpage") or _PER_PAGE)
    total = (island.findtext(".//totalrecord") or "").strip()
    if not total.isdigit() or end < start:
        return ListFindings(links=links, forms=(FORM,))
    requests = _groups(request, end - start + 1, per_page, end, int(total), answer.limits.max_groups)
    return ListFindings(links=links, requests=requests, forms=(FORM,))


def record_links(records: list[str], base_url: str) -> tuple[PageLink, ...]:
    """The links of the records' HTML, parsed once as one fragment."""
    if not records:
        return ()
    fragment = lxml.html.fragment_fromstring("".join(records), create_parent="div")
    return tuple(page_links(fragment, base_url))


def _groups(template: ListRequest, size: int, per_page: int, done: int, total: int,
            max_groups: int) -> tuple[ListRequest, ...]:
    """Requests for records done+1 … total in groups of `size`, at most max_groups of them."""
    count = min(math.ceil(max(total - done, 0) / size), max_groups)
    base = template.url.split("?", 1)[0]
    return tuple(
        ListRequest(base + "?" + urlencode({"startrecord": done + 1 + n * size, "endrecord": done + (n + 1) * size,
                                            "perpage": per_page}),
                    template.answer, template.method, template.formdata, template.headers, template.base_url,
                    None, template.form)
        for n in range(count))


def _parse_xml(text: str | None) -> etree._Element | None:
    if not text or "<datastore" not in text:
        return None
    # The XML declaration (if any) may name an encoding; the text is already decoded.
    body = text[text.find("<datastore"):]
    try:
        return etree.fromstring(body.encode("utf-8"), _XML)
    except etree.XMLSyntaxError:
        return None


def _record_fragments(island: etree._Element) -> list[str]:
    return [record.text for record in island.iter("record") if record.text]


def _jpage_config(scripts: Sequence[str]) -> dict[str, str]:
    """totalRecord, perPage, groupSize, proxyUrl of the page's $('#unit').jpage({…}) call."""
    resolve = resolver(scripts)
    for code in scripts:
        literal = object_after(code, r"\.jpage\s*\(")
        if literal:
            fields = object_fields(literal)
            values = {key: js_value(fields[key], resolve) for key in
                      ("totalRecord", "perPage", "groupSize", "proxyUrl") if key in fields}
            values = {key: value for key, value in values.items() if value}
            values["ajaxParam"] = fields.get("ajaxParam", "")
            return values
    return {}


def _form_fields(scripts: Sequence[str], config: dict[str, str], islands: list[etree._Element],
                 page_url: str) -> dict[str, str]:
    """The column's dataproxy form: ajaxParam of the jpage call, a `var param_<unit> = {…}`, or the
    query of the data island's <nextgroup> link."""
    resolve = resolver(scripts)
    literal = config.get("ajaxParam") or ""
    if re.fullmatch(r"[A-Za-z_$][\w$]*", literal):  # ajaxParam: param_391547, a variable of the page
        literal = next((found for code in scripts if (found := object_after(code, rf"(?<![\w$.]){literal}\s*="))), "")
    literal = literal or next((found for code in scripts if (found := object_after(code, _FORM_VARIABLE))), None)
    if literal and literal.startswith("{"):
        values = {key: js_value(expression, resolve) for key, expression in object_fields(literal).items()}
        return {key: value for key, value in values.items() if value is not None}
    for island in islands:
        group = island.findtext(".//nextgroup") or ""
        match = re.search(r"href=['\"]([^'\"]+)['\"]", group)
        if match:
            query = parse_qsl(urlsplit(urljoin(page_url, match.group(1).replace("&amp;", "&"))).query,
                              keep_blank_values=True)
            return {key: value for key, value in query if key not in _PAGING_FIELDS}
    return {}
