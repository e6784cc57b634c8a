"""Crawler traps: requests that would never end are dropped before they are scheduled.

A spider middleware over every request the spider yields, with the page that yielded it:
- a list chain: list pages reached from list pages in a row (an endless `?page=N+1` pager);
- a repeating path: one path segment many times over (…/a/b/a/b/a/b/, relative-link loops);
- a calendar: a date in the URL past this month, or before 1990 (next month for ever);
- a shape budget: per source, distinct URLs of one shape (path with its digits masked, query keys)
  beyond a budget: a page whose links are all new every render (random tokens in its links);
- the port: a URL on the source's host but another port is another server (flipbook hosts aside).
Each limit is a setting (crawler/settings.py); each drop is counted in `gov_reports/traps/<kind>`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from archive.readers.flipbook import book_base
from crawler.items import RequestRole

logger = logging.getLogger(__name__)

_DATE = re.compile(r"((?:19|20)\d{2})(?:[-/_]?(\d{1,2}))?(?:[-/_]?(\d{1,2}))?")
_DATE_KEY = re.compile(r"year|date|month|time|day|^y$|^ym$|^nf$|^nd$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_OLDEST_YEAR = 1990  # disclosure reports start in 2008; calendars walking back stop here


def calendar_date_beyond(url: str, today: date) -> bool:
    """A month (a path segment or query value such as 202705, 2027-05) or a year (a query value of a
    date-named key) past this month, or before 1990."""
    parts = urlsplit(url)
    values = [(value, _DATE_KEY.search(key) is not None) for key, value in parse_qsl(parts.query)]
    values += [(segment, False) for segment in parts.path.split("/") if segment]
    for value, dated_key in values:
        match = _DATE.fullmatch(value.strip())
        if not match or not (match.group(2) or dated_key):  # a bare number is an id, not a year
            continue
        year, month = int(match.group(1)), int(match.group(2) or 1)
        if not 1 <= month <= 12:  # 203456: an id, not a month
            continue
        if year < _OLDEST_YEAR or (year, month) > (today.year, today.month):
            return True
    return False


def repeated_segment(url: str, max_repeats: int) -> bool:
    """One non-empty path segment occurs more than `max_repeats` times."""
    counts = Counter(segment for segment in urlsplit(url).path.split("/") if segment)
    return bool(counts) and max(counts.values()) > max_repeats


def url_shape(url: str) -> tuple[str, str, tuple[str, ...]]:
    """(host, path with digit runs masked, sorted query keys): what the links of one template share."""
    parts = urlsplit(url)
    keys = tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return parts.netloc.lower(), _DIGITS.sub("#", parts.path), keys


def _port(url: str) -> int | None:
    parts = urlsplit(url)
    try:
        return parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None


class TrapMiddleware:
    """Spider middleware: drops the requests of a trap, counts them, says so once per kind and source."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.max_chain = settings.getint("GOV_REPORTS_LIST_MAX_CHAIN")
        self.max_repeats = settings.getint("GOV_REPORTS_PATH_MAX_REPEATS")
        self.max_shape = settings.getint("GOV_REPORTS_SHAPE_MAX_URLS")
        self._shapes: dict[tuple, set[bytes]] = {}
        self._said: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for item in result:
            if not isinstance(item, Request) or not self._trapped(response, item):
                yield item

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            if not isinstance(item, Request) or not self._trapped(response, item):
                yield item

    def _trapped(self, response: Response, request: Request) -> bool:
        kind = self.trap(response, request)
        if kind is None:
            return False
        source = request.meta.get("source") or "?"
        self.crawler.stats.inc_value(f"gov_reports/traps/{kind}")
        if (kind, source) not in self._said:
            self._said.add((kind, source))
            logger.warning("Trap (%s) in source %s: %s not followed (from %s); further ones counted only",
                           kind, source, request.url, response.url)
        return True

    def trap(self, response: Response, request: Request) -> str | None:
        """The kind of trap the request falls into, or None."""
        url = request.url
        if book_base(url):
            return None  # a flipbook's page chain has its own limit (GOV_REPORTS_FLIPBOOK_MAX_PAGES)
        if self._other_port(response, url):
            return "other_port"
        if response.meta.get("role") == RequestRole.COLUMN and request.meta.get("role") == RequestRole.COLUMN:
            chain = response.meta.get("list_chain", 0) + 1
            request.meta["list_chain"] = chain
            if chain > self.max_chain:
                return "list_chain"
        if repeated_segment(url, self.max_repeats):
            return "repeated_path"
        if calendar_date_beyond(url, date.today()):
            return "calendar"
        return "shape_budget" if self._over_shape_budget(request) else None

    def _other_port(self, response: Response, url: str) -> bool:
        """Same host as the page but another port: another server (scope respects the port)."""
        page, link = urlsplit(response.url), urlsplit(url)
        return (page.hostname or "") == (link.hostname or "") and _port(response.url) != _port(url) and not (
            _port(response.url) in _DEFAULT_PORTS.values() and _port(url) in _DEFAULT_PORTS.values())

    def _over_shape_budget(self, request: Request) -> bool:
        seen = self._shapes.setdefault((request.meta.get("source"), url_shape(request.url)), set())
        key = hashlib.blake2b(request.url.encode("utf-8"), digest_size=8).digest()
        if key in seen:
            return False
        if len(seen) >= self.max_shape:
            return True
        seen.add(key)
        return False
