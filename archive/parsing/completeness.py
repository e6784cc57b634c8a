"""What a table reading lacks, and which of two readings of one table is better.

A table is complete when every value cell the form prints (forms model, in the table's format) was
read. The cells it lacks are *missing*: never blank, never checked (the identities over them are not
evaluated), and they make the report `partial:<table>` (report.py). Of two readings of one table (the
grid/row reader and the aligned reader), the better one places more printed cells and breaks fewer
identities.
"""

from __future__ import annotations

from collections.abc import Iterable

from archive.parsing import forms
from archive.parsing.checks import cell_grid, member_results
from archive.parsing.model import Cell

CellKey = tuple[str, str, str]
STANDARD_TABLES = ("active", "requests", "review_litigation")
# Reading score per cell status: a printed number or mark counts fully; a blank little (a reader that
# lost the row structure reads blanks everywhere), as a cell kept unparsed.
_WEIGHTS = {"ok": 1.0, "not_applicable": 1.0, "blank": 0.25, "unparsed": 0.25}
_FAIL_PENALTY = 5.0
# Only a real arithmetic fail marks a misreading: blank totals or parts are how real reports print.
_FAILING = ("fail",)


def expected_cells(table_key: str, fmt: str | None) -> list[CellKey]:
    """Every value cell the form prints for `table_key` in `fmt` (rows common to both when unknown)."""
    if table_key == "active":
        if fmt not in forms.FORMATS:
            return []
        return [("active", row, col) for row, cols in forms.active_row_columns(fmt).items() for col in cols]
    if table_key == "requests":
        rows = forms.request_rows(fmt) if fmt in forms.FORMATS else \
            [r for r in forms.request_rows("2019") if r in forms.request_rows("2021")]
        return [("requests", row, col) for row in rows for col in forms.request_columns()]
    if table_key == "review_litigation":
        return [("review_litigation", row, col) for row in forms.review_rows() for col in forms.review_columns()]
    return []


def missing_cells(cells: Iterable[Cell], table_formats: dict[str, str]) -> list[CellKey]:
    """Cells of the tables read (those with at least one cell) that the form prints and the reading lacks."""
    read = {(c.table_key, c.row_key, c.col_key) for c in cells if c.status != "derived"}
    tables = {key[0] for key in read}
    return [key for table in STANDARD_TABLES if table in tables
            for key in expected_cells(table, table_formats.get(table)) if key not in read]


def missing_problems(missing: list[CellKey]) -> list[str]:
    """One line per table: the rows whose cells are missing, in printed order."""
    lines = []
    for table in STANDARD_TABLES:
        rows = list(dict.fromkeys(row for t, row, _ in missing if t == table))
        if rows:
            lines.append(f"{table}: cells missing in rows {', '.join(rows)}")
    return lines


def partial_tables(missing: list[CellKey]) -> list[str]:
    return [table for table in STANDARD_TABLES if any(key[0] == table for key in missing)]


def with_partial_tables(status: str, missing: list[CellKey]) -> str:
    """`ok` / `partial:…` extended by the tables read with cells missing: `ok` means complete."""
    tables = partial_tables(missing)
    if not tables or not (status == "ok" or status.startswith("partial:")):
        return status
    parts = ([] if status == "ok" else status.removeprefix("partial:").split("+")) + tables
    return "partial:" + "+".join(sorted(parts, key=_status_order))


def _status_order(part: str) -> int:
    table = part.removesuffix("_missing")
    return STANDARD_TABLES.index(table) if table in STANDARD_TABLES else len(STANDARD_TABLES)


def score(cells: list[Cell], table_formats: dict[str, str], table_key: str) -> float:
    """Printed cells placed (weighted by status) less a penalty per failing identity over them."""
    own = [c for c in cells if c.table_key == table_key and c.status != "derived"]
    placed = sum(_WEIGHTS.get(c.status, 0.0) for c in own)
    if table_key not in ("requests", "review_litigation") or not own:
        return placed
    missing = missing_cells(own, table_formats)
    results = member_results(cell_grid(own), table_formats, table_key, missing)
    fails = sum(1 for name, result in results if ":" in name and result in _FAILING)
    return placed - _FAIL_PENALTY * fails
