"""Pre-2019 indicator tables (format-spec §9): 指标名称 · 计量单位 · value columns → `pre2019_stats` cells.

Row key = the normalized indicator label (a repeated label gets "#2", "#3" so no value is lost);
col key = the normalized header of the value column; the unit column's text goes to `unit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.normalize import normalize_label
from archive.parsing import forms
from archive.parsing.grid import Row
from archive.parsing.model import Cell
from archive.parsing.values import is_value_like, parse_value

_ANNEX = forms.table("pre2019_stats")  # the indicator annex in the forms model
_LABEL_HEADERS = tuple(_ANNEX["label_headers"])
_UNIT_HEADERS = tuple(_ANNEX["unit_headers"])


@dataclass
class Pre2019Table:
    label_col: int = 0
    unit_col: int | None = None
    value_cols: list[tuple[int, str]] = field(default_factory=list)  # (position, col_key)
    cells: list[Cell] = field(default_factory=list)
    row_keys: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def take(self, row: Row, norm: str) -> None:
        # A pipe-less text header arrives as one cell: its words are the column headers.
        texts = row.cells[0].split() if len(row.cells) == 1 else row.cells
        headers = [normalize_label(cell) for cell in texts]
        if any(h.startswith(_LABEL_HEADERS) for h in headers) and any(h in _UNIT_HEADERS for h in headers):
            self._header(headers)
        elif self.value_cols:
            self._data(row)

    def _header(self, headers: list[str]) -> None:
        self.label_col = next(i for i, h in enumerate(headers) if h.startswith(_LABEL_HEADERS))
        self.unit_col = next((i for i, h in enumerate(headers) if h in _UNIT_HEADERS), None)
        self.value_cols = [
            (i, h) for i, h in enumerate(headers) if i not in (self.label_col, self.unit_col) and h
        ]

    def _data(self, row: Row) -> None:
        cells = list(row.cells)
        width = max([self.label_col, self.unit_col or 0] + [i for i, _ in self.value_cols]) + 1
        if len(cells) != width:
            cells = self._realign(cells)
            if cells is None:
                return
        label = normalize_label(cells[self.label_col])
        if not label or is_value_like(cells[self.label_col]):
            return
        unit = cells[self.unit_col].strip() or None if self.unit_col is not None else None
        row_key = self._unique(label)
        for position, col_key in self.value_cols:
            raw = cells[position]
            value, printed_unit, status = parse_value(raw, col_key, "pre2019_stats")
            self.cells.append(Cell("pre2019_stats", row_key, col_key, raw.strip(), value, unit or printed_unit, status))

    def _realign(self, cells: list[str]) -> list[str] | None:
        """Text rows lose blank cells: label (and unit) first, then exactly the value columns."""
        cut = 0
        while cut < len(cells) and not is_value_like(cells[cut]):
            cut += 1
        labels, values = cells[:cut], cells[cut:]
        if len(values) != len(self.value_cols) or not labels:
            return None
        if len(labels) == 1 and self.unit_col is not None:
            labels = labels[0].rsplit(None, 1)  # "主动公开信息数 条": the last word is the unit
        unit = labels.pop() if self.unit_col is not None and len(labels) > 1 else ""
        slots = [""] * (max([self.label_col, self.unit_col or 0] + [i for i, _ in self.value_cols]) + 1)
        slots[self.label_col] = "".join(labels)
        if self.unit_col is not None:
            slots[self.unit_col] = unit
        for (position, _), value in zip(self.value_cols, values):
            slots[position] = value
        return slots

    def _unique(self, label: str) -> str:
        key, n = label, 1
        while key in self.row_keys:
            n += 1
            key = f"{label}#{n}"
        self.row_keys.add(key)
        return key

    def result(self) -> tuple[list[Cell], str, list[str]]:
        return self.cells, "pre2019", self.problems
