"""Everything the report view shows about one report, read from the archive in one pass per table."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from archive.publish.identities import FAILING, failing_cells
from archive.publish.layout import (
    FORMATS,
    TABLE_KEYS,
    CellKey,
    PrintedTable,
    metadata_fields,
    printed_table,
)

_2021_ONLY = {"issued", "repealed", "in_force", "fee_amount", "other.no_correction", "other.fee_unpaid",
              "other.other"}
# Header fields the report row already holds (one place decides title, agency, date, index number): the
# page's own metadata header is not shown a second time, even where it prints them differently.
_SHOWN_FROM_REPORT = {"name": "title", "publisher": "agency", "published": "published", "index_no": "index_no"}
# The official forms (2019 and 2021) number six sections; older reports number their own.
STANDARD_SECTIONS = ("一", "二", "三", "四", "五", "六")
_PASSED = {"pass"}
_FAILED = set(FAILING) | {"warning"}
_2019_ONLY = {"made", "published", "public_total", "prev_items", "delta_items", "projects", "amount",
              "art20_5.other_services", "art20_9.procurement"}


@dataclass
class ShownCell:
    """A value cell as the template shows it."""

    key: str
    text: str
    value: float | None
    status: str
    unit: str | None
    failing: list[tuple[str, str]] = field(default_factory=list)  # (identity, result)

    @property
    def css(self) -> str:
        """`failing` for a wrong sum, `gap` when the identity fails only on blank totals or parts."""
        results = {result for _, result in self.failing}
        mark = ["failing"] if "fail" in results else ["gap"] if results else []
        return " ".join(["cell", f"status-{self.status}", *mark])

    @property
    def tooltip(self) -> str:
        parts = [self.key, f"status {self.status}"]
        if self.value is not None:
            parts.append(f"value {self.value:g}" + (f" {self.unit}" if self.unit else ""))
        if self.failing:
            parts.append("fails " + ", ".join(f"{identity} ({result})" for identity, result in self.failing))
        return " · ".join(parts)


@dataclass
class ShownTable:
    printed: PrintedTable
    cells: dict[CellKey, ShownCell]


def _rows(conn: sqlite3.Connection, sql: str, params: list) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def table_format(table_key: str, cells: list[dict], report_format: str | None) -> str:
    """The printed format of one table: as parsed, else from the report, else from its keys."""
    formats = {c["table_format"] for c in cells if c["table_format"] in FORMATS}
    if len(formats) == 1:
        return formats.pop()
    if report_format in FORMATS:
        return report_format
    keys = {c["row_key"] for c in cells} | {c["col_key"] for c in cells}
    return "2021" if keys & _2021_ONLY or not keys & _2019_ONLY else "2019"


def _shown(cell: dict, failing: dict[CellKey, list[tuple[str, str]]]) -> ShownCell:
    key = (cell["table_key"], cell["row_key"], cell["col_key"])
    return ShownCell(".".join(key), cell["raw_text"] or "", cell["value"], cell["status"], cell["unit"],
                     failing.get(key, []))


@dataclass
class CheckSummary:
    """The report's checks as the view shows them: failures listed, the rest counted and folded away."""

    failed: list[dict]
    passed: list[dict]
    other: list[dict]  # unknown / empty: nothing to check against

    @classmethod
    def of(cls, checks: list[dict]) -> CheckSummary:
        return cls([c for c in checks if c["result"] in _FAILED], [c for c in checks if c["result"] in _PASSED],
                   [c for c in checks if c["result"] not in _FAILED | _PASSED])

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(result, number of checks), failures first."""
        counted: dict[str, int] = {}
        for check in self.failed + self.passed + self.other:
            counted[check["result"]] = counted.get(check["result"], 0) + 1
        return list(counted.items())


@dataclass
class ShownSection:
    numeral: str
    heading: str
    text: str | None  # None: a standard section the report text does not have


def shown_sections(rows: list[dict], report_format: str | None) -> list[ShownSection]:
    """Every section the parser found, in order, plus the standard sections it did not find."""
    found = [ShownSection(r["section"], (r["text"] or "").strip().split("\n", 1)[0][:60] or r["section"], r["text"])
             for r in rows]
    if not report_format or not {"2019", "2021"} & set(report_format.split("+")):
        return found
    have = {section.numeral for section in found}
    missing = [ShownSection(n, n + "、", None) for n in STANDARD_SECTIONS if n not in have]
    order = {n: i for i, n in enumerate(("intro",) + STANDARD_SECTIONS)}
    return sorted(found + missing, key=lambda section: order.get(section.numeral, len(order)))


def report_context(conn: sqlite3.Connection, report_id: int) -> dict | None:
    """Template context of the report view, or None when there is no such report."""
    found = _rows(conn, "select o.*, r.metadata, r.notes, r.parsed_at, r.text, r.first_seen_at, "
                        "r.parent_url, r.link_text from report_overview o join reports r on r.id = o.id "
                        "where o.id = ?", [report_id])
    if not found:
        return None
    report = found[0]
    cells = _rows(conn, "select * from report_cells where report_id = ?", [report_id])
    checks = _rows(conn, "select * from report_checks where report_id = ? order by severity, rowid",
                   [report_id])
    tables, placed = [], set()
    for table_key in TABLE_KEYS:
        own = [c for c in cells if c["table_key"] == table_key]
        if not own:
            continue
        fmt = table_format(table_key, own, report["format"])
        failing = failing_cells(checks, fmt)
        printed = printed_table(table_key, fmt)
        slots = set(printed.keys())
        shown = {(c["table_key"], c["row_key"], c["col_key"]): _shown(c, failing) for c in own}
        placed |= slots & set(shown)
        tables.append(ShownTable(printed, shown))
    extra = [_shown(c, {}) for c in cells if (c["table_key"], c["row_key"], c["col_key"]) not in placed]
    metadata = json.loads(report["metadata"] or "{}")
    labels = dict(metadata_fields())
    # Section texts are offsets into reports.text (stored once): report_section_texts slices them.
    sections = _rows(conn, "select section, text from report_section_texts where report_id = ? "
                           "order by position", [report_id])
    return {
        "report": report,
        "metadata": [(labels.get(name, name), value) for name, value in metadata.items()
                     if name not in _SHOWN_FROM_REPORT],
        # What the page's own header printed for the fields the report row decides (shown as a hint).
        "printed": {_SHOWN_FROM_REPORT[name]: value for name, value in metadata.items()
                    if name in _SHOWN_FROM_REPORT and value != report.get(_SHOWN_FROM_REPORT[name])},
        "notes": json.loads(report["notes"] or "[]"),
        "tables": tables,
        "extra_cells": extra,
        "checks": CheckSummary.of(checks),
        "sections": shown_sections(sections, report["format"]),
        "snapshots": _rows(conn, "select s.id, s.fetched_at, s.status, s.content_type, s.size, s.sha256, "
                                 "s.previous_id, r.id as report_id from snapshots s left join reports r "
                                 "on r.snapshot_id = s.id where s.url = ? order by s.id", [report["url"]]),
    }


def archived_urls(conn: sqlite3.Connection, urls: list[str]) -> dict[str, int]:
    """Latest snapshot id of each URL the archive holds, among `urls`."""
    if not urls:
        return {}
    marks = ",".join("?" * len(urls))
    rows = conn.execute(f"select url, max(id) from snapshots where url in ({marks}) group by url", urls)
    return dict(rows.fetchall())
