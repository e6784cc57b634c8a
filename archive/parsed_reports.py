"""Parse results in the archive: the `reports` fields, `report_cells`, `report_checks` (format-spec §6.5).

Parse results are derived data: re-parsing replaces them wholesale for a report while the snapshot
they came from is never touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

import sqlite_utils

from archive.readers.flipbook import joined_text
from archive.parsing import parse_report
from archive.parsing.model import ParsedReport

TEXT = "text/plain; charset=utf-8"
REPORT_FIELDS = ("title", "agency", "region", "year", "published", "index_no", "format", "text",
                 "parse_status")


def _sql_number(value: int | Decimal | None) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _fingerprint(db: sqlite_utils.Database, report_id: int) -> tuple:
    """What a user would call the report's parsed values: cells and check results."""
    cells = db.execute(
        "select table_key, row_key, col_key, value, status from report_cells where report_id = ? "
        "order by 1, 2, 3", [report_id]).fetchall()
    checks = db.execute(
        "select identity, result, difference from report_checks where report_id = ? order by 1",
        [report_id]).fetchall()
    return tuple(cells), tuple(checks)


def store_parsed(db: sqlite_utils.Database, report_id: int, parsed: ParsedReport,
                 parsed_at: str) -> bool:
    """Replace the report's parse results; True when its cells or check results changed."""
    before = _fingerprint(db, report_id)
    fields = {name: getattr(parsed, name) for name in REPORT_FIELDS}
    # The crawler's title (from the page or link) stays when the parser finds none.
    fields = {k: v for k, v in fields.items() if v is not None or k not in ("title", "year")}
    fields.update(metadata=json.dumps(parsed.metadata, ensure_ascii=False),
                  notes=json.dumps(parsed.notes, ensure_ascii=False), parsed_at=parsed_at)
    with db.atomic():
        db["reports"].update(report_id, fields)
        for table in ("report_cells", "report_checks", "report_sections"):
            db.execute(f"delete from {table} where report_id = ?", [report_id])
        db["report_cells"].insert_all(
            ({"report_id": report_id, "table_key": c.table_key, "row_key": c.row_key,
              "col_key": c.col_key, "raw_text": c.raw_text, "value": _sql_number(c.value),
              "unit": c.unit, "status": c.status,
              "table_format": parsed.table_formats.get(c.table_key)} for c in parsed.cells),
            replace=True,
        )
        db["report_checks"].insert_all(
            ({"report_id": report_id, "identity": c.identity, "result": c.result,
              "difference": _sql_number(c.difference), "severity": c.severity, "detail": c.detail}
             for c in parsed.checks),
            replace=True,
        )
        db["report_sections"].insert_all(
            ({"report_id": report_id, "section": name, "text": text}
             for name, text in parsed.sections.items()),
            replace=True,
        )
    return before != _fingerprint(db, report_id)


def parse_stored_report(db: sqlite_utils.Database, report_id: int, parsed_at: str) -> bool:
    """Parse a report's snapshot from the archive's bytes (never refetched) and store the result;
    a report in parts (a flipbook) is its parts' texts joined in order."""
    row = db.execute(
        "select s.body, s.content_type, s.url, r.title from reports r join snapshots s "
        "on s.id = r.snapshot_id where r.id = ?", [report_id]).fetchone()
    if row is None:
        raise KeyError(report_id)
    body, content_type, url, title = row
    parts = [row[0] for row in db.execute(
        "select snapshot_id from report_parts where report_id = ? order by part_no", [report_id])]
    if parts:
        parsed = parse_snapshots(db, parts, title)
    else:
        parsed = parse_report(body, url=url, content_type=content_type, title_hint=title)
    return store_parsed(db, report_id, parsed, parsed_at)


def parse_snapshots(db: sqlite_utils.Database, snapshot_ids: list[int], title_hint: str | None) -> ParsedReport:
    """One report printed over several archived pages (a flipbook's): their texts joined in order."""
    pages = []
    for snapshot_id in snapshot_ids:
        row = db.execute("select body, content_type, url from snapshots where id = ?", [snapshot_id]).fetchone()
        if row is None:
            raise KeyError(snapshot_id)
        pages.append(tuple(row))
    return parse_report(joined_text(pages).encode("utf-8"), content_type=TEXT, title_hint=title_hint)


@dataclass
class ReparseSummary:
    reports: int = 0
    changed: list[int] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def reparse_all(db: sqlite_utils.Database, parsed_at: str,
                progress: Callable[[Iterable[int]], Iterable[int]] = lambda ids: ids) -> ReparseSummary:
    """Re-parse every archived report from its stored bytes; snapshots are only read."""
    summary = ReparseSummary()
    ids = [row[0] for row in db.execute("select id from reports order by id").fetchall()]
    for report_id in progress(ids):
        summary.reports += 1
        if parse_stored_report(db, report_id, parsed_at):
            summary.changed.append(report_id)
    for status, count in db.execute(
            "select parse_status, count(*) from reports group by 1 order by 1").fetchall():
        summary.statuses[status] = count
    return summary
