"""Text forms of an HTML report, serialized the way published text copies of portal pages are."""

from __future__ import annotations

import lxml.html

from archive.readers.html import cell_text

Tables = list[list[list[str]]]


def td_rows(html: str) -> Tables:
    """Per table, the printed `<td>`s of every row, spans not expanded (what a text serializer sees)."""
    root = lxml.html.fromstring(html)
    return [
        [[cell_text(td) for td in tr if td.tag in ("td", "th")] for tr in table.iter("tr")]
        for table in root.iter("table")
    ]


def cell_per_line(tables: Tables, headings: tuple[str, ...]) -> str:
    """Seed-000 style: "text |" per cell, then pad + end of row as one line of pipes."""
    lines: list[str] = []
    for heading, rows in zip(headings, tables, strict=True):
        lines.append(heading)
        width = max(len(row) for row in rows)
        for row in rows:
            lines += [f"{text} |" for text in row]
            lines.append("|" * (width - len(row) + 1))
    return "\n".join(lines)


def row_per_line(tables: Tables, headings: tuple[str, ...]) -> str:
    """长春 2023 style: "| a | b |  |", blanks kept in place."""
    lines: list[str] = []
    for heading, rows in zip(headings, tables, strict=True):
        lines.append(heading)
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
