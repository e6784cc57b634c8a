"""The official printed layout of the three standard tables, built from the forms model
(`archive/parsing/forms.yaml`); `layout.yaml` adds what only the report view shows (metadata fields).

A `PrintedTable` is a grid of `PrintedCell`s with the rowspans and colspans of the printed form; value
cells carry their canonical key `(table_key, row_key, col_key)` and are filled from `report_cells`
when a report is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from archive.yaml_files import read_yaml

from archive.parsing import forms

LAYOUT_FILE = Path(__file__).with_name("layout.yaml")
TABLE_KEYS = ("active", "requests", "review_litigation")
FORMATS = ("2019", "2021")
ACTIVE_WIDTH = 3  # value columns of the active table's printed grid

CellKey = tuple[str, str, str]


@dataclass(frozen=True)
class PrintedCell:
    """One cell of the printed grid: a caption, header, row label or value slot."""

    text: str = ""
    kind: str = "head"  # caption | head | label | value
    colspan: int = 1
    rowspan: int = 1
    key: CellKey | None = None


@dataclass(frozen=True)
class PrintedTable:
    table_key: str
    title: str
    format: str
    rows: tuple[tuple[PrintedCell, ...], ...]

    def keys(self) -> list[CellKey]:
        """Every value slot, in printed order."""
        return [cell.key for row in self.rows for cell in row if cell.key is not None]


def _pairs(table_key: str) -> list[list[str]]:
    return [[key, label] for key, label in forms.labels(table_key).items()]


def _active_spec() -> dict[str, Any]:
    return {
        "title": forms.table("active")["title"],
        "formats": {fmt: [{"caption": b.caption, "columns": [[c.key, c.label] for c in b.columns],
                           "rows": [list(row) for row in b.rows]} for b in forms.active_blocks(fmt)]
                    for fmt in FORMATS},
    }


def _requests_spec() -> dict[str, Any]:
    spec = forms.table("requests")
    derived = spec["derived"]
    return {
        **{key: spec[key] for key in ("title", "corner", "group", "legal_person")},
        "columns": _pairs("requests"),
        "derived_rows": [[key, d["label"]] for key, d in derived["rows"].items() if "formats" not in d],
        "derived_columns": [[key, d["label"]] for key, d in derived["columns"].items()],
    }


@lru_cache(maxsize=1)
def layout() -> dict[str, Any]:
    """The forms model in the report view's terms, plus layout.yaml (loaded once)."""
    review = forms.table("review_litigation")
    return {
        "active": _active_spec(),
        "requests": _requests_spec(),
        "review_litigation": {"title": review["title"], "groups": review["groups"],
                              "columns": _pairs("review_litigation")},
        **read_yaml(LAYOUT_FILE),
    }


def _active(fmt: str) -> list[tuple[PrintedCell, ...]]:
    rows: list[tuple[PrintedCell, ...]] = []
    for block in layout()["active"]["formats"][fmt]:
        columns = block["columns"]
        # Blocks with fewer value columns stretch the last one over the rest of the grid.
        spans = [1] * (len(columns) - 1) + [ACTIVE_WIDTH - len(columns) + 1]
        rows.append((PrintedCell(block["caption"], "caption", colspan=ACTIVE_WIDTH + 1),))
        rows.append((PrintedCell("信息内容"),
                     *(PrintedCell(label, colspan=span) for (_, label), span in zip(columns, spans))))
        for row_key, row_label in block["rows"]:
            rows.append((PrintedCell(row_label, "label"),
                         *(PrintedCell(kind="value", colspan=span, key=("active", row_key, col_key))
                           for (col_key, _), span in zip(columns, spans))))
    return rows


def request_rows(fmt: str) -> list[tuple[str, list[str | None]]]:
    """(row_key, three-level label path) of the requests table in `fmt`, in printed order."""
    return forms.request_paths(fmt)


