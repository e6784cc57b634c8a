"""The crawl's parse stage: pending reports go to a pool of parser processes, off the reactor.

The pipeline only archives (snapshots, fetches, pending reports and documents). Every
`ARCHIVE_COMMIT_SECONDS` this extension commits the archive and hands what is pending to the workers
(archive/parse_pool.py); every `GOV_REPORTS_PARSE_POLL_SECONDS` it writes back the results that
are ready, which also tops up each worker's tasks (a worker holds `GOV_REPORTS_PARSE_AHEAD` at a
time: enough to go on parsing while the busy reactor has not come round to collecting, and so that
a drain at the end has little left). At spider_closed it drains the pool, grown to
`GOV_REPORTS_DRAIN_JOBS` workers (fetching is over: the crawl process no longer needs its core),
so `scrapy crawl gov_reports` still ends with every report parsed, and then prepares the database
for publishing (views, search index: archive/publish). Each result is written as one unit,
committed with the batch it falls in. A first crawl into an archive builds the checks' index once,
after the drain (`GOV_REPORTS_DEFER_ROW_INDEXES`).
"""

from __future__ import annotations

import logging
import time
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archive.parse_pool import ParseOutcome, ParsePool, ParseTask
from archive.parsed_reports import pending_tasks, store_result
from archive.publish.prepare import prepare_database
from archive.publish.search import SearchIndexWriter
from archive.store import Archive
from crawler import settings as defaults
from crawler.archiving import ArchiveExtension
from crawler.limits import read_limits

logger = logging.getLogger(__name__)


class ParseStage:
    """Feeds the crawl's pending reports to parser processes and writes their results."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.jobs = settings.getint("GOV_REPORTS_PARSE_JOBS")
        self.drain_jobs = settings.getint("GOV_REPORTS_DRAIN_JOBS", defaults.GOV_REPORTS_DRAIN_JOBS)
        self.task_seconds = settings.getfloat("GOV_REPORTS_PARSE_SECONDS") or None
        self.delay = settings.getfloat("GOV_REPORTS_PARSE_DELAY")
        self.interval = settings.getfloat("ARCHIVE_COMMIT_SECONDS", defaults.ARCHIVE_COMMIT_SECONDS)
        # Fallbacks for settings without the project's module: its defaults, not second copies.
        self.poll = settings.getfloat("GOV_REPORTS_PARSE_POLL_SECONDS", defaults.GOV_REPORTS_PARSE_POLL_SECONDS)
        self.ahead = settings.getint("GOV_REPORTS_PARSE_AHEAD", defaults.GOV_REPORTS_PARSE_AHEAD)
        self.prepare = settings.getbool("GOV_REPORTS_PREPARE_PUBLISH")
        self.defer_indexes = settings.getbool("GOV_REPORTS_DEFER_ROW_INDEXES", defaults.GOV_REPORTS_DEFER_ROW_INDEXES)
        self.deferred = False
        self.pool: ParsePool | None = None
        self.index: SearchIndexWriter | None = None
        self._loops: list[task.LoopingCall] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("ARCHIVE_DB"):
            raise NotConfigured("ARCHIVE_DB is empty")
        stage = cls(crawler)
        crawler.signals.connect(stage.spider_opened, signal=signals.spider_opened)
        return stage

    def spider_opened(self, spider) -> None:
        archive_extension = ArchiveExtension.of(self.crawler)
        archive = archive_extension.open()
        archive.commit()
        self.deferred = self.defer_indexes and archive.defer_row_indexes()
        self.pool = ParsePool(archive.path, self.jobs, read_limits(self.crawler.settings),
                              task_seconds=self.task_seconds, delay=self.delay, ahead=self.ahead,
                              search=self.prepare)
        archive_extension.closing_hooks.append(self.drain)
        if self.prepare:  # published at the end: the search index is kept as results come in
            settings = self.crawler.settings
            self.index = SearchIndexWriter(
                archive.db, settings.getint("GOV_REPORTS_SEARCH_BATCH", defaults.GOV_REPORTS_SEARCH_BATCH),
                settings.getint("GOV_REPORTS_SEARCH_BATCH_CHARS", defaults.GOV_REPORTS_SEARCH_BATCH_CHARS))
            archive_extension.closed_hooks.append(self.publish)
        self._loops = [task.LoopingCall(self.pump, archive)]
        if self.jobs:  # inline parsing (0 jobs) waits for the drain, so the reactor never parses
            self._loops.append(task.LoopingCall(self.collect, archive))
        for loop, interval in zip(self._loops, (self.interval, self.poll)):
            loop.start(interval, now=False)
        logger.info("Parse stage: %s worker process(es)", self.jobs)

    def pump(self, archive: Archive) -> None:
        """Commit (the workers read committed rows only) and queue what is pending."""
        archive.commit()
        for pending in pending_tasks(archive):
            self.pool.submit(pending)

    def collect(self, archive: Archive) -> None:
        """Write back what is parsed and keep the workers busy; never blocks on a parse."""
        self._store(archive, self.pool.results(timeout=0))

    def drain(self, archive: Archive) -> None:
        """Parse everything still pending (the crawl is over), then stop the workers."""
        for loop in self._loops:
            if loop.running:
                loop.stop()
        archive.commit()
        for pending in pending_tasks(archive):
            self.pool.submit(pending)
        # The crawl has stopped fetching: the core it used can parse too.
        workers = self.pool.grow(self.drain_jobs)
        logger.info("Parse stage: draining %s report(s) with %s worker process(es)", self.pool.outstanding, workers)
        try:
            self._store(archive, self.pool.drain())
            if self.index is not None:
                self.index.flush()
        finally:
            self.pool.close()
            if self.deferred:
                self._restore_indexes(archive)

    def _restore_indexes(self, archive: Archive) -> None:
        started = time.monotonic()
        try:
            archive.restore_row_indexes()
        except Exception as error:  # the archive's next open builds it
            logger.error("Building the cells' and checks' indexes failed (%s): the archive's next open builds them",
                         error)
            return
        logger.info("Checks' indexes built in %.1f s", time.monotonic() - started)

    def publish(self, path: str) -> None:
        reindexed = prepare_database(path)
        logger.info("Search index: %s report(s) (re)indexed", reindexed)

    def _store(self, archive: Archive, results) -> None:
        stats = self.crawler.stats
        for pending, outcome in results:
            with archive.unit():  # each result whole or not at all; commits when due
                self._store_one(archive, pending, outcome, stats)

    def _store_one(self, archive: Archive, pending: ParseTask, outcome: ParseOutcome, stats) -> None:
        parsed = outcome.parsed
        try:
            report_id, _ = store_result(archive, pending, outcome, index=self.index)
        except Exception:  # the snapshot is already safe; record why its parse is missing
            logger.exception("Storing the parse of %s %s failed", pending.kind, pending.id)
            if pending.kind == "report":
                archive.set_parse_status(pending.id, "error:store")
            else:
                archive.decide_document(pending.id, "error:store")
            return
        stats.inc_value("parse/" + parsed.parse_status.split(":")[0])
        if pending.kind == "document" and report_id is not None:
            kind = archive.pending_document(pending.id).kind
            stats.inc_value("archive/attachments" if kind == "attachment" else "archive/flipbooks")
