"""Read text-serialized reports (format-spec §8.4) into paragraphs and tables of cell rows.

Two serializations are seen: one row per line ("a | b | |", seed 003) and one cell per line
("cell |", a line of pipes closing the row, seed 000). Empty cells inside a row are kept, trailing
ones are dropped: the table renderer pads rows to the template's width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PIPES_ONLY = re.compile(r"^\|+$")
# A section heading written as the first row of a table ("二、收到和处理政府信息公开申请情况 | |||").
_SECTION_HEADING = re.compile(r"^[一二三四五六]\s*、.*情况$")

Row = tuple[str, ...]


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass
class TextTable:
    rows: list[Row] = field(default_factory=list)


Block = Paragraph | TextTable


def _trimmed(cells: list[str]) -> Row:
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _is_section_heading(row: Row) -> bool:
    return len(row) == 1 and bool(_SECTION_HEADING.match(row[0]))


def _rows_per_line(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    table: TextTable | None = None
    for line in lines:
        if "|" not in line:
            table = None
            blocks.append(Paragraph(line))
            continue
        row = _trimmed([cell.strip() for cell in line.split("|")])
        # Tables follow each other without a narrative line between them; a heading row starts one.
        if table is None or (_is_section_heading(row) and table.rows):
            table = TextTable()
            blocks.append(table)
        table.rows.append(row)
    return blocks


def _cells_per_line(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    table: TextTable | None = None
    cells: list[str] = []

    def close_row() -> None:
        nonlocal table
        if not cells:
            return
        if table is None:
            table = TextTable()
            blocks.append(table)
        table.rows.append(_trimmed(cells.copy()))
        cells.clear()

    for line in lines:
        if _PIPES_ONLY.match(line):
            close_row()
        elif line.endswith("|"):
            cells.append(line[:-1].strip())
        else:
            close_row()  # the last row of a table may run straight into the next heading
            table = None
            blocks.append(Paragraph(line))
    close_row()
    return blocks


def parse_serialized(text: str) -> list[Block]:
    """Paragraphs and tables, in document order."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if any(_PIPES_ONLY.match(line) for line in lines):
        return _cells_per_line(lines)
    return _rows_per_line(lines)
