"""The gov_reports spider: from a portal's home or column page to every annual report and attachment.

No per-site code: every page is read the same way (crawler/discovery.py). A page whose title is a
report title and whose body reads like a report is a report; its attachments are fetched. Any
other page is a list (it links to reports, or was reached as a column) whose pager, report links
and article links are followed, or a navigation page whose disclosure-area and column links are
followed while the hop budget lasts.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any, Iterator

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.classify import year_in_title
from archive.decoding import decode_body
from archive.formats import document_kind
from archive.readers.flipbook import book_base
from archive.sources import Source, load_sources, source_for_url
from archive.store import utc_now
from crawler import settings as defaults
from crawler.discovery import (
    LinkRole,
    classify_link,
    host_in_scope,
    is_below,
    is_named_report,
    is_report_page,
    looks_like_column,
)
from crawler.fetchlog import response_header
from crawler.flipbooks import FlipbookChain
from crawler.frontier import is_shared
from crawler.items import ArchivedPage, ItemRole, RequestRole
from crawler.list_forms import (
    DOCUMENT,
    PAGE,
    ListAnswer,
    ListLimits,
    ListPage,
    ListRequest,
    form_names,
    read_list_answer,
    read_list_page,
)


class GovReportsSpider(FlipbookChain, scrapy.Spider):
    name = "gov_reports"

    def __init__(self, start_url: str | None = None, sources: str | None = None,
                 year: str | None = None, hops: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sources: list[Source] = _resolve_sources(start_url, sources)
        self.year = int(year) if year else None
        self.entry_hops = int(hops) if hops else None  # else the GOV_REPORTS_ENTRY_HOPS setting
        self.list_limits = ListLimits()
        self.crawl_args = {"start_url": start_url, "sources": sources, "year": year,
                           "source_count": len(self.sources)}
        self._sources = {source.name: source for source in self.sources}
        self.allowed_domains = sorted({host.removeprefix("www.")
                                       for source in self.sources for host in source.hosts()})

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "GovReportsSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.entry_hops is None:
            spider.entry_hops = settings.getint("GOV_REPORTS_ENTRY_HOPS", defaults.GOV_REPORTS_ENTRY_HOPS)
        spider.flipbook_max_pages = settings.getint("GOV_REPORTS_FLIPBOOK_MAX_PAGES",
                                                    defaults.GOV_REPORTS_FLIPBOOK_MAX_PAGES)
        spider.list_limits = ListLimits.from_settings(settings.getint)
        spider._check_list_forms()
        if crawler.settings.getpriority("USER_AGENT") <= SETTINGS_PRIORITIES["default"]:
            spider.user_agent = user_agent(crawler.settings.get("GOV_REPORTS_CONTACT_URL"))
        return spider

    async def start(self):
        for source in self.sources:
            # dont_filter, as Scrapy's own start URLs: a resumed or repeated crawl always re-reads
            # its entry pages (cheaply: they are revalidated against the archive). Not with a shared
            # frontier: every process starts from the same URLs, and one of them fetches each.
            yield scrapy.Request(source.start_url, callback=self.parse_page, errback=self.on_error,
                                 dont_filter=not is_shared(self.settings),
                                 meta={"source": source.name, "hops": self.entry_hops, "role": RequestRole.ENTRY})

    # -- callbacks ------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        """Any HTML page of a portal: archive it, then decide from its content what to follow."""
        if not isinstance(response, TextResponse):
            yield from self.parse_attachment(response)
            return
        if book_base(response.url):
            yield from self.parse_flipbook(response)
            return
        # Decoded by archive.decoding (the declaration that fits the bytes), not by Scrapy's
        # header-first rule: portals often send a server-default charset over a GBK page.
        decoded = decode_body(response.body, response_header(response, "Content-Type"))
        response.meta["encoding"] = decoded.encoding  # the store records it
        page = ListPage.parse(decoded.text, response.url, self.list_limits)
        # A flipbook is often served from another host than the portal (威海文登 2022: an IP and
        # port of its own); only book links are followed off the portal's hosts.
        links = [link for link in page.links
                 if host_in_scope(link.url, self._hosts(response)) or book_base(link.url)]
        is_report, title = is_report_page(page.root, links, response.meta.get("link_text"))
        # CMS list forms: records in data islands, menus and script-loaded pages (crawler/list_forms).
        found = read_list_page(page)
        if is_report:
            yield from self._report(response, title, links)
            # A report of Hanweb's annual-report module offers its agency's other years.
            yield from self._list_requests(response, tuple(r for r in found.requests if r.answer == DOCUMENT))
            return
        self._expect_form(response, found.forms)
        links += [link for link in found.links if host_in_scope(link.url, self._hosts(response))]
        roles = [(link, classify_link(link, response.url)) for link in links]
        is_list = (response.meta.get("role") == RequestRole.COLUMN
                   or any(role is LinkRole.REPORT for _, role in roles)
                   or looks_like_column(page.root, response.url))
        yield self._archived(response, role=ItemRole.LIST if is_list else ItemRole.PAGE)
        yield from self._follow(response, roles, is_list)
        if is_list:
            yield from self._list_requests(response, found.requests)

    def parse_list_answer(self, response: Response) -> Iterator[Any]:
        """A list's XML/JSON answer (Hanweb dataproxy, TRS search API, script-loaded JSON): its
        records are followed as a list's links are. Archived like any list page, keyed by the form
        it was asked with (snapshots.request), so that each page of answers keeps its versions."""
        request = ListRequest.from_meta(response.meta["list_request"])
        decoded = decode_body(response.body, response_header(response, "Content-Type"))
        response.meta["encoding"] = decoded.encoding  # the store records it
        yield self._archived(response, role=ItemRole.LIST_ANSWER)
        found = read_list_answer(ListAnswer(request, decoded.text, self.list_limits))
        links = [link for link in found.links if host_in_scope(link.url, self._hosts(response))]
        self.crawler.stats.inc_value(f"gov_reports/list_answers/{request.form}")
        yield from self._follow(response, [(link, classify_link(link, request.base_url)) for link in links], True)
        yield from self._list_requests(response, found.requests)

    def parse_attachment(self, response: Response) -> Iterator[ArchivedPage]:
        """A document file (PDF, Word, Excel…) linked from a report page or directly from a column."""
        if document_kind(response.body, response_header(response, "Content-Type")) == "html":
            self.logger.warning("Attachment URL %s answered an HTML page; archived as a page", response.url)
            yield self._archived(response, role=ItemRole.PAGE)
            return
        label = response.meta.get("link_text")
        parent = response.meta.get("parent_url")
        if parent is None and not is_named_report(label):
            # Linked from a list under a truncated or plain name: the pipeline reads the document's
            # own title (parsing it once) and records it as a report only if that names one.
            yield self._archived(response, role=ItemRole.DOCUMENT, link_text=label, year=self.year)
            return
        # "附件1" says nothing; the report page's own title names the document.
        title = label if is_named_report(label) else response.meta.get("report_title") or label
        yield self._archived(
            response, role=ItemRole.ATTACHMENT, title=title,
            year=year_in_title(label) or response.meta.get("report_year"),
            parent_url=response.meta.get("parent_url"), link_text=label,
        )

    def on_error(self, failure: Failure) -> None:
        """Failures are already in `fetches` (the fetch log sees them); say what happened and go on."""
        request = failure.request
        if failure.check(HttpError):
            response = failure.value.response
            self.logger.warning("HTTP %s for %s (source %s)", response.status, request.url,
                                request.meta.get("source"))
        else:
            self.logger.warning("Request failed: %s (%s: %s)", request.url,
                                failure.type.__name__, failure.getErrorMessage())
        self.crawler.stats.inc_value(f"gov_reports/errors/{failure.type.__name__}")

    # -- decisions ------------------------------------------------------------------------------
    def _report(self, response: TextResponse, title: str, links: list) -> Iterator[Any]:
        year = year_in_title(title)
        if self.year and year and year != self.year:
            yield self._archived(response, role=ItemRole.PAGE, title=title, year=year)
            return
        yield self._archived(response, role=ItemRole.REPORT, title=title, year=year,
                             link_text=response.meta.get("link_text"))
        for link in links:
            if classify_link(link, response.url) is LinkRole.ATTACHMENT:
                yield self._request(response, link.url, self.parse_attachment, role=RequestRole.ATTACHMENT,
                                    link_text=link.label, parent_url=response.url, report_year=year,
                                    report_title=title)

    def _follow(self, response: TextResponse, roles: list, is_list: bool) -> Iterator[scrapy.Request]:
        hops = response.meta.get("hops", 0)
        for link, role in roles:
            if role is LinkRole.PAGER and is_list:
                yield self._request(response, link.url, role=RequestRole.COLUMN, hops=hops)
            elif role is LinkRole.FLIPBOOK and (is_list or response.meta.get("role") == RequestRole.CANDIDATE):
                # A book listed in the column, or behind a link with a report title (the book's
                # JavaScript index.html, an HTML stub): the column's title names the book.
                title = link.label if is_named_report(link.label) else response.meta.get("link_text")
                if self._wanted_year(title or ""):
                    yield from self._flipbook_start(response, link.url, title, response.url)
            elif role is LinkRole.REPORT and self._wanted_year(link.label):
                yield self._request(response, link.url, role=RequestRole.CANDIDATE, hops=max(hops - 1, 0),
                                    link_text=link.label)
            elif role is LinkRole.ATTACHMENT and self._wanted_year(link.label) and (
                    is_named_report(link.label) or is_list):
                # A document in a list is a report when its link text, or else its own title, says so.
                yield self._request(response, link.url, self.parse_attachment, role=RequestRole.ATTACHMENT,
                                    link_text=link.label)
            elif role is LinkRole.ARTICLE and is_list:
                yield self._request(response, link.url, role=RequestRole.CANDIDATE, hops=max(hops - 1, 0),
                                    link_text=link.label)
            elif role is LinkRole.COLUMN and hops > 0:
                yield self._request(response, link.url, role=RequestRole.COLUMN, hops=hops - 1,
                                    link_text=link.label)
            elif role is LinkRole.AREA and hops > 0 and not is_list:
                yield self._request(response, link.url, role=RequestRole.AREA, hops=hops - 1)
            elif role in (LinkRole.OTHER, LinkRole.AREA) and is_list and hops > 0 and \
                    is_below(link.url, response.url):
                # Sub-columns named only by their publisher (市发改委, 乡镇年报 › 某镇) live under the
                # column's own path.
                yield self._request(response, link.url, role=RequestRole.COLUMN, hops=hops - 1,
                                    link_text=link.label)

    def _list_requests(self, response: Response, requests: tuple[ListRequest, ...]) -> Iterator[scrapy.Request]:
        """Further pages of a list (HTML pages, documents it points to, or XML/JSON answers, POSTed
        with the column's form fields when the CMS wants it)."""
        hops = response.meta.get("hops", 0)
        for request in requests:
            if not host_in_scope(request.url, self._hosts(response)):
                continue
            if request.answer in (PAGE, DOCUMENT):
                if request.answer == PAGE:
                    yield self._request(response, request.url, role=RequestRole.COLUMN, hops=hops)
                else:
                    yield self._request(response, request.url, role=RequestRole.CANDIDATE, hops=max(hops - 1, 0))
                continue
            meta = {"source": response.meta.get("source"), "hops": hops, "role": RequestRole.LIST_ANSWER,
                    "list_request": request.as_meta()}
            headers = {"Referer": request.base_url or response.url, **dict(request.headers)}
            if request.method == "POST":
                yield scrapy.FormRequest(request.url, formdata=dict(request.formdata), headers=headers,
                                         callback=self.parse_list_answer, errback=self.on_error, meta=meta)
            else:
                yield scrapy.Request(request.url, headers=headers, callback=self.parse_list_answer,
                                     errback=self.on_error, meta=meta)

    def _check_list_forms(self) -> None:
        """A registry hint naming no list form of crawler/list_forms is said once; pages are read anyway."""
        known = form_names()
        for source in self.sources:
            if source.list_form and source.list_form not in known:
                self.logger.error("Source %s: unknown list_form %r (known: %s); its pages are read without it",
                                  source.name, source.list_form, ", ".join(sorted(known)))
                self.crawler.stats.inc_value("gov_reports/errors/unknown_list_form")

    def _expect_form(self, response: Response, forms: tuple[str, ...]) -> None:
        """A registry hint (Source.list_form) the column page does not bear out is worth a warning."""
        source = self._sources.get(response.meta.get("source"))
        hint = source.list_form if source and source.list_form in form_names() else None
        if hint and hint != "plain" and response.meta.get("role") == RequestRole.COLUMN and hint not in forms:
            self.logger.warning("%s: registry says list form %r, the page shows %s", response.url, hint,
                                ", ".join(forms) or "none")

    def _wanted_year(self, label: str) -> bool:
        year = year_in_title(label)
        return self.year is None or year is None or year == self.year

    # -- plumbing -------------------------------------------------------------------------------
    def _hosts(self, response: Response) -> tuple[str, ...]:
        source = self._sources.get(response.meta.get("source"))
        return source.hosts() if source else ()

    def _request(self, response: Response, url: str, callback=None, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback or self.parse_page, errback=self.on_error,
                              meta={"source": response.meta.get("source"), **meta})

    def _archived(self, response: Response, role: ItemRole, **fields: Any) -> ArchivedPage:
        return ArchivedPage(
            url=response.url, status=response.status, body=response.body,
            content_type=response_header(response, "Content-Type"),
            headers={key.decode("latin-1"): b", ".join(values).decode("latin-1")
                     for key, values in response.headers.items()},
            fetched_at=response.meta.get("fetched_at") or utc_now(),
            source=response.meta.get("source"), role=role,
            fetch_id=response.meta.get("fetch_id"), flags=list(response.flags),
            encoding=response.meta.get("encoding"),
            request=_request_key(response.request), **fields,
        )


def user_agent(contact_url: str | None) -> str:
    """Who is crawling and whom to tell: the project, its version and a contact URL."""
    contact = f"+{contact_url}; " if contact_url else ""
    return f"gov-reports/{_version()} ({contact}archive of information-disclosure annual reports)"


def _version() -> str:
    try:
        return metadata.version("gov-reports")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "dev"


def _request_key(request: scrapy.Request | None) -> str | None:
    """What, besides the URL, asked for this body: None for a plain GET, "POST <form>" otherwise."""
    if request is None or (request.method == "GET" and not request.body):
        return None
    return f"{request.method} {request.body.decode('latin-1')}".strip()


def _resolve_sources(start_url: str | None, sources_file: str | None) -> list[Source]:
    """-a start_url=URL[,URL…] and/or -a sources=FILE; with neither, the bundled registry."""
    resolved: list[Source] = []
    if sources_file:
        resolved.extend(load_sources(sources_file))
    if start_url:
        resolved.extend(source_for_url(url.strip()) for url in start_url.split(",") if url.strip())
    return resolved or load_sources()
