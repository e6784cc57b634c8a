"""The item pipeline: archived pages become snapshots, and the reports among them become `reports` rows."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler

from archive.classify import is_named_report, year_in_title
from archive.parsed_reports import parse_joined, parse_snapshot, parse_stored_report
from archive.store import Archive, Snapshot
from crawler.archiving import ArchiveExtension
from crawler.items import ArchivedBook, ArchivedPage
from crawler.limits import read_limits

logger = logging.getLogger(__name__)

REPORT_ROLES = ("report", "attachment")


class SnapshotPipeline:
    """Stores each page's bytes once per distinct content, then records it if it is a report."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.limits = read_limits(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: ArchivedPage | ArchivedBook) -> ArchivedPage | ArchivedBook:
        extension = ArchiveExtension.of(self.crawler)
        archive = extension.open()
        # One item's writes commit together: a kill never leaves a snapshot without its report row
        # or a report row without its parse.
        with archive.unit():
            return self._store(archive, extension, item)

    def _store(self, archive: Archive, extension: ArchiveExtension,
               item: ArchivedPage | ArchivedBook) -> ArchivedPage | ArchivedBook:
        if isinstance(item, ArchivedBook):
            self._record_book(archive, item)
            return item
        snapshot = archive.store_version(
            url=item.url, body=item.body, status=item.status, content_type=item.content_type,
            headers=item.headers, source=item.source, crawl_id=extension.crawl_id,
            fetch_id=item.fetch_id, fetched_at=item.fetched_at, request=item.request,
            encoding=item.encoding,
        )
        stats = self.crawler.stats
        stats.inc_value("archive/snapshots_new" if snapshot.is_new else "archive/snapshots_unchanged")
        if item.role in REPORT_ROLES:
            stats.inc_value(f"gov_reports/source_reports/{item.source}")  # crawler/monitors.py
            report_id = archive.record_report(
                snapshot=snapshot, source=item.source,
                kind="page" if item.role == "report" else "attachment", title=item.title,
                year=item.year, parent_url=item.parent_url, link_text=item.link_text,
            )
            if snapshot.is_new or archive.parse_status(report_id) == "pending":
                self._parse(archive, report_id, item.url)
            stats.inc_value(f"archive/{item.role}s")
            logger.info("Archived %s %s (%s, snapshot %s%s)", item.role, item.url, item.title,
                        snapshot.id, ", new" if snapshot.is_new else ", unchanged")
        elif item.role == "document" and snapshot.is_new:
            self._classify_document(archive, snapshot, item)
        return item

    def _parse(self, archive: Archive, report_id: int, url: str) -> None:
        """Parse the new snapshot from the archived bytes; a parser failure never stops the crawl."""
        try:
            parse_stored_report(archive, report_id, limits=self.limits)
        except Exception:  # the snapshot is already safe; record why its parse is missing
            logger.exception("Parsing report %s (%s) failed", report_id, url)
            archive.set_parse_status(report_id, "error:store")

    def _record_book(self, archive: Archive, item: ArchivedBook) -> None:
        """A flipbook whose pages are archived: one report at the book's URL, its first page's
        snapshot as the report's, every page's snapshot a part; parsed when its parts changed."""
        pages = [archive.latest_snapshot_row(url) for url in item.page_urls]
        if not pages or any(page is None for page in pages):
            logger.warning("Flipbook %s: pages missing from the archive, not recorded", item.url)
            return
        snapshot_ids = [page["id"] for page in pages]
        title = item.title
        if not is_named_report(title):
            # Reached under no report title: the book's own text must name one (as for documents).
            title = parse_joined(map(archive.snapshot, snapshot_ids), title, self.limits).title
            if not is_named_report(title):
                logger.info("Flipbook %s is not a report: title %r", item.url, title)
                return
        # The report is the book, not its first page: its URL is the book's folder.
        book = Snapshot(pages[0]["id"], item.url, pages[0]["sha256"], is_new=False)
        report_id = archive.record_report(snapshot=book, source=item.source, kind="flipbook", title=title,
                                          year=item.year or year_in_title(title),
                                          parent_url=item.parent_url, link_text=item.link_text)
        self.crawler.stats.inc_value("archive/flipbooks")
        if archive.record_report_parts(report_id, snapshot_ids):
            self._parse(archive, report_id, item.url)
        logger.info("Archived flipbook %s (%s, %s pages, report %s)", item.url, title, len(pages), report_id)

    def _classify_document(self, archive: Archive, snapshot: Snapshot, item: ArchivedPage) -> None:
        """A document listed under a name that is not a report title: a report if its own title is."""
        parsed = parse_snapshot(archive.snapshot(snapshot.id), limits=self.limits)
        if not is_named_report(parsed.title) or (item.year and parsed.year and parsed.year != item.year):
            logger.info("Document %s (%s) is not a report: title %r", item.url, item.link_text, parsed.title)
            return
        report_id = archive.record_report(snapshot=snapshot, source=item.source, kind="attachment",
                                          title=parsed.title, year=parsed.year, link_text=item.link_text)
        archive.store_parsed(report_id, parsed)
        self.crawler.stats.inc_value("archive/attachments")
        logger.info("Archived attachment %s (%s, snapshot %s, new)", item.url, parsed.title, snapshot.id)
