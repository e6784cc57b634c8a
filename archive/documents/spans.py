"""Cells with row/column spans → `Row`s, with the same semantics as `archive.parsing.grid.html_rows`.

A spanned cell counts once in a row (colspan) and appears again in every row it covers
(rowspan), so a row carries its group labels; positions no cell covers are blank cells, except
at a row's end where they are not cells at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from archive.parsing.grid import Row, distinct_cells

_MAX_SPAN = 200  # a bigger span is a corrupt file, and would blow up memory
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# A line break between two CJK characters is wrapping, not a word break.
_WRAP_CJK = re.compile(r"(?<=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f“”‘’])\s*\n\s*(?=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f“”‘’])")


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
    return _SPACES.sub(" ", _WRAP_CJK.sub("", text or "")).strip()


def spanned_rows(cells: Iterable[SpannedCell]) -> list[Row]:
    """Rows of distinct cells of one table, left to right."""
    grid: dict[int, dict[int, int]] = {}
    texts: list[str] = []
    for cell in cells:
        texts.append(cell.text)
        for r in range(cell.row, cell.row + min(max(cell.rowspan, 1), _MAX_SPAN)):
            row = grid.setdefault(r, {})
            for c in range(cell.col, cell.col + min(max(cell.colspan, 1), _MAX_SPAN)):
                row.setdefault(c, len(texts) - 1)
    rows: list[Row] = []
    for r in range(max(grid, default=-1) + 1):
        row = grid.get(r, {})
        ids = [row.get(c, -1) for c in range(max(row, default=-1) + 1)]
        rows.append(Row(distinct_cells([(i, texts[i] if i >= 0 else "") for i in ids]), exact=True))
    return rows
