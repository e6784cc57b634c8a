"""Text-serialized tables as rows (format-spec §8.4): the three serializations seen in real copies.

Cell-per-line ("text |" lines, a row ended by a line of pipes only, seed 000), row-per-line
with pipes ("a | b | |||" with empty cells dropped, seed 003; "| a | b |" Markdown with blanks
kept), and pipe-less lines whose trailing whitespace-separated numbers are the values (PDF text).
The last needs to know what a value looks like (`archive.parsing.values`), which is why this
reading belongs to the parser core rather than to `archive.readers`.
"""

from __future__ import annotations

import re

from archive.content import Row
from archive.parsing.values import is_value_like

_PURE_PIPES = re.compile(r"^\|+\s*$")
_SEPARATOR = re.compile(r"^(?=.*---)[\s|:\-]+$")  # Markdown |---|---|, not a row of blanks


def _split_pipes(line: str) -> Row | None:
    stripped = line.strip()
    if stripped.startswith("|"):
        if _SEPARATOR.match(stripped):
            return None
        inner = stripped[1:-1] if stripped.endswith("|") and len(stripped) > 1 else stripped[1:]
        # Markdown keeps blanks in place but converters pad rows with extra empty cells at the end.
        return Row(tuple(cell.strip() for cell in inner.split("|")), exact=False)
    # "a | b | |||": the serializer dropped empty cells, so positions are unknown.
    cells = tuple(cell.strip() for cell in stripped.split("|") if cell.strip())
    return Row(cells, exact=False)


def _split_spaces(line: str) -> Row:
    """Label words followed by value tokens: "规章 0 0 0" → ("规章", "0", "0", "0")."""
    tokens = line.split()
    cut = len(tokens)
    while cut > 0 and is_value_like(tokens[cut - 1]):
        cut -= 1
    label = " ".join(tokens[:cut])
    return Row(((label,) if label else ()) + tuple(tokens[cut:]), exact=False)


def _is_cell_line(line: str) -> bool:
    return line.rstrip().endswith("|") and line.count("|") == 1


def text_rows(text: str) -> list[Row]:
    """Rows of a text-serialized document; every non-empty line outside a table is a one-cell row."""
    lines = text.splitlines()
    cell_per_line = any(_PURE_PIPES.match(line) for line in lines)
    rows: list[Row] = []
    pending: list[str] | None = None
    for line in lines:
        if not line.strip():
            continue  # blank lines (one per <p> in HTML copies) never end a row: pipe lines do
        if cell_per_line and _PURE_PIPES.match(line):
            if pending is not None:
                rows.append(Row(tuple(pending), exact=True))
            pending = None
            continue
        if cell_per_line and _is_cell_line(line):
            pending = (pending or []) + [line.rstrip()[:-1].strip()]
            continue
        if pending is not None:
            rows.append(Row(tuple(pending), exact=True))
            pending = None
        row = _split_pipes(line) if "|" in line else _split_spaces(line)
        if row is not None and row.cells:
            rows.append(row)
    if pending is not None:
        rows.append(Row(tuple(pending), exact=True))
    return rows
