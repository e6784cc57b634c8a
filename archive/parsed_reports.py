"""The parse stage: archived bytes in, parse results out, both through the store (format-spec §6.5).

Parse results are derived data: re-parsing replaces them wholesale for a report while the snapshot
they came from is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from archive.parsing import parse_report
from archive.parsing.model import ParsedReport
from archive.readers import READ_LIMITS, ReadLimits
from archive.readers.flipbook import joined_text
from archive.store import Archive, ReportDocument, StoredSnapshot

TEXT = "text/plain; charset=utf-8"


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


@dataclass
class ReparseSummary:
    reports: int = 0
    changed: list[int] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def reparse_all(archive: Archive, parsed_at: str, report_ids: Iterable[int] | None = None) -> ReparseSummary:
    """Re-parse archived reports (all by default) from their stored bytes; snapshots are only read."""
    summary = ReparseSummary()
    for report_id in archive.report_ids() if report_ids is None else report_ids:
        summary.reports += 1
        if parse_stored_report(archive, report_id, parsed_at):
            summary.changed.append(report_id)
    summary.statuses = archive.parse_status_counts()
    return summary
