"""PDF flipbooks (`…/files/basic-html/pageN.html`): fetched page by page, recorded as one report.

A mixin of the gov_reports spider: its callbacks must be spider methods so that requests survive a
JOBDIR pause. Pages are fetched one after another from page 1, so that the book is complete, and in
order, when it is recorded.
"""

from __future__ import annotations

from typing import Any, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.classify import is_named_report, year_in_title
from archive.readers.flipbook import book_base, page_number, page_url, read_page
from crawler.items import ArchivedBook, ItemRole, RequestRole
from crawler.page_reading import decoding


class FlipbookChain:
    """parse_flipbook and its helpers; the spider provides _archived, _request, on_error and
    flipbook_max_pages (the GOV_REPORTS_FLIPBOOK_MAX_PAGES setting)."""

    def parse_flipbook(self, response: Response) -> Iterator[Any]:
        """A text page of a PDF flipbook: archived, then the next page is fetched; after the last
        page the book is recorded as one report. Pages are fetched one after another from page 1
        so that the book is complete, and in order, when it is recorded."""
        book = response.meta.get("flipbook")
        if book is None:  # reached other than by a book's chain (a start URL, a link into the middle)
            yield from self._flipbook_start(response, response.url, response.meta.get("link_text"),
                                            response.meta.get("parent_url"))
            if page_number(response.url) != 1:
                yield self._archived(response, role=ItemRole.FLIPBOOK_PAGE)
                return
            book = _new_book(response.url, response.meta.get("link_text"), response.meta.get("parent_url"))
        text = decoding(response).text
        page = read_page(text, response.url)
        yield self._archived(response, role=ItemRole.FLIPBOOK_PAGE)
        book = {**book, "pages": [*book["pages"], response.url]}
        following = len(book["pages"]) + 1
        if following in page.linked_pages and following <= self.flipbook_max_pages:
            # The chain is the book's only fetcher (its first request went through the duplicate
            # filter), so a page linked into earlier is fetched again here rather than skipped.
            yield scrapy.Request(page_url(book["base"], following), callback=self.parse_flipbook,
                                 errback=self.on_flipbook_error, dont_filter=True,
                                 meta={"source": response.meta.get("source"), "role": RequestRole.FLIPBOOK,
                                       "flipbook": book})
            return
        self.crawler.stats.inc_value("gov_reports/flipbooks")
        yield ArchivedBook(url=book["base"], page_urls=book["pages"], source=response.meta.get("source"),
                           title=book["title"], year=year_in_title(book["title"]),
                           parent_url=book["parent_url"], link_text=book["title"])

    def on_flipbook_error(self, failure: Failure) -> None:
        """A page of a book could not be fetched: the book is not recorded (its pages so far are archived)."""
        self.on_error(failure)
        book = failure.request.meta.get("flipbook") or {}
        self.logger.warning("Flipbook %s left incomplete after %s page(s)", book.get("base"),
                            len(book.get("pages", ())))
        self.crawler.stats.inc_value("gov_reports/flipbooks_incomplete")

    def _flipbook_start(self, response: Response, url: str, title: str | None,
                        parent_url: str | None) -> Iterator[scrapy.Request]:
        """Page 1 of the book `url` belongs to, starting its chain (once per book: the duplicate
        filter drops a second start)."""
        base = book_base(url)
        if page_number(response.url) == 1 and book_base(response.url) == base:
            return  # this response is page 1: the caller goes on with it
        yield self._request(response, page_url(base, 1), self.parse_flipbook, role=RequestRole.FLIPBOOK,
                            allow_offsite=True, flipbook=_new_book(url, title, parent_url))



def _new_book(url: str, title: str | None, parent_url: str | None) -> dict:
    """A flipbook's chain state, carried from page to page in request meta."""
    return {"base": book_base(url), "title": title if is_named_report(title) else None,
            "parent_url": parent_url, "pages": []}
