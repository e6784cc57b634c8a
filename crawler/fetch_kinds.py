"""What each fetch was (archive/fetch_kinds.py), recorded in `fetches.kind`, and what follows from it.

- Two downloader middlewares: on the wire (next to the fetch log, body still content-encoded) a
  redirect hop is recorded as such and a body cut short is flagged; after decompression every final
  answer is classified, its kind recorded, and a page that only sends the browser on by script
  (location.href='…') is followed as a redirect.
- The spider middleware keeps a page that is not what its link promised (a soft-404, a challenge,
  a login wall, a truncated body, the home page a dead link redirects to) from becoming a report:
  it is archived as a plain page, its links are not followed, and a URL that was a report is given
  a `report_events` row (removed / blocked) while its archived versions stay as they are.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from typing import Any, Self
from urllib.parse import urljoin

from lxml import etree
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from archive.fetch_kinds import (
    EVENTS,
    NOT_THE_DOCUMENT,
    OVER_LIMIT,
    REDIRECT,
    REDIRECTED_TO_HOME,
    TRUNCATED,
    Answer,
    TreeSource,
    html_tree,
    fetch_kind,
    redirects_home,
    script_redirect,
    wire_kind,
)
from crawler.archiving import ArchiveExtension
from crawler.fetchlog import response_header
from crawler.items import ArchivedPage, ItemRole
from crawler.list_forms import ListLimits
from crawler.page_reading import read_page

logger = logging.getLogger(__name__)

_DOCUMENT_ROLES = (ItemRole.REPORT, ItemRole.ATTACHMENT, ItemRole.DOCUMENT)


def _answer(request: Request, response: Response) -> Answer:
    headers = {key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
               for key, values in response.headers.items()}
    return Answer(url=response.url, status=response.status, headers=headers, body=response.body,
                  redirected_from=tuple(request.meta.get("redirect_urls", ())), flags=tuple(response.flags))


def _record(crawler: Crawler, request: Request, kind: str) -> None:
    request.meta["fetch_kind"] = kind
    crawler.stats.inc_value(f"gov_reports/fetch_kinds/{kind}")
    if request.meta.get("fetch_id") is not None:
        ArchiveExtension.of(crawler).open().set_fetch_kind(request.meta["fetch_id"], kind)


class WireCheckMiddleware:
    """Downloader middleware just inside the fetch log: redirect hops recorded, cut bodies flagged."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if "archived" in response.flags:
            return response
        if 300 <= response.status < 400:
            location = urljoin(response.url, response_header(response, "Location") or "")
            # The home page a dead link redirects to is mostly crawled already (the seen-set drops
            # the redirect), so the hop itself says it.
            home = redirects_home(request.meta.get("redirect_urls", [request.url])[0], location)
            _record(self.crawler, request, REDIRECTED_TO_HOME if home else REDIRECT)
            if home:
                report_event(self.crawler, request.url, REDIRECTED_TO_HOME, request.meta.get("fetch_id"))
        else:
            kind = wire_kind(_answer(request, response), self.max_size)
            if kind == OVER_LIMIT:  # Scrapy's decompression drops it next: only the wire sees it
                _record(self.crawler, request, kind)
            elif kind == TRUNCATED:
                request.meta["cut_short"] = True
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A body cut short (Scrapy's data-loss failure): the fetch log's error row is a truncated fetch."""
        if "DataLoss" in repr(exception):
            archive = ArchiveExtension.of(self.crawler).open()
            fetch_id = archive.latest_fetch_id(request.url)
            if fetch_id is not None:
                archive.set_fetch_kind(fetch_id, TRUNCATED)
            self.crawler.stats.inc_value(f"gov_reports/fetch_kinds/{TRUNCATED}")


class FetchKindMiddleware:
    """Downloader middleware below decompression and redirects: each final answer's kind."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES", 20)
        self.max_chars = ListLimits.from_settings(crawler.settings.getint).max_chars  # as the spider reads

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if "archived" in response.flags:
            return response  # served from the archive: its fetch was classified when it was made
        if request.meta.get("cut_short"):
            _record(self.crawler, request, TRUNCATED)
            return response
        tree = self._tree_of(response) if isinstance(response, TextResponse) else None
        kind = fetch_kind(_answer(request, response), tree)
        target = (script_redirect(response.body, response_header(response, "Content-Type"), tree)
                  if kind == "ok" and isinstance(response, TextResponse) else None)
        if target and request.meta.get("redirect_times", 0) < self.max_redirects:
            kind = REDIRECT
        _record(self.crawler, request, kind)
        if kind == REDIRECT and target:
            return self._script_redirect(request, urljoin(response.url, target))
        return response

    def _tree_of(self, response: TextResponse) -> TreeSource | None:
        """The spider's own reading of the page (parsed at most once, when first needed), unless
        that reading is cut short of the whole page (GOV_REPORTS_PAGE_MAX_CHARS): then the
        middleware parses the whole page itself."""
        def tree() -> etree._Element | None:
            reading = read_page(response, self.max_chars)
            return reading.root if reading.whole else html_tree(response.body, response_header(response, "Content-Type"))
        return tree

    @staticmethod
    def _script_redirect(request: Request, url: str) -> Request:
        """The page's script target, requested as Scrapy's RedirectMiddleware requests a Location."""
        meta = {**request.meta, "redirect_times": request.meta.get("redirect_times", 0) + 1,
                "redirect_urls": [*request.meta.get("redirect_urls", []), request.url],
                "redirect_reasons": [*request.meta.get("redirect_reasons", []), "script"]}
        for key in ("fetch_id", "fetch_kind", "cut_short"):
            meta.pop(key, None)
        return request.replace(url=url, meta=meta)


class NotTheDocumentMiddleware:
    """Spider middleware: what a page that is not its link's document may yield (see module doc)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        kind = response.meta.get("fetch_kind")
        for item in result:
            kept = self._keep(response, kind, item) if kind in NOT_THE_DOCUMENT else item
            if kept is not None:
                yield kept

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        kind = response.meta.get("fetch_kind")
        async for item in result:
            kept = self._keep(response, kind, item) if kind in NOT_THE_DOCUMENT else item
            if kept is not None:
                yield kept

    def _keep(self, response: Response, kind: str, item: Any) -> Any:
        if isinstance(item, Request):
            return None  # a WAF page's, a 404 template's links lead nowhere worth fetching
        if not isinstance(item, ArchivedPage):
            return item
        for url in dict.fromkeys([*response.meta.get("redirect_urls", []), response.url]):
            report_event(self.crawler, url, kind, response.meta.get("fetch_id"))
        if item.role in _DOCUMENT_ROLES:
            logger.warning("%s is a %s, not a %s: archived as a page", response.url, kind, item.role)
            return replace(item, role=ItemRole.PAGE)
        return item


def report_event(crawler: Crawler, url: str, kind: str, fetch_id: int | None) -> None:
    """A URL archived as a report that now gives a not-a-document kind: removed or blocked."""
    event = EVENTS.get(kind)
    extension = ArchiveExtension.of(crawler)
    archive = extension.open()
    reports = archive.report_ids_at(url) if event else []
    if reports:
        archive.record_report_event(reports[-1], url, event, fetch_id, extension.crawl_id)
        crawler.stats.inc_value(f"gov_reports/report_events/{event}")
