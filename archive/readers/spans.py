"""Cells with row/column spans → `Row`s: the one grid semantics every table reader shares.

A spanned cell counts once in a row (colspan) and appears again in every row it covers
(rowspan), so a row carries its group labels; positions no cell covers are blank cells, except
at a row's end where they are not cells at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from archive.content import Row
from archive.normalize import CJK_WIDE

BLANKS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# A line break between two CJK characters is wrapping, not a word break.
# The first newline of the run is found by a class without it: \s*\n\s* backtracks quadratically.
_WRAP_CJK = re.compile(rf"(?<=[{CJK_WIDE}])[^\S\n]*\n\s*(?=[{CJK_WIDE}])")


@dataclass(frozen=True)
class SpannedCell:
    """A cell at (row, col) of a table grid covering rowspan × colspan positions."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def cell_text(text: str | None) -> str:
    """Visible text of a cell: wrapped CJK lines joined, other breaks and runs of blanks one space."""
    return BLANKS.sub(" ", _WRAP_CJK.sub("", text or "")).strip()


def table_line(cells: tuple[str, ...]) -> str:
    """One table row as a text line, each cell ended by " | " like the HTML walk."""
    return "".join(f"{cell} | " for cell in cells).rstrip()


def distinct_cells(grid_row: list[tuple[int, str]]) -> tuple[str, ...]:
    """Distinct cells left to right; positions no cell covers at the row's end are not cells."""
    grid_row = list(grid_row)
    while grid_row and grid_row[-1][0] == -1:
        grid_row.pop()
    cells: list[str] = []
    previous: int | None = None
    for cell_id, text in grid_row:
        if cell_id != previous or cell_id == -1:
            cells.append(text)
        previous = cell_id
    return tuple(cells)


def spanned_rows(cells: Iterable[SpannedCell], max_span: int) -> list[Row]:
    """Rows of distinct cells of one table, left to right; a span is cut at max_span."""
    grid: dict[int, dict[int, int]] = {}
    texts: list[str] = []
    for cell in cells:
        texts.append(cell.text)
        for r in range(cell.row, cell.row + min(max(cell.rowspan, 1), max_span)):
            row = grid.setdefault(r, {})
            for c in range(cell.col, cell.col + min(max(cell.colspan, 1), max_span)):
                row.setdefault(c, len(texts) - 1)
    rows: list[Row] = []
    for r in range(max(grid, default=-1) + 1):
        row = grid.get(r, {})
        ids = [row.get(c, -1) for c in range(max(row, default=-1) + 1)]
        rows.append(Row(distinct_cells([(i, texts[i] if i >= 0 else "") for i in ids]), exact=True))
    return rows
