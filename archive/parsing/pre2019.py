"""Pre-2019 indicator tables (format-spec §9): 指标名称 · 计量单位 · value columns → `pre2019_stats` cells.

Row key = the normalized indicator label (a repeated label gets "#2", "#3" so no value is lost);
col key = the normalized header of the value column; the unit column's text goes to `unit`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from archive.content import Row
from archive.normalize import normalize_label
from archive.parsing import forms
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


# A flattened annex: "主动公开信息数 条 425 1516" or, glued, "主动公开信息数条4251516其中：1.网站公开条…".
# The label ends in no blank: a label that ran into blanks tried the unit after each of them, which
# is quadratic in a long run of blanks (25,000 took 7 s); it never ends in one anyway (the blanks
# before a unit are the `\s*`'s).
_ANNEX_ROW = re.compile(r"(?P<label>(?:其中[:：]\s*)?(?:\d{1,2}[.、．])?[^\d\s](?:[^\d]*?[^\d\s])??)\s*"
                        r"(?P<unit>人次|万元|条|件|元|次|个|篇|项|人)\s*(?P<values>\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)*)")
_UNIT_THEN_VALUE = re.compile(r"(?:人次|万元|条|件|元|次|个|篇|项|人)\s*\d")  # where a row's label can end
_DIGIT = re.compile(r"\d")
_LIST_MARK = ".、．"
_ASIDE = re.compile(r"其中[:：]")
_VALUE_HEADER = re.compile(r"\s*(\d{4}\s*年\s*度?|历\s*年\s*累\s*计|本\s*年\s*累\s*计|本期实际|统计数|数\s*量)")
_ANNEX_END = re.compile(r"附件下载|附件[:：]|[一二三四五六七八九十]+、")


def read_annex_text(text: str) -> tuple[list[Cell], list[str]]:
    """Cells of an indicator annex flattened into running text (one line, or cells glued together).

    Each row is label, unit, then its values: separated by spaces they are read as printed; glued
    into one digit string they are split only when one split has no leading zeros (00 → 0 | 0),
    else kept `unparsed` with the digits as raw text. A digit before "2、" / "2." is the next row's
    list marker. A row with fewer values than columns is left out (missing) and noted.
    """
    start = re.search(r"指\s*标\s*名\s*称|统\s*计\s*指\s*标", text)
    if start is None:
        return [], []
    region = text[start.start():]
    unit = re.search(r"计\s*量\s*单\s*位|单\s*位", region)
    if unit is None:
        return [], []
    columns: list[str] = []
    at = unit.end()
    while (column := _VALUE_HEADER.match(region, at)) is not None:
        columns.append(normalize_label(column.group(1)))
        at = column.end()
    body = region[at:]
    end = _ANNEX_END.search(body)
    body = body[: end.start()] if end else body
    table, position = Pre2019Table(), 0
    problems: list[str] = []
    digits = [digit.start() for digit in _DIGIT.finditer(body)]
    while columns and (match := _next_annex_row(body, position, digits)) is not None:
        values, position = match["values"], match.end()
        if position < len(body) and body[position] in _LIST_MARK and not values[-1:].isspace():
            values, position = values[:-1], position - 1  # the next row's list marker
        _annex_row(table, normalize_label(match["label"]), match["unit"], values.split(), columns, problems)
    return table.cells, problems


def _next_annex_row(body: str, position: int, digits: list[int]) -> re.Match[str] | None:
    """`_ANNEX_ROW.search(body, position)`, in time linear in the text it passes over (`digits`:
    where body's digits are). The search tries every start and its lazy label runs on to the next
    digit or the end: over a long stretch without a row that was quadratic (16,000 characters took
    4.6 s). A row ends at the first unit followed by a number, and its label holds no digit but a
    list number ("12、"), so it can only start after the last digit before that unit, or at the list
    number (and an "其中：" before it) that digit ends."""
    while (unit := _UNIT_THEN_VALUE.search(body, position)) is not None:
        for start in range(_label_start(body, position, unit.start(), digits), unit.start() + 1):
            match = _ANNEX_ROW.match(body, start)
            if match is not None:  # from a blank, a start fails at once; from anything else it succeeds
                return match
        position = unit.start() + 1
    return None


def _label_start(body: str, position: int, unit: int, digits: list[int]) -> int:
    """The first place at or after `position` where a row whose unit is at `unit` can begin."""
    last = bisect_left(digits, unit) - 1
    if last < 0 or digits[last] < position:
        return position
    digit = digits[last]
    if digit + 1 >= unit or body[digit + 1] not in _LIST_MARK:
        return digit + 1
    start = digit - 1 if last > 0 and digits[last - 1] == digit - 1 and digit - 1 >= position else digit
    before = start
    while before > position and body[before - 1].isspace():
        before -= 1
    aside = before - 3
    return aside if aside >= position and _ASIDE.match(body, aside) else start


def _annex_row(table: Pre2019Table, label: str, unit: str, values: list[str], columns: list[str],
               problems: list[str]) -> None:
    from archive.parsing.align import split_glued

    if not label or not values:
        return
    if len(values) == 1 and len(columns) > 1 and len(values[0]) >= len(columns):
        splits = split_glued(values[0], [len(columns)], lambda v: True) if values[0].isdigit() else [[], []]
        if len(splits) != 1:
            key = table._unique(label)
            table.cells += [Cell("pre2019_stats", key, col, values[0], None, unit, "unparsed") for col in columns]
            problems.append(f"pre2019_stats: row {label}: glued digits {values[0]} split more than one way; unparsed")
            return
        values = splits[0]
    if len(values) != len(columns):
        problems.append(f"pre2019_stats: row {label} has {len(values)} values for {len(columns)} columns; not placed")
        return
    key = table._unique(label)
    for col, raw in zip(columns, values):
        value, printed_unit, status = parse_value(raw, col, "pre2019_stats")
        table.cells.append(Cell("pre2019_stats", key, col, raw, value, unit or printed_unit, status))
