"""What a parsed report is: cells of the three standard tables, identity checks, metadata (format-spec §6)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

# Cell status values (format-spec §6.4); `derived` marks values computed, never printed.
CELL_STATUSES = ("ok", "blank", "not_applicable", "unparsed", "derived")
# Check results (format-spec §7.4); soft checks use `warning` / `pass`.
CHECK_RESULTS = ("pass", "fail", "fail_total_blank", "fail_parts_blank", "unknown", "empty", "warning")


# Cells and checks are made by the hundred per report: slotted and not frozen, since a frozen
# dataclass sets each field through object.__setattr__ (2.3 µs a cell against 0.5 µs). Nothing
# changes one after it is made; they are compared by value and never hashed.
@dataclass(slots=True)
class Cell:
    """One value cell under the canonical keys; raw_text is the cell exactly as printed."""

    table_key: str  # active | requests | review_litigation | pre2019_stats
    row_key: str
    col_key: str
    raw_text: str
    value: int | Decimal | None
    unit: str | None
    status: str


@dataclass(slots=True)
class Check:
    """One identity or soft check evaluated on one report, e.g. identity `I1:natural_person`."""

    identity: str
    result: str
    difference: int | Decimal | None = None
    severity: str = "hard"  # hard (I1-I3, review/litigation totals) | soft (S1-S5)
    detail: str | None = None


@dataclass
class ParsedReport:
    """Everything parsing one document yields; a pure function of its bytes."""

    title: str | None = None
    agency: str | None = None
    region: str | None = None
    year: int | None = None  # the data year
    published: str | None = None  # ISO date
    index_no: str | None = None  # 索引号
    metadata: dict[str, str] = field(default_factory=dict)  # page metadata header, canonical field names
    format: str = "unknown"  # 2019 | 2021 | pre2019 | unknown, or a "+"-joined set when tables differ
    table_formats: dict[str, str] = field(default_factory=dict)  # table_key -> format
    sections: dict[str, str] = field(default_factory=dict)  # "一".."六" -> section text
    text: str = ""  # whole normalized plain text
    notes: list[str] = field(default_factory=list)  # table notes such as (注:…)
    parse_status: str = "ok"
    cells: list[Cell] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def to_json_dict(self) -> dict:
        """The `gov-reports parse --json` shape."""
        return {
            "title": self.title,
            "agency": self.agency,
            "region": self.region,
            "year": self.year,
            "published": self.published,
            "index_no": self.index_no,
            "format": self.format,
            "parse_status": self.parse_status,
            "metadata": self.metadata,
            "cells": [_jsonable(asdict(c)) for c in self.cells],
            "checks": [
                {"identity": c.identity, "result": c.result, "difference": _number(c.difference)}
                for c in self.checks
            ],
        }


def _number(value: int | Decimal | None) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _jsonable(cell: dict) -> dict:
    return {
        key: cell[key] if key != "value" else _number(cell[key])
        for key in ("table_key", "row_key", "col_key", "raw_text", "value", "unit", "status")
    }
