"""The crawl's log for people: a progress line every GOV_REPORTS_PROGRESS_SECONDS in domain terms
(sources done, reports found, pages, errors), a summary when it closes, Scrapy's stats at DEBUG."""

from __future__ import annotations

import logging
import pprint
import time
from collections import Counter
from typing import Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from twisted.internet import task

logger = logging.getLogger(__name__)


class CrawlProgress:
    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.outstanding: Counter[str] = Counter()  # requests scheduled and not yet downloaded, per source
        self.reached: set[str] = set()
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        progress = cls(crawler, crawler.settings.getfloat("GOV_REPORTS_PROGRESS_SECONDS"))
        for handler, signal in ((progress.opened, signals.spider_opened), (progress.closed, signals.spider_closed),
                                (progress.scheduled, signals.request_scheduled),
                                (progress.dropped, signals.request_dropped),
                                (progress.downloaded, signals.request_left_downloader)):
            crawler.signals.connect(handler, signal=signal)
        return progress

    def scheduled(self, request: Request) -> None:
        self.outstanding[request.meta.get("source") or ""] += 1

    def dropped(self, request: Request) -> None:
        self.outstanding[request.meta.get("source") or ""] -= 1

    def downloaded(self, request: Request) -> None:
        source = request.meta.get("source") or ""
        self.outstanding[source] -= 1
        self.reached.add(source)

    def opened(self, spider: Spider) -> None:
        if self.interval > 0:
            self._loop = task.LoopingCall(self.log_progress, spider)
            self._loop.start(self.interval, now=False)

    def closed(self, spider: Spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        stats = self.crawler.stats.get_stats()
        logger.info("Crawl %s after %.0f s: %s", reason, time.monotonic() - self.started, self.summary(spider))
        logger.debug("Scrapy stats:\n%s", pprint.pformat(stats))

    def log_progress(self, spider: Spider) -> None:
        logger.info("Progress: %s", self.summary(spider))

    def summary(self, spider: Spider) -> str:
        """"3 of 10 sources done, 12 reports (4 attachments), 240 pages, 5 errors"."""
        stats = self.crawler.stats
        sources = getattr(spider, "sources", ())
        done = sum(1 for s in sources if s.name in self.reached and self.outstanding[s.name] <= 0)
        errors = sum(value for key, value in stats.get_stats().items() if key.startswith("gov_reports/errors/"))
        return (f"{done} of {len(sources)} sources done, {stats.get_value('archive/reports', 0)} reports "
                f"({stats.get_value('archive/attachments', 0)} attachments), "
                f"{stats.get_value('downloader/response_count', 0)} pages, {errors} errors")
