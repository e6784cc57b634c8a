"""The item pipeline: archived pages become snapshots, and the reports among them pending `reports` rows."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler

from archive.classify import is_named_report, year_in_title
from archive.store import Archive, Snapshot
from crawler.archiving import ArchiveExtension
from crawler.items import ArchivedBook, ArchivedPage

logger = logging.getLogger(__name__)

REPORT_ROLES = ("report", "attachment")


class SnapshotPipeline:
    """Stores each page's bytes once per distinct content, then records it if it is a report; the
    parse stage (crawler/parse_stage.py) parses what is recorded, off the reactor."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: ArchivedPage | ArchivedBook) -> ArchivedPage | ArchivedBook:
        extension = ArchiveExtension.of(self.crawler)
        archive = extension.open()
        # One item's writes commit together: a kill never leaves a snapshot without its report row
        # (which stays `pending` until the parse stage has parsed it).
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
            archive.record_report(
                snapshot=snapshot, source=item.source,
                kind="page" if item.role == "report" else "attachment", title=item.title,
                year=item.year, parent_url=item.parent_url, link_text=item.link_text,
            )
            stats.inc_value(f"archive/{item.role}s")
            logger.info("Archived %s %s (%s, snapshot %s%s)", item.role, item.url, item.title,
                        snapshot.id, ", new" if snapshot.is_new else ", unchanged")
        elif item.role == "document" and snapshot.is_new:
            # Listed under a name that is not a report title: the parse stage reads its own title.
            archive.record_pending_document(snapshot=snapshot, kind="attachment", source=item.source,
                                            year=item.year, link_text=item.link_text)
        return item

    def _record_book(self, archive: Archive, item: ArchivedBook) -> None:
        """A flipbook whose pages are archived: one report at the book's URL, its first page's
        snapshot as the report's, every page's snapshot a part; parsed (by the parse stage) when its
        parts changed. Reached under no report title, the parse stage decides from its own text."""
        pages = [archive.latest_snapshot_row(url) for url in item.page_urls]
        if not pages or any(page is None for page in pages):
            logger.warning("Flipbook %s: pages missing from the archive, not recorded", item.url)
            return
        snapshot_ids = [page["id"] for page in pages]
        # The report is the book, not its first page: its URL is the book's folder.
        book = Snapshot(pages[0]["id"], item.url, pages[0]["sha256"], is_new=False)
        if not is_named_report(item.title):
            archive.record_pending_document(snapshot=book, kind="flipbook", source=item.source,
                                            title=item.title, year=item.year, parent_url=item.parent_url,
                                            link_text=item.link_text, parts=snapshot_ids)
            return
        report_id = archive.record_report(snapshot=book, source=item.source, kind="flipbook",
                                          title=item.title, year=item.year or year_in_title(item.title),
                                          parent_url=item.parent_url, link_text=item.link_text)
        self.crawler.stats.inc_value("archive/flipbooks")
        if archive.record_report_parts(report_id, snapshot_ids):
            archive.set_parse_status(report_id, "pending")
        logger.info("Archived flipbook %s (%s, %s pages, report %s)", item.url, item.title, len(pages),
                    report_id)
