"""A frontier shared by several crawl processes: with REDIS_URL set (environment or `-s`), the
scheduler's queue and the seen-requests set live in Redis (scrapy-redis), so processes on several
machines split one crawl between them, each fetching what it pops and writing its own archive
(`gov-reports merge` combines them).

Each source's page budget is shared too: a process charges every page it admits with an atomic
INCR of the source's key (`gov_reports:budget:<source>`), so N processes together spend one budget,
not N (the depth budget needs no count: a request's depth travels with it).

The queue, the seen-set, the budgets and the findings persist when a process closes (SCHEDULER_PERSIST), since the
others may still be crawling; clear the keys (`gov_reports:requests`, `gov_reports:dupefilter`,
`gov_reports:budget:*`, `gov_reports:found:*`) to start afresh (SCHEDULER_FLUSH_ON_START clears them all).
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
    # Named, not imported: a crawl that shares nothing never imports scrapy-redis and redis (0.14 s).
    "SCHEDULER": "crawler.shared_scheduler.SharedBudgetScheduler",
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
            # Over crawler/settings.py's own scheduler (the budget one), never over `-s` on the command line.
            settings.set(name, value, priority="project")


class SharedIdle:
    """With a shared frontier an empty queue may only mean the other processes have not pushed
    yet: keep the crawl open until it has been idle for GOV_REPORTS_SHARED_IDLE_SECONDS, asking
    the shared queue again every GOV_REPORTS_SHARED_POLL_SECONDS meanwhile (Scrapy itself looks
    only every 5 s, by when a faster process has taken everything). Only then are the spider's
    parked last resorts released: before, another process may yet find the source's reports."""

    def __init__(self, crawler: Crawler, grace: float, poll: float):
        self.crawler = crawler
        self.grace = grace
        self.poll = poll
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not is_shared(crawler.settings):
            raise NotConfigured  # without a message: nothing to warn about in a one-machine crawl
        extension = cls(crawler, crawler.settings.getfloat("GOV_REPORTS_SHARED_IDLE_SECONDS"),
                        crawler.settings.getfloat("GOV_REPORTS_SHARED_POLL_SECONDS", 0.5))
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
            if self.poll > 0:
                from twisted.internet import reactor  # the crawl's, installed by now

                reactor.callLater(self.poll, self._look_again)
            raise DontCloseSpider
        release = getattr(spider, "release_parked", None)
        if release is not None:
            release()

    def _look_again(self) -> None:
        """Let the engine pop the shared queue now (its slot's next call), not at its next heartbeat."""
        slot = getattr(self.crawler.engine, "_slot", None) if self.crawler.engine else None
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()
