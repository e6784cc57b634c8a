"""Tables as rows of cell texts: HTML `<table>` grids with spans expanded, and text-serialized tables.

HTML: `html_grid` expands rowspan/colspan into a full rectangle in which every spanned position
**repeats** the text of the cell that covers it, and remembers which positions share a cell.
`html_rows` then gives, per grid row, the distinct cells left to right (a colspan counts once, a
rowspan cell from above appears again in each row it covers, so a row carries its group labels).
All `<table>` elements of a page are read in document order as one row stream: a table split
over several elements therefore continues naturally, and repeated header rows are dropped later
because header rows never map to data (the table mapper recognizes them by their texts).

Text: `text_rows` reads the three serializations seen in real copies (format-spec §8.4):
cell-per-line ("text |" lines, a row ended by a line of pipes only, seed 000), row-per-line
with pipes ("a | b | |||" with empty cells dropped, seed 003; "| a | b |" Markdown with blanks
kept), and pipe-less lines whose trailing whitespace-separated numbers are the values (PDF text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from archive.parsing.values import is_value_like

_MAX_SPAN = 200  # Word HTML never spans more; bigger numbers are garbage and would blow up memory.
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_PURE_PIPES = re.compile(r"^\|+\s*$")
_SEPARATOR = re.compile(r"^(?=.*---)[\s|:\-]+$")  # Markdown |---|---|, not a row of blanks
_BLOCK_TAGS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class Row:
    """One table row as distinct cell texts.

    `exact` when cell positions are trustworthy, so that the last cells are the value columns
    (HTML grids, cell-per-line text); otherwise values are the cells after the leading labels.
    """

    cells: tuple[str, ...]
    exact: bool

    @property
    def text(self) -> str:
        return " | ".join(self.cells)


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _walk_text(element: etree._Element, parts: list[str]) -> None:
    tag = _tag(element)
    if tag in ("script", "style") or not tag:
        return
    if tag == "br":
        parts.append(" ")
        return
    if tag in _BLOCK_TAGS:
        parts.append(" ")
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk_text(child, parts)
        if child.tail:
            parts.append(child.tail)
    if tag in _BLOCK_TAGS:
        parts.append(" ")


def cell_text(element: etree._Element) -> str:
    """Visible text of a cell: `<br>` and paragraph breaks become one space, NBSP is blank."""
    parts: list[str] = []
    _walk_text(element, parts)
    return _SPACES.sub(" ", "".join(parts)).strip()


def _span(element: etree._Element, name: str) -> int:
    digits = re.sub(r"\D", "", str(element.get(name) or ""))[:4]
    return min(max(int(digits), 1), _MAX_SPAN) if digits else 1


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The `<tr>` of this table, not of tables nested in it."""
    return [tr for tr in table.iter("tr") if _nearest_table(tr) is table]


def _nearest_table(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors("table"):
        return ancestor
    return None


def html_grid(table: etree._Element) -> list[list[tuple[int, str]]]:
    """Rectangular grid of (cell id, text); spanned positions repeat the covering cell's id and text."""
    grid: dict[tuple[int, int], tuple[int, str]] = {}
    rows = _own_rows(table)
    width = 0
    cell_id = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            rowspan = min(_span(td, "rowspan"), len(rows) - r)
            colspan = _span(td, "colspan")
            entry = (cell_id, cell_text(td))
            cell_id += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), entry)
            c += colspan
            width = max(width, c)
    blank = (-1, "")
    return [[grid.get((r, c), blank) for c in range(width)] for r in range(len(rows))]


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


def leaf_tables(root: etree._Element) -> list[etree._Element]:
    """`<table>` elements holding no other table (layout tables around report tables are skipped)."""
    return [t for t in root.iter("table") if next(t.iterdescendants("table"), None) is None]


def html_rows(root: etree._Element) -> list[Row]:
    """All rows of all leaf tables of a page, in document order."""
    rows: list[Row] = []
    for table in leaf_tables(root):
        rows.extend(Row(distinct_cells(grid_row), exact=True) for grid_row in html_grid(table))
    return rows


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
