"""The parse stage: archived bytes in, parse results out, both through the store (format-spec §6.5).

Parse results are derived data: re-parsing replaces them wholesale for a report while the snapshot
they came from is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import logging

from archive.classify import is_named_report, year_in_title
from archive.parse_pool import ParseOutcome, ParsePool, ParseTask
from archive.parsing import parse_report
from archive.parsing.model import ParsedReport
from archive.publish.search import SearchIndexWriter
from archive.readers import READ_LIMITS, ReadLimits
from archive.readers.flipbook import joined_text
from archive.store import Archive, PendingDocument, ReportDocument, Snapshot, StoredSnapshot

TEXT = "text/plain; charset=utf-8"
logger = logging.getLogger(__name__)


def parse_stored_report(archive: Archive, report_id: int, parsed_at: str | None = None,
                        limits: ReadLimits = READ_LIMITS) -> bool:
    """Parse a report from the archive's bytes (never refetched) and store the result; True when
    its cells or check results changed."""
    parsed = parse_document(archive.report_document(report_id), limits)
    return archive.store_parsed(report_id, parsed, parsed_at)


def parse_document(document: ReportDocument, limits: ReadLimits = READ_LIMITS) -> ParsedReport:
    """A report in parts (a flipbook) is its parts' texts joined in order."""
    if document.in_parts:
        return parse_joined(document.snapshots, document.title, limits)
    return parse_snapshot(document.snapshots[0], document.title, limits)


def parse_snapshot(snapshot: StoredSnapshot, title_hint: str | None = None,
                   limits: ReadLimits = READ_LIMITS) -> ParsedReport:
    # Decoded with the encoding the store recorded at fetch time, not detected again.
    return parse_report(snapshot.body, url=snapshot.url, content_type=snapshot.content_type,
                        title_hint=title_hint, encoding=snapshot.encoding, limits=limits)


def parse_joined(snapshots: Iterable[StoredSnapshot], title_hint: str | None,
                 limits: ReadLimits = READ_LIMITS) -> ParsedReport:
    """One report printed over several archived pages (a flipbook's): their texts joined in order."""
    pages = [(snapshot.body, snapshot.content_type, snapshot.url) for snapshot in snapshots]
    return parse_report(joined_text(pages).encode("utf-8"), content_type=TEXT, title_hint=title_hint,
                        limits=limits)


def pending_tasks(archive: Archive) -> list[ParseTask]:
    """What an interrupted or running crawl left unparsed: report rows, then undecided documents."""
    return ([ParseTask("report", report_id) for report_id in archive.pending_reports()]
            + [ParseTask("document", document_id) for document_id in archive.pending_documents()])


def store_result(archive: Archive, task: ParseTask, outcome: ParseOutcome, parsed_at: str | None = None,
                 index: SearchIndexWriter | None = None) -> tuple[int | None, bool]:
    """Write one parse result through the store, and to the search `index` when given and the
    report is not indexed yet: (the report's id or None, whether its values changed)."""
    report_id, changed = _store_result(archive, task, outcome, parsed_at)
    if index is not None and report_id is not None and outcome.search is not None:
        index.add(report_id, outcome.search)
    return report_id, changed


def _store_result(archive: Archive, task: ParseTask, outcome: ParseOutcome,
                  parsed_at: str | None) -> tuple[int | None, bool]:
    """A pending document becomes a report only when its own title names one."""
    parsed, rows = outcome.parsed, outcome.rows
    if task.kind == "report":
        return task.id, archive.store_parsed(task.id, parsed, parsed_at, rows)
    pending = archive.pending_document(task.id)
    if parsed.parse_status.startswith("parse_error:"):
        archive.decide_document(task.id, parsed.parse_status)
        return None, False
    if not is_document_report(pending, parsed):
        logger.info("Document %s (%s) is not a report: title %r", pending.url, pending.link_text, parsed.title)
        archive.decide_document(task.id, "not_a_report")
        return None, False
    book = Snapshot(pending.snapshot_id, pending.url, "", is_new=False)
    # A flipbook keeps the year that led to it; an attachment is the year its own title says.
    year = (pending.year or year_in_title(parsed.title)) if pending.kind == "flipbook" else parsed.year
    report_id = archive.record_report(snapshot=book, source=pending.source, kind=pending.kind,
                                      title=parsed.title, year=year, parent_url=pending.parent_url,
                                      link_text=pending.link_text)
    if pending.document.in_parts:
        archive.record_report_parts(report_id, [s.id for s in pending.document.snapshots])
    archive.store_parsed(report_id, parsed, parsed_at, rows)
    archive.decide_document(task.id, "report", report_id)
    logger.info("Archived %s %s (%s, snapshot %s, new)", pending.kind, pending.url, parsed.title,
                pending.snapshot_id)
    return report_id, True


def is_document_report(pending: PendingDocument, parsed: ParsedReport) -> bool:
    """A document listed under no report title is a report when its own title names one (and,
    for a crawl limited to one data year, not another year)."""
    if not is_named_report(parsed.title):
        return False
    return pending.kind == "flipbook" or not (pending.year and parsed.year and parsed.year != pending.year)


@dataclass
class ReparseSummary:
    reports: int = 0
    changed: list[int] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def reparse_all(archive: Archive, parsed_at: str | None = None, report_ids: Iterable[int] | None = None,
                jobs: int = 0, limits: ReadLimits = READ_LIMITS,
                tasks: Iterable[ParseTask] | None = None, index_search: bool = False) -> ReparseSummary:
    """Re-parse archived reports (all by default, or `tasks`) from their stored bytes in `jobs`
    worker processes (0: in this one); snapshots are only read, results written here.
    `index_search`: reports not in the search index yet are added as they are stored (what is
    pending is mostly new; a re-parse of indexed reports would make tokens only to drop them)."""
    if tasks is None:
        ids = archive.report_ids() if report_ids is None else report_ids
        tasks = [ParseTask("report", report_id) for report_id in ids]
    archive.commit()  # workers read what is committed
    summary = ReparseSummary()
    pool = ParsePool(archive.path, jobs, limits, search=index_search)
    index = SearchIndexWriter(archive.db) if index_search else None
    try:
        for task in tasks:
            pool.submit(task)
        for task, outcome in pool.drain():
            summary.reports += 1
            report_id, changed = store_result(archive, task, outcome, parsed_at, index)
            if changed and report_id is not None:
                summary.changed.append(report_id)
        if index is not None:
            index.flush()
    finally:
        pool.close()
    summary.statuses = archive.parse_status_counts()
    return summary
