"""Value cells of the three standard tables (and pre-2019 indicator tables) under the keys of format-spec §6.

All tables of a document are read as one stream of rows (see `grid`). A row switches the current
table when it carries a table's identifying phrases (§11); rows are then mapped by their label
and header texts after `normalize_label`, by key phrases (§8.1), never by position alone.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from archive.content import Row
from archive.normalize import normalize_label, normalize_labels
from archive.parsing import forms
from archive.parsing.align import align_text
from archive.parsing.completeness import STANDARD_TABLES, missing_cells, missing_problems, score
from archive.parsing.model import Cell
from archive.parsing.pre2019 import Pre2019Table, read_annex_text
from archive.parsing.text_tables import text_rows
from archive.parsing.values import MONEY_COLUMNS, clean_raw, clean_raws, is_blank, is_value_like, parse_value
from archive.readers.html import html_rows

REQUEST_COLUMNS = forms.request_columns()
REVIEW_ROWS = forms.review_rows()
REVIEW_COLUMNS = forms.review_columns()
ACTIVE_ROWS_2019 = forms.active_rows("2019")
ACTIVE_ROWS_2021 = forms.active_rows("2021")
REQUEST_ROWS_2019 = forms.request_rows("2019")
REQUEST_ROWS_2021 = forms.request_rows("2021")
_REQUEST_ORDER = forms.request_rows()
_ACTIVE_ORDER = forms.all_active_rows()
TABLE_ORDER = tuple(forms.model()["tables"])

# Row-label key phrases, most specific first (format-spec §8.1), from the model.
_REQUEST_PHRASES = forms.row_phrases("requests")
_OTHER_OTHER = re.compile(r"^(?:3\.)?其他[。.]?$")
_GROUP = re.compile(r"^[(（]([三四五六])[)）]")
_GROUP_OF_FAMILY = forms.group_ordinals()
_IDENTIFY = {key: tuple(normalize_label(p) for p in forms.table(key)["identify"]) for key in TABLE_ORDER}
_REQUEST_HEADER = tuple(normalize_label(p) for p in forms.table("requests")["header_phrases"])
_ACTIVE_ROW_PHRASES = forms.row_phrases("active")
# Header phrase → column key; the 2021 phrase 本年处理决定数量 contains the 2019 处理决定数量.
_ACTIVE_COLUMN_PHRASES = tuple((c.phrase, c.key, c.formats[0]) for c in forms.active_columns())
_CAPTION = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_CHINESE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_FOOTER = re.compile(r"^(填报单位|单位负责人|联系电话|填报人|审核人|填报日期|制表)")
_NOTE = re.compile(r"^\(?注[:：)]")
# The only characters whose normalization holds 注 (NFKC, t2s and its phrases checked one by one):
# a text without any of them is no note, and is not normalized to find out (siblings can be long).
_NOTE_CHARS = re.compile("[注註㊟]")
_SECTION_END = re.compile(r"^[一二三四五六七八九十]+、.*(问题|其他需要报告|其它需要报告|其他事项)")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_MONEY_UNIT = re.compile(r"\d(万元|元)$")


@dataclass
class TableResult:
    cells: list[Cell]  # archive.parsing.model.Cell, in table/row/col order
    table_formats: dict[str, str]  # table_key -> "2019" | "2021" | "pre2019" | "unknown"
    notes: list[str]  # table notes like "(注:政府集中采购项目数量和采购总金额为2018年度的数据)"
    found: list[str]  # table_keys found
    problems: list[str]  # human-readable: "requests: row 二、上年结转 missing", ...
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # printed cells the reading lacks


def _cell(table_key: str, row_key: str, col_key: str, raw: str) -> Cell:
    value, unit, status = parse_value(raw, col_key, table_key)
    return Cell(table_key, row_key, col_key, raw.strip(), value, unit, status)


def split_row(row: Row, width: int) -> tuple[list[str], list[str]]:
    """(label cells, value cells) of a row expected to hold `width` values."""
    cells = list(row.cells)
    if row.exact and len(cells) > width:
        return cells[:-width], cells[-width:]
    cut = 0
    while cut < len(cells) and not is_value_like(cells[cut]):
        cut += 1
    labels, values = cells[:cut], cells[cut:]
    while len(values) > width and is_blank(values[-1]):
        values.pop()  # converters pad rows with empty cells
    return labels, values


def _has_numbers(values: list[str]) -> bool:
    """Any cell printed as a value (a number, or a not-applicable mark): header words are not."""
    return any(not is_blank(v) and is_value_like(v) for v in values)


@dataclass
class _Active:
    """Table 1: blocks of caption, header row (column keys in printed order), data rows."""

    block: int | None = None
    columns: list[str] = field(default_factory=list)
    formats: set[str] = field(default_factory=set)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def take(self, row: Row, norm: str) -> None:
        caption = _CAPTION.search(norm)
        if caption:
            self.block = _CHINESE_NUMBERS.get(caption.group(1)[-1])
            self.columns = self._model_columns()  # until this block's header says otherwise
            return
        joined = norm.replace("|", "")  # a header wrapped inside its cell: "对外公 | 开总数量"
        header = sorted((joined.find(p), key, fmt) for p, key, fmt in _ACTIVE_COLUMN_PHRASES if p in joined)
        if header:
            formats = forms.header_formats(joined)
            self.formats.update(formats)
            self.columns = self._model_columns(formats) or _dedupe([key for _, key, _ in header])
            return
        self._data(row)

    def _model_columns(self, formats: set[str] | None = None) -> list[str]:
        """The form's columns of the current block in the format its header (or the table) shows:
        a header wrapped or cut short ("本年新") still has all its columns."""
        known = formats if formats and len(formats) == 1 else self.formats if len(self.formats) == 1 else set()
        for fmt in known:
            for block in forms.active_blocks(fmt):
                if block.block == self.block:
                    return [c.key for c in block.columns]
        return []

    def _data(self, row: Row) -> None:
        labels, values = split_row(row, len(self.columns) or 1)
        label = normalize_label("".join(labels))
        if not label or _FOOTER.match(label) or _HEADING.match(label):
            return
        key = _match(label, _ACTIVE_ROW_PHRASES)
        if key in ("art20_5.other_services", "art20_9.procurement"):
            self.formats.add("2019")
        if key is None:
            if self.block is None or not _has_numbers(values):
                return
            key = f"art20_{self.block}.extra:{label}"
        if not self.columns:
            self.problems.append(f"active: row {label} has no header row")
            return
        if values and len(values) != len(self.columns):
            self.problems.append(f"active: row {label} has {len(values)} values for {len(self.columns)} columns")
            return
        if key in self.rows:
            self.problems.append(f"active: row {label} repeated; first kept")
            return
        self.rows[key] = _money_in_its_column(dict(zip(self.columns, values or [""] * len(self.columns))))

    def result(self) -> tuple[list[Cell], str, list[str]]:
        fmt = next(iter(self.formats)) if len(self.formats) == 1 else "unknown"
        expected = ACTIVE_ROWS_2021 if fmt == "2021" else ACTIVE_ROWS_2019 if fmt == "2019" else ()
        problems = self.problems + [f"active: row {key} missing" for key in expected if key not in self.rows]
        keys = sorted(self.rows, key=_active_order)
        cells = [_cell("active", key, col, raw) for key in keys for col, raw in self.rows[key].items()]
        return cells, fmt, problems


def _money_in_its_column(row: dict[str, str]) -> dict[str, str]:
    """An amount printed with its unit (12766600元) in a count column while the row's money column is
    blank belongs to the money column (第（八）项, 第（九）项 rows that lost a cell)."""
    money = [col for col in row if col in MONEY_COLUMNS]
    if len(money) != 1 or not is_blank(row[money[0]]):
        return row
    misplaced = [col for col in row if col not in MONEY_COLUMNS and _MONEY_UNIT.search(clean_raw(row[col]))]
    if len(misplaced) == 1:
        row = {**row, money[0]: row[misplaced[0]], misplaced[0]: ""}
    return row


def _active_order(key: str) -> tuple[int, int]:
    """Template order; an extra row goes after the template rows of its block."""
    block = int(re.sub(r"\D", "", key.split(".")[0]) or 0)
    return block, _ACTIVE_ORDER.index(key) if key in _ACTIVE_ORDER else len(_ACTIVE_ORDER)


def _dedupe(keys: list[str]) -> list[str]:
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return seen


def _holds(text: str, phrases: Iterable[str]) -> bool:
    """Any of `phrases` in `text` (a plain loop: called per row for every key, a generator costs more)."""
    for phrase in phrases:
        if phrase in text:
            return True
    return False


def _match(label: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    for key, phrases in table:
        if _holds(label, phrases):
            return key
    return None


@dataclass
class _Requests:
    """Table 2: rows by label phrases; value-only rows (PDF text) paired with label-only rows."""

    group: str | None = None
    entries: list[tuple[str | None, list[str] | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def take(self, row: Row, norm: str) -> None:
        labels, values = split_row(row, len(REQUEST_COLUMNS))
        if not labels and len(values) == len(REQUEST_COLUMNS):
            self.entries.append((None, values))
            return
        if not labels or (any(p in norm for p in _REQUEST_HEADER) and not _has_numbers(values)):
            return
        key = self._key([normalize_label(label) for label in labels])
        if key is None:
            return
        if not values:
            if self.entries and self.entries[-1] == (key, None):
                return  # a label wrapped over lines in PDF text ("…逾期未按收费" / "通知要求缴纳费用…"): one row
            self.entries.append((key, None))
            return
        resolved = _resolve_short(values, row)
        if resolved is None:
            self.problems.append(f"requests: row {key} has {len(values)} values for 7 columns")
            return
        self.entries.append((key, resolved))

    def _key(self, labels: list[str]) -> str | None:
        for label in labels:
            group = _GROUP.match(label)
            if group:
                self.group = group.group(1)
        for label in reversed(labels):
            key = _match(label, _REQUEST_PHRASES)
            if key is None and _OTHER_OTHER.match(label) and (self.group == "六" or len(labels) > 1):
                key = "other.other"
            if key is not None:
                self.group = _GROUP_OF_FAMILY.get(key.split(".")[0], self.group)
                return key
        return None

    def result(self) -> tuple[list[Cell], str, list[str]]:
        rows, problems = _pair(self.entries)
        if any(key.startswith("other.") for key in rows):
            rows.pop("other", None)  # a label-only （六）其他处理 was the group cell over the 2021 rows
        if {"other.no_correction", "other.fee_unpaid"} & rows.keys():
            fmt, expected = "2021", REQUEST_ROWS_2021
        elif "other" in rows:
            fmt, expected = "2019", REQUEST_ROWS_2019
        else:
            fmt, expected = "unknown", REQUEST_ROWS_2019
        problems = self.problems + problems + [f"requests: row {k} missing" for k in expected if k not in rows]
        cells = [
            _cell("requests", key, col, raw)
            for key in sorted(rows, key=_REQUEST_ORDER.index)
            for col, raw in zip(REQUEST_COLUMNS, rows[key])
        ]
        return cells, fmt, problems


def _resolve_short(values: list[str], row: Row) -> list[str] | None:
    """Seven values, or the one reading a short row allows.

    Text copies that dropped empty cells leave rows such as "一、本年新收… | 3 | 3". Two numbers
    where the last equals the sum of the first can only be one applicant column plus 总计; natural
    persons file nearly all requests, so the first is read as 自然人 and the rest as blank. Any
    other short row is ambiguous and left out (reported as a problem).
    """
    if len(values) == len(REQUEST_COLUMNS):
        return values
    numbers = [parse_value(v, "total")[0] for v in values]
    if not row.exact and len(values) == 2 and numbers[0] is not None and numbers[0] == numbers[1]:
        return [values[0], "", "", "", "", "", values[1]]
    return None


def _pair(entries: list[tuple[str | None, list[str] | None]]) -> tuple[dict[str, list[str]], list[str]]:
    """Rows by key; label-only rows take value-only rows in reading order when the copy has them."""
    rows: dict[str, list[str]] = {}
    problems: list[str] = []

    def assign(key: str, values: list[str]) -> None:
        if key in rows:
            problems.append(f"requests: row {key} repeated; first kept")
        else:
            rows[key] = values

    if not any(key is None for key, _ in entries):
        # Every row carries its label: a label-only row is a row of blank cells.
        for key, values in entries:
            assign(key, values or [""] * len(REQUEST_COLUMNS))
        return rows, problems
    labels: deque[str] = deque()
    pending: deque[list[str]] = deque()
    for key, values in entries:
        if key is not None and values is not None:
            assign(key, values)
        elif key is not None:
            if pending:
                assign(key, pending.popleft())
            else:
                labels.append(key)
        elif labels:
            assign(labels.popleft(), values or [])
        else:
            pending.append(values or [])
    problems += [f"requests: row {key} has no values" for key in labels]
    problems += [f"requests: {len(pending)} value rows without a label"] if pending else []
    return rows, problems


@dataclass
class _Review:
    """Table 3: one data row of 15 values in template order (复议 1-5, 直接起诉 6-10, 复议后起诉 11-15)."""

    values: list[str] | None = None
    problems: list[str] = field(default_factory=list)

    def take(self, row: Row, norm: str) -> None:
        width = len(REVIEW_ROWS) * len(REVIEW_COLUMNS)
        labels, values = split_row(row, width)
        if self.values is not None or labels and not row.exact:
            return
        if not _has_numbers(values) and (labels or len(values) != width
                                         or not all(is_value_like(v) for v in values)):
            # Header rows (words, with or without blank cells under 行政复议); an unlabeled row of
            # exactly 15 blanks is a blank data row.
            return
        if len(values) != width:
            self.problems.append(f"review_litigation: data row has {len(values)} values for {width} columns")
            return
        self.values = values

    def result(self) -> tuple[list[Cell], str, list[str]]:
        if self.values is None:
            return [], "unknown", self.problems
        keys = [(r, c) for r in REVIEW_ROWS for c in REVIEW_COLUMNS]
        cells = [_cell("review_litigation", r, c, raw) for (r, c), raw in zip(keys, self.values)]
        return cells, "unknown", self.problems


def _switch(norm: str, current: str | None, seen_active: bool) -> str | None:
    """The table a row belongs to from its identifying phrases (format-spec §11), else the current one."""
    if _holds(norm, _IDENTIFY["active"]):
        return "active"
    if _holds(norm, _IDENTIFY["requests"]):
        return "requests"
    if _holds(norm, _IDENTIFY["review_litigation"]) or ("行政复议" in norm and "行政诉讼" in norm):
        return "review_litigation"
    if not seen_active and _holds(norm, _IDENTIFY["pre2019_stats"]) and "单位" in norm:
        return "pre2019_stats"
    if _SECTION_END.match(norm):
        return None
    return current


def extract_tables_from_rows(rows: list[Row]) -> TableResult:
    """Map a row stream (HTML or text) to cells, with the cells the reading lacks; never raises on odd rows."""
    return _with_missing(_read_rows(rows))


def _read_rows(rows: list[Row]) -> TableResult:
    tables = {"active": _Active(), "requests": _Requests(), "review_litigation": _Review(),
              "pre2019_stats": Pre2019Table()}
    started: list[str] = []
    notes: list[str] = []
    current: str | None = None
    # Every cell is tested as a value and most are read as labels too: each normalized in one pass.
    cells = list(dict.fromkeys(cell for row in rows if len(row.cells) > 1 for cell in row.cells))
    clean_raws(cells + [row.cells[0] for row in rows if len(row.cells) == 1])
    normalize_labels(cells)
    for row, norm in zip(rows, normalize_labels([row.text for row in rows])):
        if not norm:
            continue
        if started and _NOTE.match(norm):
            notes.append(row.text.strip())
            continue
        current = _switch(norm, current, "active" in started)
        if current is None:
            continue
        if current not in started:
            started.append(current)
        tables[current].take(row, norm)
    return _assemble(tables, started, notes)


def _assemble(tables: dict, started: list[str], notes: list[str]) -> TableResult:
    cells: list[Cell] = []
    formats: dict[str, str] = {}
    problems: list[str] = []
    found: list[str] = []
    for key in TABLE_ORDER:
        if key not in started:
            continue
        table_cells, fmt, table_problems = tables[key].result()
        problems += table_problems
        if table_cells:
            cells += table_cells
            formats[key] = fmt
            found.append(key)
    _review_format(formats)
    return TableResult(cells=cells, table_formats=formats, notes=notes, found=found, problems=problems)


def _review_format(formats: dict[str, str]) -> None:
    """Table 3 is identical in both formats: it takes the format of the tables beside it."""
    if "review_litigation" in formats:
        others = {fmt for key, fmt in formats.items() if key in ("active", "requests")} - {"unknown"}
        formats["review_litigation"] = others.pop() if len(others) == 1 else "unknown"


def _with_missing(result: TableResult) -> TableResult:
    result.missing = missing_cells(result.cells, result.table_formats)
    result.problems += missing_problems(result.missing)
    return result


def _table_of(problem: str) -> str | None:
    head = problem.split(":", 1)[0]
    return head if head in STANDARD_TABLES else None


def _evidenced_blank_rows(cells: list[Cell], evidence: set[tuple[str, str]]) -> list[Cell]:
    """A row read all blank stays blank only where the text shows its empty cells; else it is missing
    (a label cut off at the end, a 总计 column header, cells a copy dropped)."""
    blank_rows = {(c.table_key, c.row_key) for c in cells} - {
        (c.table_key, c.row_key) for c in cells if c.status != "blank"}
    drop = {row for row in blank_rows if row[0] in ("active", "requests")} - evidence  # labelled rows
    return [c for c in cells if (c.table_key, c.row_key) not in drop]


def best_reading(rows: TableResult, aligned) -> TableResult:
    """Per standard table, the reading that places more printed cells with fewer failing identities
    (the row reading on a tie); pre-2019 tables and notes come from the row reading. The row reading
    first loses what the text gives no evidence for: blank rows without printed empty cells, and the
    row the text ends inside."""
    kept = [c for c in _evidenced_blank_rows(rows.cells, aligned.blank_rows)
            if (c.table_key, c.row_key) != aligned.cut_row]
    rows = TableResult(cells=kept, table_formats=rows.table_formats, notes=rows.notes, found=rows.found,
                       problems=rows.problems)
    chosen = {t: aligned if score(aligned.cells, aligned.table_formats, t) >
              score(rows.cells, rows.table_formats, t) else rows for t in STANDARD_TABLES}
    cells = [c for t in TABLE_ORDER for c in (chosen[t] if t in chosen else rows).cells if c.table_key == t]
    formats = {t: (chosen.get(t) or rows).table_formats[t] for t in TABLE_ORDER
               if t in (chosen.get(t) or rows).table_formats and any(c.table_key == t for c in cells)}
    _review_format(formats)
    problems = [p for p in rows.problems if _table_of(p) is None or chosen[_table_of(p)] is rows]
    problems += [p for p in aligned.problems if chosen.get(_table_of(p) or "") is aligned]
    found = [t for t in TABLE_ORDER if any(c.table_key == t for c in cells)]
    return TableResult(cells=cells, table_formats=formats, notes=rows.notes, found=found, problems=problems)


def _with_flattened_annex(result: TableResult, text: str) -> TableResult:
    """A pre-2019 indicator annex the row reading missed because the copy runs it into one line."""
    if "pre2019_stats" in result.table_formats or result.found:
        return result
    cells, problems = read_annex_text(text)
    if not cells:
        return result
    return TableResult(cells=cells, table_formats={"pre2019_stats": "pre2019"}, notes=result.notes,
                       found=["pre2019_stats"], problems=result.problems + problems)


def _notes_after_tables(root: etree._Element) -> list[str]:
    """Table notes printed as paragraphs right after a table: "（注：…）"."""
    notes: list[str] = []
    for table in root.iter("table"):
        sibling = table.getnext()
        for _ in range(2):
            if sibling is None or not isinstance(sibling.tag, str):
                break
            # The same characters as itertext's, serialized in C: most siblings hold no note character.
            if _NOTE_CHARS.search(etree.tostring(sibling, method="text", encoding=str, with_tail=False)):
                text = " ".join(sibling.itertext()).strip()
                if _NOTE.match(normalize_label(text)):
                    notes.append(text)
            sibling = sibling.getnext()
    return notes


def extract_tables_from_html(root: etree._Element) -> TableResult:
    """Cells of the tables of a parsed page (parsed once by the caller)."""
    try:
        result = _with_missing(_read_rows(html_rows(root)))
        result.notes += [note for note in _notes_after_tables(root) if note not in result.notes]
        return result
    except Exception as error:  # noqa: BLE001 - a malformed page must yield a report, not a crash
        return TableResult([], {}, [], [], [f"tables: {type(error).__name__}: {error}"])


def _words_and_cells(text: str) -> list[str]:
    """Every word and every stripped pipe-separated cell of a text, once each."""
    cells = map(str.strip, text.replace("|", "\n").splitlines())
    return list(dict.fromkeys([*text.split(), *cells]))


def extract_tables_from_text(text: str) -> TableResult:
    """Cells of text-serialized tables (a decoded str): the row reading or the aligned reading (align.py),
    table by table, whichever is better."""
    try:
        clean_raws(_words_and_cells(text))  # both readers test these as values, one by one
        return _with_missing(_with_flattened_annex(best_reading(_read_rows(text_rows(text)), align_text(text)), text))
    except Exception as error:  # noqa: BLE001 - malformed text must yield a report, not a crash
        return TableResult([], {}, [], [], [f"tables: {type(error).__name__}: {error}"])
