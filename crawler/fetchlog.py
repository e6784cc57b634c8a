"""Downloader middlewares: the fetch log (every request and its outcome) and retries with backoff."""

from __future__ import annotations

import logging
import random
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from archive.store import Fetch, utc_now
from crawler.archiving import ArchiveExtension

logger = logging.getLogger(__name__)


class RobotsErrorOneLine(logging.Filter):
    """Scrapy's RobotsTxtMiddleware logs a robots.txt it could not download with a traceback, at
    ERROR. The fetch log has already recorded each attempt with its error, and Scrapy goes on as if
    robots.txt allowed everything: so one line at WARNING that says so, without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith("Error downloading"):
            error = record.exc_info[1]
            record.msg = "robots.txt not read for %(request)s (%(error)s): crawled as if it allowed everything"
            request = record.args.get("request") if isinstance(record.args, dict) else None
            record.args = {"request": request, "error": f"{type(error).__name__}: {error}"}
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(RobotsErrorOneLine())


def response_header(response: Response | None, name: str) -> str | None:
    """A response header as text (None when absent)."""
    if response is None:
        return None
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None


class FetchLogMiddleware:
    """Records every request that reaches the network, response or error, in `fetches`.

    Installed next to the downloader (above RedirectMiddleware and RetryMiddleware), so it sees
    each redirect hop, each failed attempt before its retry, and the body size on the wire.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _log(self, request: Request, **outcome) -> int:
        extension = ArchiveExtension.of(self.crawler)
        archive = extension.open()
        fetch = Fetch(
            url=request.url, method=request.method,
            requested_at=request.meta.get("fetch_requested_at") or utc_now(),
            source=request.meta.get("source"),
            redirect_chain=tuple(request.meta.get("redirect_urls", ())),
            duration_ms=round(request.meta["download_latency"] * 1000, 1)
            if "download_latency" in request.meta else None,
            **outcome,
        )
        return archive.record_fetch(fetch, crawl_id=extension.crawl_id)

    def process_request(self, request: Request) -> None:
        request.meta["fetch_requested_at"] = utc_now()

    def process_response(self, request: Request, response: Response) -> Response:
        if "archived" in response.flags:
            return response  # served from the archive: no request reached the network
        request.meta["fetched_at"] = utc_now()
        request.meta["fetch_id"] = self._log(
            request, status=response.status, bytes=len(response.body),
            content_type=response_header(response, "Content-Type"), etag=response_header(response, "ETag"),
            last_modified=response_header(response, "Last-Modified"), flags=tuple(response.flags),
        )
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        message = str(exception) or exception.__class__.__name__
        self._log(request, error=f"{exception.__class__.__name__}: {message}"[:500])
        logger.warning("Fetch failed: %s (%s)", request.url, message)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting before each new attempt: exponential backoff with jitter, or Retry-After."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _delay(self, attempt: int, response: Response | None) -> float:
        retry_after = response_header(response, "Retry-After")
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), self.cap)
        return min(self.base * 2 ** attempt, self.cap) * random.uniform(0.5, 1.0)

    async def _wait(self, attempt: int, response: Response | None) -> None:
        # Imported here: importing the reactor at module level would install Twisted's default
        # reactor before Scrapy installs the asyncio one (the spider imports this module).
        from twisted.internet import reactor

        delay = self._delay(attempt, response)
        if delay > 0:
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(request.meta.get("retry_times", 0), response)
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(request.meta.get("retry_times", 0), None)
        return result
