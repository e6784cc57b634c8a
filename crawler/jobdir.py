"""A JOBDIR left by a crawl that was killed (kill -9, a crash) is not resumed blindly.

Scrapy persists the scheduler's queue and the duplicate filter's fingerprints in JOBDIR, but only
a clean stop (Ctrl-C, the end of the crawl) writes them consistently: after kill -9 the queue can
be lost while fingerprints of requests whose responses were never handled survive, so a resumed
crawl would skip pages forever. A marker file says a crawl is running; finding it at start means
the last one died, and then the scheduler state is dropped: the crawl restarts from its start
URLs, the archive adds no duplicate snapshot, and conditional requests make the repeat cheap.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

MARKER = "gov_reports.running"
SCHEDULER_STATE = ("requests.queue", "requests.seen")


class UncleanJobdirGuard:
    def __init__(self, jobdir: Path):
        self.jobdir = jobdir

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured  # no JOBDIR: nothing to guard (and no "Disabled" warning)
        guard = cls(Path(jobdir))
        guard.recover()  # before the scheduler and the duplicate filter read the directory
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def recover(self) -> None:
        if not (self.jobdir / MARKER).exists():
            return
        logger.warning("JOBDIR %s was left by a crawl that did not stop cleanly; its scheduler state is "
                       "dropped and the crawl restarts from its start URLs", self.jobdir)
        for name in SCHEDULER_STATE:
            path = self.jobdir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    def spider_opened(self, spider) -> None:
        self.jobdir.mkdir(parents=True, exist_ok=True)
        (self.jobdir / MARKER).touch()

    def spider_closed(self, spider, reason: str) -> None:
        (self.jobdir / MARKER).unlink(missing_ok=True)
