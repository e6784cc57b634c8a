"""The crawl's handle on the archive database: opened with the spider, committed on a timer, closed last."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
import os
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archive.coverage import record_crawl_events, refresh_coverage
from archive.repair import mark_killed_crawls
from archive.store import BODY_LEVEL, DEFAULT_ARCHIVE_PATH, DICTIONARY_SAMPLES, Archive
from crawler.monitors import PROBLEMS_STAT, crawl_status, log_source_summary, source_rows

logger = logging.getLogger(__name__)


class ArchiveExtension:
    """Owns the one `Archive` of a crawl; the fetch log and the pipeline write through it."""

    def __init__(self, crawler: Crawler, path: str):
        self.crawler = crawler
        self.path = path
        self.commit_interval = crawler.settings.getfloat("ARCHIVE_COMMIT_SECONDS", 1.0)
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self._committer: task.LoopingCall | None = None
        # Run at spider_closed before the crawl is finished and the archive closed (the parse
        # stage drains its workers there, so the crawl ends with everything parsed).
        self.closing_hooks: list[Callable[[Archive], None]] = []
        # Run with the database path once the archive is closed (publishing preparation).
        self.closed_hooks: list[Callable[[str], None]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("ARCHIVE_DB", DEFAULT_ARCHIVE_PATH)
        if not path:
            raise NotConfigured("ARCHIVE_DB is empty")
        extension = cls(crawler, path)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @classmethod
    def of(cls, crawler: Crawler) -> "ArchiveExtension":
        """The crawl's extension instance (middlewares and pipelines find the archive through it)."""
        for extension in crawler.extensions.middlewares:
            if isinstance(extension, cls):
                return extension
        raise NotConfigured("ArchiveExtension is not enabled in EXTENSIONS")

    def open(self) -> Archive:
        """Open lazily: the fetch log may need the archive before spider_opened has fired."""
        if self.archive is None:
            self.archive = Archive(
                self.path,
                batch_writes=self.crawler.settings.getint("ARCHIVE_BATCH_WRITES", 50),
                batch_seconds=self.commit_interval,
                dictionary_samples=self.crawler.settings.getint("ARCHIVE_DICTIONARY_SAMPLES",
                                                                 DICTIONARY_SAMPLES),
                body_level=self.crawler.settings.getint("ARCHIVE_BODY_LEVEL", BODY_LEVEL),
            )
            mark_killed_crawls(self.archive)  # before this crawl's own row exists
            spider = self.crawler.spider
            args = dict(getattr(spider, "crawl_args", {}) or {})
            self.crawl_id = self.archive.start_crawl(spider.name if spider else "?", args)
            self.archive.record_crawl_process(self.crawl_id, os.getpid())
            logger.info("Archiving to %s (crawl %s)", self.path, self.crawl_id)
        return self.archive

    def spider_opened(self, spider) -> None:
        archive = self.open()
        archive.upsert_sources(getattr(spider, "sources", []))
        # A batch also closes on a timer, so an idle crawl killed with -9 has committed everything.
        self._committer = task.LoopingCall(archive.commit_if_due)
        self._committer.start(self.commit_interval, now=False)

    def spider_closed(self, spider, reason: str) -> None:
        if self._committer is not None and self._committer.running:
            self._committer.stop()
        if self.archive is None:
            return
        for hook in self.closing_hooks:
            hook(self.archive)
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        for source in getattr(spider, "sources", []):
            # What each portal served (fetches.kind): soft-404s, challenges, login walls at a glance.
            kinds = self.archive.fetch_kind_counts(source.name)
            logger.info("Fetches of %s: %s", source.name, ", ".join(f"{n} {kind}" for kind, n in kinds.items()) or "none")
        status = crawl_status(reason, stats.get(PROBLEMS_STAT) or [])
        if reason == "finished":
            self._close_coverage(spider)
        self.archive.finish_crawl(self.crawl_id, status, stats)
        if status != reason:
            self.archive.set_crawl_status(self.crawl_id, status,
                                          [p["message"] for p in stats[PROBLEMS_STAT]])
        self.archive.close()
        logger.info("Archive %s closed (%s)", self.path, status)
        # Publishing preparation (the parse stage's): views and the search index, so
        # `datasette <ARCHIVE_DB>` is ready after any crawl.
        for hook in self.closed_hooks:
            hook(self.path)

    def _sees_every_link(self, spider) -> bool:
        """Whether a report URL this crawl did not request is really gone from its column: not when
        it crawled one year, resumed a JOBDIR (the interrupted part requested the rest), or served
        fresh snapshots from the archive without a request."""
        settings = self.crawler.settings
        return not (getattr(spider, "year", None) or settings.get("JOBDIR")
                    or settings.getfloat("RECRAWL_FRESH_DAYS", 0) > 0)

    def _close_coverage(self, spider) -> None:
        """Per-source summary, this crawl's report events, then coverage rebuilt (never fatal)."""
        try:
            log_source_summary(source_rows(self.crawler))
            record_crawl_events(self.archive, self.crawl_id, check_unlisted=self._sees_every_link(spider))
            as_of = self.crawler.settings.get("GOV_REPORTS_COVERAGE_AS_OF")
            rows = refresh_coverage(self.archive, date.fromisoformat(as_of) if as_of else date.today())
            logger.info("Coverage: %s publisher-year row(s)", rows)
        except Exception:  # coverage is derived: the crawl's archive is safe whatever happens here
            logger.exception("Coverage refresh failed")
