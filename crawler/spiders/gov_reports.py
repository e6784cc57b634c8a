"""The gov_reports spider: from a portal's home or column page to every annual report and attachment.

No per-site code: every page is read the same way (crawler/discovery.py). A page whose title is a
report title and whose body reads like a report is a report; its attachments are fetched. Any
other page is a list (it links to reports, or was reached as a column) or a navigation page; either
way every in-scope link is scored (discovery.score_link) and requested with its score as priority,
charged to its source's budget (crawler/frontier.py): the crawl is best-first, and low-scoring
links wait until nothing better is left. Sitemaps and the site's own search are other ways in.
"""

from __future__ import annotations

from functools import cached_property
from importlib import metadata
from typing import Any, Iterator

import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured, DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.classify import is_report_page, year_in_title
from archive.formats import document_kind
from archive.links import PageLink
from archive.normalize import one_document_steps
from archive.readers.flipbook import book_base
from archive.sources import Source, host_in_scope, site_domain
from archive.store import utc_now
from crawler import settings as defaults
from crawler.archiving import ArchiveExtension
from crawler.arguments import SpiderArguments
from crawler.discovery import (
    ENTRY_SCORE,
    PUBLISHER_PLACES,
    LinkRole,
    PageContext,
    classify_link,
    in_disclosure_area,
    is_below,
    is_named_report,
    is_publisher_name,
    looks_like_column,
    score_link,
)
from crawler.fetchlog import response_header
from crawler.flipbooks import FlipbookChain
from crawler.frontier import BUDGET, DEPTH, SCORE, SUB_SOURCE, Budget, Frontier
from crawler.shared_frontier import is_shared
from crawler.items import ArchivedPage, ItemRole, RequestRole
from crawler.page_reading import decoding, read_page
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
from crawler.list_forms.script_endpoints import linked_scripts
from crawler.site_search import search_url
from crawler.sitemaps import (
    SITEMAP_SCORE,
    declared_sitemaps,
    guessed_sitemap,
    read_sitemap,
)

REPORT_PART_SCORE = 90  # a found report's attachments: the report is only complete with them
SEARCH_SCORE = 40  # the site's own search for 年度报告


