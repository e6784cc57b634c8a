"""The item pipeline: archived pages become snapshots, and the reports among them become `reports` rows."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler

from archive.classify import is_named_report
from archive.parsed_reports import parse_stored_report, store_parsed
from archive.parsing import parse_report
from archive.store import utc_now
from crawler.archiving import ArchiveExtension
from crawler.items import ArchivedPage

logger = logging.getLogger(__name__)

REPORT_ROLES = ("report", "attachment")


class SnapshotPipeline:
    """Stores each page's bytes once per distinct content, then records it if it is a report."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: ArchivedPage) -> ArchivedPage:
        extension = ArchiveExtension.of(self.crawler)
        archive = extension.open()
        snapshot = archive.store_snapshot(
            url=item.url, body=item.body, status=item.status, content_type=item.content_type,
            headers=item.headers, source=item.source, crawl_id=extension.crawl_id,
            fetch_id=item.fetch_id, fetched_at=item.fetched_at,
        )
        stats = self.crawler.stats
        stats.inc_value("archive/snapshots_new" if snapshot.is_new else "archive/snapshots_unchanged")
        if item.role in REPORT_ROLES:
            report_id = archive.record_report(
                snapshot=snapshot, source=item.source,
                kind="page" if item.role == "report" else "attachment", title=item.title,
                year=item.year, parent_url=item.parent_url, link_text=item.link_text,
            )
            if snapshot.is_new:
                self._parse(archive, report_id, item.url)
        elif item.role == "document" and snapshot.is_new:
            self._classify_document(archive, snapshot, item)
            stats.inc_value(f"archive/{item.role}s")
            logger.info("Archived %s %s (%s, snapshot %s%s)", item.role, item.url, item.title,
                        snapshot.id, ", new" if snapshot.is_new else ", unchanged")
        return item

    def _parse(self, archive, report_id: int, url: str) -> None:
        """Parse the new snapshot from the archived bytes; a parser failure never stops the crawl."""
        try:
            parse_stored_report(archive.db, report_id, utc_now())
        except Exception:  # the snapshot is already safe; record why its parse is missing
            logger.exception("Parsing report %s (%s) failed", report_id, url)
            archive.db["reports"].update(report_id, {"parse_status": "error:store"})

    def _classify_document(self, archive, snapshot, item: ArchivedPage) -> None:
        """A document listed under a name that is not a report title: a report if its own title is."""
        parsed = parse_report(item.body, url=item.url, content_type=item.content_type)
        if not is_named_report(parsed.title) or (item.year and parsed.year and parsed.year != item.year):
            logger.info("Document %s (%s) is not a report: title %r", item.url, item.link_text, parsed.title)
            return
        report_id = archive.record_report(snapshot=snapshot, source=item.source, kind="attachment",
                                          title=parsed.title, year=parsed.year, link_text=item.link_text)
        store_parsed(archive.db, report_id, parsed, utc_now())
        self.crawler.stats.inc_value("archive/attachments")
        logger.info("Archived attachment %s (%s, snapshot %s, new)", item.url, parsed.title, snapshot.id)
