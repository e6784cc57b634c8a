"""A frontier shared by several crawl processes: with REDIS_URL set (environment or `-s`), the
scheduler's queue and the seen-requests set live in Redis (scrapy-redis), so processes on several
machines split one crawl between them, each fetching what it pops and writing its own archive
(`gov-reports merge` combines them).

The queue and the seen-set persist when a process closes (SCHEDULER_PERSIST), since the others may
still be crawling; clear the keys (`gov_reports:requests`, `gov_reports:dupefilter`) to start afresh.
"""

from __future__ import annotations

import os
import time
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings

SHARED_SETTINGS = {
    "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,
}


def is_shared(settings: BaseSettings) -> bool:
    """Whether this crawl's frontier is the shared one in Redis."""
    return settings.get("SCHEDULER") == SHARED_SETTINGS["SCHEDULER"]


class SharedFrontier:
    """A Scrapy add-on: switches the scheduler and dupefilter to scrapy-redis when REDIS_URL is set."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("REDIS_URL") or os.environ.get("REDIS_URL")
        if not url:
            return
        settings.set("REDIS_URL", url, priority="addon")
        for name, value in SHARED_SETTINGS.items():
            settings.set(name, value, priority="addon")


class SharedIdle:
    """With a shared frontier an empty queue may only mean the other processes have not pushed
    yet: keep the crawl open until it has been idle for GOV_REPORTS_SHARED_IDLE_SECONDS."""

    def __init__(self, grace: float):
        self.grace = grace
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not is_shared(crawler.settings):
            raise NotConfigured("no shared frontier")
        extension = cls(crawler.settings.getfloat("GOV_REPORTS_SHARED_IDLE_SECONDS"))
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.busy, signal=signals.request_scheduled)
        crawler.signals.connect(extension.busy, signal=signals.response_received)
        return extension

    def busy(self, *args, **kwargs) -> None:
        self.idle_since = None

    def spider_idle(self, spider) -> None:
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.grace:
            raise DontCloseSpider