def _label_cells(rows: list[tuple[str, list[str | None]]], i: int) -> list[PrintedCell]:
    """The label cells row i prints: each level starts a cell unless the row above shares it."""
    _, labels = rows[i]
    cells = []
    for level, label in enumerate(labels):
        if label is None:
            continue
        prefix = labels[: level + 1]
        if i > 0 and rows[i - 1][1][: level + 1] == prefix:
            continue
        rowspan = 1
        while i + rowspan < len(rows) and rows[i + rowspan][1][: level + 1] == prefix:
            rowspan += 1
        trailing = len(labels) - level - 1
        colspan = 1 + (trailing if all(x is None for x in labels[level + 1:]) else 0)
        cells.append(PrintedCell(label, "label", colspan=colspan, rowspan=rowspan))
    return cells


def _requests(fmt: str) -> list[tuple[PrintedCell, ...]]:
    spec = layout()["requests"]
    columns = spec["columns"]
    header = [
        (PrintedCell(spec["corner"], colspan=3, rowspan=3), PrintedCell(spec["group"], colspan=7)),
        (PrintedCell(columns[0][1], rowspan=2), PrintedCell(spec["legal_person"], colspan=5),
         PrintedCell(columns[6][1], rowspan=2)),
        tuple(PrintedCell(label) for _, label in columns[1:6]),
    ]
    rows = request_rows(fmt)
    body = [
        (*_label_cells(rows, i),
         *(PrintedCell(kind="value", key=("requests", key, col)) for col, _ in columns))
        for i, (key, _) in enumerate(rows)
    ]
    return header + body


def _review() -> list[tuple[PrintedCell, ...]]:
    spec = layout()["review_litigation"]
    columns = spec["columns"]
    width = len(columns)
    review, *litigation = spec["groups"]
    header = [
        (PrintedCell(review[1], colspan=width), PrintedCell(litigation[0][1], colspan=width * len(litigation))),
        (*(PrintedCell(label, rowspan=2) for _, label in columns),
         *(PrintedCell(group[2], colspan=width) for group in litigation)),
        tuple(PrintedCell(label) for _ in litigation for _, label in columns),
    ]
    values = tuple(PrintedCell(kind="value", key=("review_litigation", group[0], col))
                   for group in spec["groups"] for col, _ in columns)
    return header + [values]


def printed_table(table_key: str, fmt: str) -> PrintedTable:
    """The printed grid of one standard table in one format (review_litigation has only one)."""
    fmt = fmt if fmt in FORMATS else "2021"
    builders = {"active": lambda: _active(fmt), "requests": lambda: _requests(fmt), "review_litigation": _review}
    return PrintedTable(table_key, layout()[table_key]["title"], fmt, tuple(builders[table_key]()))


def key_labels() -> list[dict[str, str]]:
    """Rows (table_key, format, axis, key, label) for every canonical row and column key."""
    spec = layout()
    out: list[dict[str, str]] = []

    def add(table: str, fmt: str, axis: str, key: str, label: str) -> None:
        row = {"table_key": table, "format": fmt, "axis": axis, "key": key, "label": label}
        if row not in out:
            out.append(row)

    for fmt, blocks in spec["active"]["formats"].items():
        for block in blocks:
            for key, label in block["rows"]:
                add("active", fmt, "row", key, label)
            for key, label in block["columns"]:
                add("active", fmt, "col", key, label)
    for fmt in FORMATS:
        for key, labels in request_rows(fmt):
            add("requests", fmt, "row", key, "".join(x for x in labels[1:] if x) or labels[0])
        for key, label in spec["requests"]["derived_rows"] + spec["requests"]["columns"] + \
                spec["requests"]["derived_columns"]:
            add("requests", fmt, "row" if key in dict(spec["requests"]["derived_rows"]) else "col", key, label)
        for key, top, sub in spec["review_litigation"]["groups"]:
            add("review_litigation", fmt, "row", key, sub or top)
        for key, label in spec["review_litigation"]["columns"]:
            add("review_litigation", fmt, "col", key, label)
    return out


def metadata_fields() -> list[tuple[str, str]]:
    """(field, Chinese label) of the page metadata header, in display order."""
    return [tuple(pair) for pair in layout()["metadata_fields"]]
