"""The crawl's handle on the archive database: opened with the spider, committed on a timer, closed last."""

from __future__ import annotations

import logging
from typing import Callable, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archive.store import DEFAULT_ARCHIVE_PATH, DICTIONARY_SAMPLES, Archive

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
            )
            spider = self.crawler.spider
            args = dict(getattr(spider, "crawl_args", {}) or {})
            self.crawl_id = self.archive.start_crawl(spider.name if spider else "?", args)
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
        self.archive.finish_crawl(self.crawl_id, reason, stats)
        self.archive.close()
        logger.info("Archive %s closed (%s)", self.path, reason)
        for hook in self.closed_hooks:
            hook(self.path)