class GovReportsSpider(FlipbookChain, scrapy.Spider):
    name = "gov_reports"

    def __init__(self, start_url: str | None = None, sources: str | None = None,
                 year: str | None = None, hops: str | None = None, *args: Any, **kwargs: Any):
        arguments = SpiderArguments.parse({"start_url": start_url, "sources": sources, "year": year,
                                           "hops": hops, **kwargs})
        super().__init__(*args, **kwargs)
        self.sources: list[Source] = list(arguments.sources)
        self.year = arguments.year
        self.entry_hops = arguments.hops  # None: the GOV_REPORTS_ENTRY_HOPS setting
        self.list_limits = ListLimits()
        self.crawl_args = {"start_url": start_url, "sources": sources, "year": year,
                           "source_count": len(self.sources)}
        self._sources = {source.name: source for source in self.sources}
        self.allowed_domains = sorted({site_domain(host) for source in self.sources for host in source.hosts()})
        self.frontier = Frontier(defaults.GOV_REPORTS_MIN_SCORE)
        self.budget = Budget(defaults.GOV_REPORTS_SOURCE_PAGES, defaults.GOV_REPORTS_SOURCE_DEPTH)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "GovReportsSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.entry_hops is None:
            spider.entry_hops = settings.getint("GOV_REPORTS_ENTRY_HOPS", defaults.GOV_REPORTS_ENTRY_HOPS)
        spider.flipbook_max_pages = settings.getint("GOV_REPORTS_FLIPBOOK_MAX_PAGES",
                                                    defaults.GOV_REPORTS_FLIPBOOK_MAX_PAGES)
        spider.list_limits = ListLimits.from_settings(settings.getint)
        spider.frontier = Frontier(settings.getint("GOV_REPORTS_MIN_SCORE", defaults.GOV_REPORTS_MIN_SCORE))
        spider.budget = Budget(settings.getint("GOV_REPORTS_SOURCE_PAGES", defaults.GOV_REPORTS_SOURCE_PAGES),
                               settings.getint("GOV_REPORTS_SOURCE_DEPTH", defaults.GOV_REPORTS_SOURCE_DEPTH))
        if not is_shared(settings):  # a shared crawl's are released by SharedIdle, after its grace
            crawler.signals.connect(spider.release_parked, signal=signals.spider_idle)
        spider._check_list_forms()
        return spider

    @classmethod
    def update_settings(cls, settings) -> None:
        """The User-Agent names the project and GOV_REPORTS_CONTACT_URL unless USER_AGENT is set."""
        super().update_settings(settings)
        if settings.getpriority("USER_AGENT") <= SETTINGS_PRIORITIES["default"]:
            settings.set("USER_AGENT", user_agent(settings.get("GOV_REPORTS_CONTACT_URL")), priority="spider")

    @cached_property
    def _start_urls(self) -> frozenset[str]:
        return frozenset(source.start_url for source in self.sources)

    def _archived_sources(self) -> set[str]:
        """Sources the archive already holds reports of (none when the crawl runs without one)."""
        try:
            return ArchiveExtension.of(self.crawler).open().sources_with_reports()
        except NotConfigured:
            return set()

    async def start(self):
        archived = self._archived_sources()
        for source in self.sources:
            tally = self.frontier.open(source.name, self._budget_of(source))
            tally.archived_reports = source.name in archived
            # dont_filter, as Scrapy's own start URLs: a resumed or repeated crawl always re-reads
            # its entry pages (cheaply: they are revalidated against the archive). Not with a shared
            # frontier: every process starts from the same URLs, and one of them fetches each.
            yield scrapy.Request(source.start_url, callback=self.parse_page, errback=self.on_error,
                                 dont_filter=not is_shared(self.settings), priority=100,
                                 meta={"source": source.name, "role": RequestRole.ENTRY, BUDGET: source.name,
                                       DEPTH: 0, SCORE: ENTRY_SCORE})

    # -- callbacks ------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        """Any HTML page of a portal: archive it, then decide from its content what to follow."""
        # A page's link labels repeat (menus, every record's 年度报告, a label read by the role, the
        # score and the publisher test): each is normalized once for the page.
        return one_document_steps(self._read_page(response))

    def _read_page(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield from self.parse_attachment(response)
            return
        if book_base(response.url):
            yield from self.parse_flipbook(response)
            return
        # Decoded by archive.decoding (the declaration that fits the bytes), not by Scrapy's
        # header-first rule: portals often send a server-default charset over a GBK page.
        reading = read_page(response, self.list_limits.max_chars)  # as the fetch-kind middleware read it
        response.meta["encoding"] = reading.encoding  # the store records it
        page = ListPage.of_tree(reading.text, reading.root, response.url, self.list_limits)
        # A flipbook is often served from another host than the portal (威海文登 2022: an IP and
        # port of its own); only book links are followed off the portal's hosts.
        links = [link for link in page.links
                 if host_in_scope(link.url, self._hosts(response)) or book_base(link.url)]
        is_report, title = is_report_page(page.root, [link.url for link in links], response.meta.get("link_text"))
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
        holds_reports = any(role is LinkRole.REPORT for _, role in roles)
        is_list = (response.meta.get("role") == RequestRole.COLUMN or holds_reports
                   or looks_like_column(page.root, response.url))
        yield self._archived(response, role=ItemRole.LIST if is_list else ItemRole.PAGE)
        if holds_reports:
            self.frontier.learn(response.meta.get(BUDGET), response.meta.get("link_text"))
        context = self._context(response, is_list, holds_reports, in_disclosure_area(page.root, response.url))
        yield from self._follow(response, roles, context)
        if is_list:
            # A column showing no record and naming no list request builds its list in script files.
            bare = not holds_reports and not found.requests
            yield from self._list_requests(response, found.requests + (linked_scripts(page) if bare else ()))
        if response.meta.get("role") == RequestRole.ENTRY:
            yield from self._other_ways_in(response, page)

    def parse_list_answer(self, response: Response) -> Iterator[Any]:
        """A list's XML/JSON answer (Hanweb dataproxy, TRS search API, script-loaded JSON): its
        records are followed as a list's links are. Archived like any list page, keyed by the form
        it was asked with (snapshots.request), so that each page of answers keeps its versions."""
        return one_document_steps(self._read_list_answer(response))

    def _read_list_answer(self, response: Response) -> Iterator[Any]:
        request = ListRequest.from_meta(response.meta["list_request"])
        decoded = decoding(response)  # as the archive-decoding middleware decoded it
        response.meta["encoding"] = decoded.encoding  # the store records it
        yield self._archived(response, role=ItemRole.LIST_ANSWER)
        found = read_list_answer(ListAnswer(request, decoded.text, self.list_limits))
        links = [link for link in found.links if host_in_scope(link.url, self._hosts(response))]
        self.crawler.stats.inc_value(f"gov_reports/list_answers/{request.form}")
        roles = [(link, classify_link(link, request.base_url)) for link in links]
        yield from self._follow(response, roles, self._context(response, True, bool(roles)))
        yield from self._list_requests(response, found.requests)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """A sitemap (robots.txt's Sitemap: lines, /sitemap.xml): its URLs are scored by their
        tokens alone, a sitemap index's children are read in turn."""
        found = read_sitemap(response.body, response.url)
        self.crawler.stats.inc_value("gov_reports/sitemaps")
        hosts = self._hosts(response)
        for url in found.sitemaps:
            if host_in_scope(url, hosts):
                yield from self._schedule(response, url, SITEMAP_SCORE, response.meta.get(DEPTH, 0),
                                          self.parse_sitemap, role=RequestRole.AREA)
        for url, score in found.pages:
            if host_in_scope(url, hosts):
                yield from self._schedule(response, url, score, response.meta.get(DEPTH, 0) + 1,
                                          role=RequestRole.CANDIDATE)

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
        if parent is None:
            self._found_report(response)
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
        self._found_report(response)
        for link in links:
            if classify_link(link, response.url) is LinkRole.ATTACHMENT:
                yield from self._schedule(response, link.url, REPORT_PART_SCORE, response.meta.get(DEPTH, 0),
                                          self.parse_attachment, role=RequestRole.ATTACHMENT, link_text=link.label,
                                          parent_url=response.url, report_year=year, report_title=title)

    def _follow(self, response: TextResponse, roles: list, page: PageContext) -> Iterator[scrapy.Request]:
        """Every link of the page, scored: nothing is left out but what is off scope (and flipbooks,
        which are followed from lists and report links only, as their page chains are long)."""
        for link, role in roles:
            if link.url == response.url or link.url in self._start_urls:
                continue  # start requests bypass the duplicate filter: a link to one would fetch it again
            if role is LinkRole.FLIPBOOK:
                if page.is_list or response.meta.get("role") == RequestRole.CANDIDATE:
                    # A book listed in the column, or behind a link with a report title (the book's
                    # JavaScript index.html, an HTML stub): the column's title names the book.
                    title = link.label if is_named_report(link.label) else response.meta.get("link_text")
                    if self._wanted_year(title or ""):
                        yield from self._flipbook_start(response, link.url, title, response.url)
                continue
            if role in (LinkRole.REPORT, LinkRole.ATTACHMENT) and not self._wanted_year(link.label):
                continue
            score = score_link(link, role, page)
            depth = page.depth + (role is not LinkRole.PAGER)
            if role is LinkRole.ATTACHMENT:
                yield from self._schedule(response, link.url, score, depth, self.parse_attachment,
                                          role=RequestRole.ATTACHMENT, link_text=link.label)
            elif role in (LinkRole.REPORT, LinkRole.ARTICLE):
                yield from self._schedule(response, link.url, score, depth, role=RequestRole.CANDIDATE,
                                          link_text=link.label)
            elif page.is_list and role is not LinkRole.PAGER and link.place in PUBLISHER_PLACES \
                    and is_publisher_name(link.label):
                yield from self._sub_source(response, link, score)
            else:
                yield from self._schedule(response, link.url, score, depth, role=self._role_of(link, role, page),
                                          link_text=link.label)

    @staticmethod
    def _role_of(link: PageLink, role: LinkRole, page: PageContext) -> RequestRole:
        """A pager, a column link or a list's own sub-column is read as a column; anything else is navigation."""
        if role in (LinkRole.PAGER, LinkRole.COLUMN) or (page.is_list and is_below(link.url, page.url)):
            return RequestRole.COLUMN
        return RequestRole.AREA

    def _sub_source(self, response: Response, link: PageLink, score: int) -> Iterator[scrapy.Request]:
        """A department's or township's own column listed in a report column: explored with a
        budget of its own (from depth 0), recorded under "source › publisher"."""
        root = (response.meta.get(BUDGET) or "").split(SUB_SOURCE)[0]
        key = f"{root}{SUB_SOURCE}{link.label}"
        self.frontier.open(key, self.frontier.tallies[root].budget if root in self.frontier.tallies
                           else self.budget)
        yield from self._schedule(response, link.url, score, 0, role=RequestRole.COLUMN, link_text=link.label,
                                  publisher=link.label, **{BUDGET: key})

    def _other_ways_in(self, response: TextResponse, page: ListPage) -> Iterator[scrapy.Request]:
        """From a start page: the sitemaps robots.txt names (or a guessed /sitemap.xml, as a last
        resort), and the site's own GET search for 年度报告."""
        declared = declared_sitemaps(self.crawler, response.url)
        for url in declared or [guessed_sitemap(response.url)]:
            score = SITEMAP_SCORE if declared else 0
            yield from self._schedule(response, url, score, 1, self.parse_sitemap, role=RequestRole.AREA)
        searched = search_url(page.root, response.url)
        if searched and host_in_scope(searched, self._hosts(response)):
            # Below areas and columns: navigation first; the results are a list only if they show reports.
            yield from self._schedule(response, searched, SEARCH_SCORE, 1, role=RequestRole.AREA, link_text="年度报告")

    def _schedule(self, response: Response, url: str, score: int, depth: int, callback=None,
                  **meta: Any) -> Iterator[scrapy.Request]:
        """A request charged to the response's budget (or the one in meta), with its score as
        priority: scheduled now, parked for later when it scores below the floor, or counted
        and left when it lies beyond the budget's depth."""
        key = meta.pop(BUDGET, response.meta.get(BUDGET))
        if key is None or key not in self.frontier.tallies:
            yield self._request(response, url, callback, priority=score, **meta)
            return
        if not self.frontier.within_depth(key, depth):
            return
        meta = {"publisher": response.meta.get("publisher"), **meta, BUDGET: key, DEPTH: depth, SCORE: score}
        request = self._request(response, url, callback, priority=score, **meta)
        if self.frontier.wants_now(score):
            yield request
        else:
            self.frontier.park(key, score, request)

    def release_parked(self) -> None:
        """spider_idle: nothing better is left, so the best parked links of the sources that found
        nothing are scheduled (while their budgets last); the crawl ends when none is left."""
        released = self.frontier.release(self.crawler.settings.getint("CONCURRENT_REQUESTS", 16))
        for request in released:
            self.crawler.engine.crawl(request)
        if released:
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        """One line per source (and sub-source): what it spent and what it found, also in the stats."""
        for key, figures in self.frontier.figures().items():
            for name, value in figures.items():
                if value is not None:
                    self.crawler.stats.set_value(f"gov_reports/sources/{key}/{name}", value)
            self.logger.info("Source %s: %s page(s) of %s (%s%%), %s report(s), first at depth %s, "
                             "%s link(s) left", key, figures["pages"], figures["budget_pages"],
                             figures["budget_used"], figures["reports"], figures["first_report_depth"],
                             figures["frontier_left"])

    def _list_requests(self, response: Response, requests: tuple[ListRequest, ...]) -> Iterator[scrapy.Request]:
        """Further pages of a list (HTML pages, documents it points to, or XML/JSON answers, POSTed
        with the column's form fields when the CMS wants it)."""
        depth, score = response.meta.get(DEPTH, 0), response.meta.get(SCORE, 0)
        for request in requests:
            if not host_in_scope(request.url, self._hosts(response)):
                continue
            if request.answer == PAGE:
                yield from self._schedule(response, request.url, score, depth, role=RequestRole.COLUMN)
                continue
            if request.answer == DOCUMENT:
                yield from self._schedule(response, request.url, max(score, 60), depth + 1,
                                          role=RequestRole.CANDIDATE)
                continue
            meta = {"source": response.meta.get("source"), "role": RequestRole.LIST_ANSWER,
                    "list_request": request.as_meta(), BUDGET: response.meta.get(BUDGET), DEPTH: depth,
                    SCORE: score, "publisher": response.meta.get("publisher")}
            headers = {"Referer": request.base_url or response.url, **dict(request.headers)}
            if request.method == "POST":
                yield scrapy.FormRequest(request.url, formdata=dict(request.formdata), headers=headers,
                                         callback=self.parse_list_answer, errback=self.on_error, meta=meta,
                                         priority=score)
            else:
                yield scrapy.Request(request.url, headers=headers, callback=self.parse_list_answer,
                                     errback=self.on_error, meta=meta, priority=score)

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

    def _context(self, response: Response, is_list: bool, holds_reports: bool, in_area: bool = False) -> PageContext:
        """What scoring a page's links needs to know of the page (crawler/discovery.PageContext)."""
        meta = response.meta
        return PageContext(url=response.url, score=meta.get(SCORE, 0), is_list=is_list, holds_reports=holds_reports,
                           depth=meta.get(DEPTH, 0), free_hops=self.entry_hops,
                           learned=self.frontier.learned(meta.get(BUDGET)), in_area=in_area)

    def _found_report(self, response: Response) -> None:
        self.frontier.found_report(response.meta.get(BUDGET), response.meta.get(DEPTH, 0),
                                   response.meta.get("link_text"))

    def _budget_of(self, source: Source) -> Budget:
        """The settings' budget, raised for a source whose registry row says so."""
        return Budget(max(source.budget_pages or 0, self.budget.pages), max(source.budget_depth or 0, self.budget.depth))

    def _wanted_year(self, label: str) -> bool:
        year = year_in_title(label)
        return self.year is None or year is None or year == self.year

    # -- plumbing -------------------------------------------------------------------------------
    def _hosts(self, response: Response) -> tuple[str, ...]:
        source = self._sources.get(response.meta.get("source"))
        return source.hosts() if source else ()

    def _request(self, response: Response, url: str, callback=None, priority: int | None = None,
                 **meta: Any) -> scrapy.Request:
        """A request of the response's source; its priority is its score (else the page's own)."""
        return scrapy.Request(url, callback=callback or self.parse_page, errback=self.on_error,
                              priority=response.meta.get(SCORE, 0) if priority is None else priority,
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
