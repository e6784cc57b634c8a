"""A table reader that aligns a token stream to the forms model, whatever the line breaks.

Text copies of the tables come in many layouts (one row per line, one cell per line with blank
lines between, `cell |` lines without row breaks, `| a | b |` rows, bare `|` lines, padded last
cells, labels glued to their digits). All of them keep the printed order of labels and numbers,
and the form fixes the order of rows and how many value cells each row has. So the text is read as
a stream of tokens — labels, values (numbers and not-applicable marks `/ - — 无`) and explicit blank
cells (an empty cell between pipes of a `| a |  | b |` row) — and each label that names a row of the
form takes the values that follow it, in column order, as many as the form says.

Reading rules (README "Reading rules"):

- a row with as many values as cells is placed; a row with fewer keeps only what it can place
  without guessing: one natural-person count plus an equal total (requests), or a money value
  (`元`, `万元`) in the row's money column; anything else is left out and said so in the problems
  (the row the text ends in too: dropped blanks cannot be told from cells never shown);
- a label glued to its digits (`规章000`) is split only when exactly one split into the row's cells
  has no leading zeros and fits the row's identities; otherwise the cells are `unparsed`, raw text kept;
- rows after the point where the text ends are missing (not blank): the caller lists them and the
  identities over them are not evaluated;
- a column header (总计, 其他 before any data row; 本年制发件数 …) is never a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations
from math import comb
from typing import NamedTuple

from archive.normalize import CJK
from archive.normalize import normalize_label, normalize_labels
from archive.parsing import forms
from archive.parsing.model import Cell
from archive.parsing.values import clean_raw, is_value_like, parse_value

_SPLIT_LIMIT = 200_000  # glued digit strings: candidate splits examined at most
_PURE_PIPES = re.compile(r"^\|+$")
_SEPARATOR = re.compile(r"^(?=.*---)[\s|:\-]+$")
# Digits glued after a label's last character (CJK, a closing quote or parenthesis), with an optional
# decimal part and money unit; not a year, a date or a count unit inside narrative text.
_GLUED_DIGITS = re.compile(
    rf"(?<=[{CJK}”\"）)])(?P<digits>\d+(?:[+\-−]\d+)*(?:\.\d+)?(?:万元|元)?)(?![\d年月日号件项个条次人%])")
_LEADING_DIGITS = re.compile(
    rf"^(?P<digits>\d+?)(?:\d(?=[.、．][{CJK}])|(?=[{CJK}（(])(?![年月日号件项个条次人]))")
_LIST_MARKER_AFTER = re.compile(f"[.、．][{CJK}]")
_CAPTION = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_CHINESE_NUMBERS = {"一": 1, "五": 5, "六": 6, "八": 8, "九": 9}
_SECTION_END = re.compile(r"^[一二三四五六七八九十]+、.*(问题|其他需要报告|其它需要报告|其他事项)")
_GROUP = re.compile(r"^\(([三四五六])\)")
_OTHER_OTHER = re.compile(r"^(?:3\.)?其他[。.]?$")
_MONEY_UNIT = re.compile(r"(万元|元)$")


class Token(NamedTuple):
    """One piece of the text (a named tuple: tokenizing makes thousands of them)."""

    kind: str  # label | value | blank | glued | end (of a row, in "cell |" copies) | pad (pipes at a row's end)
    text: str


def _cell_tokens(piece: str) -> list[Token]:
    """One cell's text → a value, or a label (with its glued digits split off)."""
    text = piece.strip()
    if not text:
        return []
    if not any(ch.isdigit() for ch in text):  # fast path: a label, or a not-applicable mark
        return [Token("value" if len(text) <= 3 and is_value_like(text) else "label", text)]
    if text.isdigit() and len(text) > 1 and text[0] == "0":
        return [Token("glued", text)]  # "0000000": no count is printed with a leading zero
    if is_value_like(text):
        return [Token("value", text)]
    words = text.split()
    if len(words) > 1 and is_value_like(words[-1]):
        # "规章 0 0 6": label words then value words.
        cut = len(words)
        while cut > 0 and is_value_like(words[cut - 1]):
            cut -= 1
        head = [Token("label", " ".join(words[:cut]))] if cut else []
        return head + [Token("value", w) for w in words[cut:]]
    if len(words) > 1 and any(_GLUED_DIGITS.search(w) or _LEADING_DIGITS.match(w) for w in words):
        return [token for word in words for token in _cell_tokens(word)]
    if len(words) > 1:
        return [Token("label", text)]  # "商业 企业", "三 、 本 年 度": one label, spaced
    return _glued_segments(text)


def _glued_segments(text: str) -> list[Token]:
    """A label with digits glued after it, maybe followed by the next label ("规章000行政规范性文件
    693665", "1.属于国家秘密00000002.其他…": the last digit before "2." is the next row's marker)."""
    tokens: list[Token] = []
    at = 0
    leading = _LEADING_DIGITS.match(text)
    if leading:  # "00000003.危及…": the previous row's digits, then this row's marker
        tokens.append(Token("glued", leading["digits"]))
        at = leading.end("digits")
    for match in _GLUED_DIGITS.finditer(text):
        start, end = match.span("digits")
        digits = match["digits"]
        if _LIST_MARKER_AFTER.match(text, end) and "." not in digits:
            if len(digits) == 1:
                continue  # just the next label's marker
            digits, end = digits[:-1], end - 1
        tokens.append(Token("label", text[at:start]))
        tokens.append(Token("glued", digits))
        at = end
    if at < len(text):
        tokens.append(Token("label", text[at:]))
    return [t for t in tokens if t.text.strip() or t.kind != "label"]


def tokenize(text: str) -> list[Token]:
    """Labels, values and explicit blank cells in reading order; line breaks carry no meaning."""
    tokens: list[Token] = []
    previous = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "|" and not line.startswith("|"):
            tokens.append(Token("blank", ""))  # " |": an empty cell of a cell-per-line copy
            continue
        if _PURE_PIPES.match(stripped) and previous.endswith("|") and not _PURE_PIPES.match(previous):
            tokens.append(Token("end", ""))  # "cell |" lines, then a line of pipes: the row ends here
        if stripped:
            previous = stripped
        if not stripped or _PURE_PIPES.match(stripped) or _SEPARATOR.match(stripped):
            continue
        if "|" not in stripped:
            tokens += _cell_tokens(stripped)
            continue
        pieces = line.split("|")[1:] if stripped.startswith("|") else line.split("|")
        pieces = pieces[:-1] if not pieces[-1].strip() else pieces  # after the last pipe: the line's end
        # "0 | ||", "规章 | |||": a run of pipes pads the row's end; the space before the run is the
        # padding's, empty cells before that are cells ("5 |  | ||").
        first_empty = pieces.index("") if "" in pieces else len(pieces)
        padded = first_empty < len(pieces) and all(not p.strip() for p in pieces[first_empty:])
        tail = first_empty - 1 if padded and first_empty and not pieces[first_empty - 1].strip() else first_empty
        for piece in pieces[:tail] if padded else pieces:
            if piece.strip():
                tokens += _cell_tokens(piece)
            elif piece:
                tokens.append(Token("blank", ""))  # "| a |  | b |": a cell printed empty
        if padded:
            tokens.append(Token("pad", ""))
    return tokens


@dataclass
class _Row:
    """A matched row label and the value tokens that followed it."""

    table: str
    key: str
    label: str
    block: int | None
    values: list[Token] = field(default_factory=list)
    ended: bool = False


@dataclass
class _Run:
    """Row labels read one after another, then the values printed after them (PDF text and
    paragraph copies print several labels, then their value rows)."""

    table: str
    rows: list[_Row] = field(default_factory=list)
    values: list[Token] = field(default_factory=list)
    ended: bool = False  # a line of pipes closed the row after its last printed cell
    padded: bool = False  # pipes with nothing between them right after the label


@dataclass
class Alignment:
    cells: list[Cell]
    table_formats: dict[str, str]
    found: list[str]
    problems: list[str]
    # Rows whose label the text shows followed by empty cells only: the evidence a row reader needs
    # to read a row as blank (a label alone may be a row cut off, a header word, or dropped cells).
    blank_rows: set[tuple[str, str]] = field(default_factory=set)
    cut_row: tuple[str, str] | None = None  # the row the text ends inside (fewer values than cells)


def split_glued(digits: str, groups: list[int], check) -> list[list[str]]:
    """Every split of `digits` into len(groups) numbers without leading zeros that passes `check`
    (at most two are returned: the caller only needs to know whether one is unique)."""
    n = sum(groups)
    if comb(len(digits) - 1, n - 1) > _SPLIT_LIMIT:
        # Too many to examine, never a guess: what the loop below ends in, without building up to
        # _SPLIT_LIMIT splits of a long run first (a run of 100,000 digits took 2.5 s).
        return [[], []]
    found: list[list[str]] = []
    seen = 0
    for cuts in combinations(range(1, len(digits)), n - 1):
        seen += 1
        if seen > _SPLIT_LIMIT:
            return found + [[], []]  # too many to examine: never a guess
        bounds = (0, *cuts, len(digits))
        parts = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
        if any(len(p) > 1 and p[0] == "0" for p in parts) or not check([int(p) for p in parts]):
            continue
        found.append(parts)
        if len(found) > 1:
            break
    return found


def _row_check(table: str, width: int):
    """The identities one row's cells must satisfy by themselves (I3 for requests, RL for Table 3)."""
    if table == "requests" and width == len(forms.request_columns()):
        return lambda v: v[-1] == sum(v[:-1])
    if table == "review_litigation":
        size = len(forms.review_columns())
        return lambda v: all(v[i + size - 1] == sum(v[i:i + size - 1]) for i in range(0, len(v), size))
    return lambda v: True


class _Aligner:
    def __init__(self) -> None:
        self.table: str | None = None
        self.block: int | None = None
        self.group: str | None = None
        self.block_formats: dict[int, set[str]] = {}
        self.active_formats: set[str] = set()
        self.rows: list[_Row] = []
        self.runs: list[_Run] = []
        self.last = ""  # kind of the last token read: row (label), label, value, end
        self.review_values: list[Token] = []
        self.review_ended = False
        self.started: list[str] = []
        self.pending_labels: list[str] = []
        self.data_seen: dict[str, bool] = {}

    # -- reading ---------------------------------------------------------------------------------
    def read(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.kind == "label":
                self._label(token.text)
            else:
                self._value(token)

    def _label(self, text: str) -> None:
        self.last = "label"
        norm = normalize_label(text)
        if not norm:
            return
        if self._switch(norm) == "end" or self.table is None:
            return
        self.pending_labels.append(norm)
        self._forget_unreachable_labels()
        joined = "".join(self.pending_labels)
        if self.table == "active":
            self._active_label(norm, joined)
        elif self.table == "requests":
            self._request_label(norm, joined)

    def _forget_unreachable_labels(self) -> None:
        """Drop the oldest pending labels no phrase can still reach. The labels before the newest
        held no phrase (one would have been matched, and the labels cleared, when they were read),
        so a phrase found now overlaps the newest label and starts at most `_REACH` characters
        before it: older labels only made every label of a long run of them cost the whole run
        (a mutated 240 KB report of 40,000 labels took 16 s)."""
        older = sum(map(len, self.pending_labels)) - len(self.pending_labels[-1])
        while len(self.pending_labels) > 1 and older - len(self.pending_labels[0]) >= _REACH:
            older -= len(self.pending_labels.pop(0))

    def _switch(self, norm: str) -> str | None:
        for key in ("active", "requests", "review_litigation"):
            if any(p in norm for p in _IDENTIFY[key]):
                if key == "active":
                    caption = _CAPTION.search(norm)
                    if caption:
                        self.block = _CHINESE_NUMBERS.get(caption.group(1)[-1], self.block)
                self._start(key)
                return key
        if _SECTION_END.match(norm):
            self.table = None
            return "end"
        return None

    def _start(self, key: str) -> None:
        self.table = key
        self.pending_labels = []
        if key not in self.started:
            self.started.append(key)

    def _active_label(self, norm: str, joined: str) -> None:
        headers = [c for c in forms.active_columns() if c.phrase in joined or c.phrase in norm]
        if headers:
            formats = forms.header_formats(joined if any(c.phrase in joined for c in headers) else norm)
            if self.block is not None:
                self.block_formats.setdefault(self.block, set()).update(formats)
            self.active_formats.update(formats)
            self.pending_labels = []
            # A glued copy runs the header into the row label: "…本年处理决定数量行政许可".
            end = max(norm.rfind(c.phrase) + len(c.phrase) for c in headers if c.phrase in norm) \
                if any(c.phrase in norm for c in headers) else len(norm)
            norm = joined = norm[end:]
            if not norm:
                return
        keys = _matches(norm, _ACTIVE_PHRASES) or (_matches(joined, _ACTIVE_PHRASES) if len(self.pending_labels) > 1 else [])
        for key in keys:
            self.pending_labels = []
            self.block = forms.table("active")["rows"][key]["block"]
            self._add_row("active", key, norm, self.block)

    def _request_label(self, norm: str, joined: str) -> None:
        group = _GROUP.match(norm)
        if group:
            self.group = group.group(1)
        if not self.data_seen.get("requests") and (any(p in norm for p in _REQUEST_HEADER) or norm in _REQUEST_COLUMN_LABELS):
            self.pending_labels = []
            return  # the header: 总计 and 其他 here are columns, never rows
        keys = _matches(norm, _REQUEST_PHRASES)
        if not keys and _OTHER_OTHER.match(norm) and self.group == "六":
            keys = ["other.other"]
        if not keys and len(self.pending_labels) > 1:
            keys = _matches(joined, _REQUEST_PHRASES)
        for key in keys:
            self.pending_labels = []
            self.group = _FAMILY_GROUP.get(key.split(".")[0], self.group)
            self._add_row("requests", key, norm, None)

    def _add_row(self, table: str, key: str, norm: str, block: int | None) -> None:
        """A row label; labels read since the last value form one run that shares the values after it."""
        if self.rows and self.rows[-1].key == key and not self.runs[-1].values:
            return  # one label wrapped over lines ("…逾期未按收费" / "通知要求缴纳费用…")
        row = _Row(table, key, norm, block)
        self.rows.append(row)
        self.last = "row"
        if not self.runs or self.runs[-1].values or self.runs[-1].ended or self.runs[-1].table != table:
            self.runs.append(_Run(table))
        self.runs[-1].rows.append(row)

    def _value(self, token: Token) -> None:
        if token.kind == "pad":
            if self.last == "row" and self.runs and self.table == self.runs[-1].table:
                self.runs[-1].padded = True  # the label's row printed only empty cells
            return
        if token.kind == "end":
            if self.table == "review_litigation" and self.last == "value":
                self.review_ended = True
            elif self.last in ("row", "value") and self.runs and self.table == self.runs[-1].table:
                self.runs[-1].ended = True  # cells after the last printed one were left out: blank
            self.last = "end"
            return
        self.last = "value"
        self.pending_labels = []
        if self.table == "review_litigation":
            self.review_values.append(token)
            return
        if self.table is None or not self.runs or self.runs[-1].table != self.table:
            return
        self.runs[-1].values.append(token)
        self.data_seen[self.table] = True

    # -- placing ---------------------------------------------------------------------------------
    def result(self, *, ended: bool) -> Alignment:
        cells: list[Cell] = []
        problems: list[str] = []
        placed: dict[tuple[str, str], list[Cell]] = {}
        cut_row = None
        active_fmt = _one(self.active_formats | self._formats_from_rows())
        for run in self.runs:
            self._distribute(run, active_fmt)
        for row in self.rows:
            if (row.table, row.key) in placed:
                problems.append(f"{row.table}: row {row.key} repeated; first kept")
                continue
            if not row.values and row.key in _GROUP_ROWS:
                continue  # （六）其他处理 over the 2021 rows: a group cell, not a row
            columns = self._columns(row, active_fmt)
            if columns is None:
                problems.append(f"active: row {row.key} has no header row")
                continue
            last = ended and row is self.rows[-1] and self.table == row.table
            row_cells, problem = _place(row, columns, last=last)
            if last and len(row.values) < len(columns):
                cut_row = (row.table, row.key)
            if problem:
                problems.append(problem)
            if row_cells:
                placed[(row.table, row.key)] = row_cells
        if self.review_values:
            columns = [(r, c) for r in forms.review_rows() for c in forms.review_columns()]
            row = _Row("review_litigation", "", "", None, self.review_values, ended=self.review_ended)
            row_cells, problem = _place(row, columns, last=ended and self.table == "review_litigation")
            if problem:
                problems.append(problem)
            if row_cells:
                placed[("review_litigation", "")] = row_cells
        for key in ("active", "requests", "review_litigation"):
            cells += [c for (table, _), row_cells in placed.items() if table == key for c in row_cells]
        cells = _ordered(cells)
        formats = self._table_formats(cells, active_fmt)
        found = [t for t in ("active", "requests", "review_litigation") if any(c.table_key == t for c in cells)]
        blank = {(row.table, row.key) for run in self.runs for row in run.rows
                 if (run.padded or row.values) and all(v.kind == "blank" for v in row.values)}
        return Alignment(cells, formats, found, problems, blank, cut_row)

    def _distribute(self, run: _Run, active_fmt: str | None) -> None:
        """Several labels then values: in order, when the values are exactly the rows' cells; else
        the values belong to the last label (the others are label-only rows)."""
        widths = [len(self._columns(row, active_fmt) or ()) for row in run.rows]
        values = list(run.values)
        if len(run.rows) > 1 and all(widths) and len(values) == sum(widths):
            for row, width in zip(run.rows, widths):
                row.values, values = values[:width], values[width:]
        else:
            run.rows[-1].values = values
            run.rows[-1].ended = run.ended

    def _formats_from_rows(self) -> set[str]:
        keys = {row.key for row in self.rows if row.table == "active"}
        only_2019 = {k for k in forms.all_active_rows() if k not in forms.active_rows("2021")}
        return {"2019"} if keys & only_2019 and not self.active_formats else set()

    def _columns(self, row: _Row, active_fmt: str | None) -> list[tuple[str, str]] | None:
        if row.table == "requests":
            return [(row.key, c) for c in forms.request_columns()]
        block_fmt = _one(self.block_formats.get(row.block, set())) or active_fmt
        if block_fmt is None:
            return None
        columns = forms.active_row_columns(block_fmt).get(row.key)
        if columns is None:  # a 2019 row (其他对外管理服务事项, 政府集中采购) kept in a 2021 report
            columns = forms.active_row_columns("2019").get(row.key)
        return [(row.key, c) for c in columns]

    def _table_formats(self, cells: list[Cell], active_fmt: str | None) -> dict[str, str]:
        tables = {c.table_key for c in cells}
        formats: dict[str, str] = {}
        if "active" in tables:
            formats["active"] = active_fmt or "unknown"
        if "requests" in tables:
            keys = {c.row_key for c in cells if c.table_key == "requests"}
            formats["requests"] = "2021" if any(k.startswith("other.") for k in keys) else "2019" if "other" in keys else "unknown"
        if "review_litigation" in tables:
            known = {f for f in formats.values()} - {"unknown"}
            formats["review_litigation"] = known.pop() if len(known) == 1 else "unknown"
        return formats


def _one(formats: set[str]) -> str | None:
    return next(iter(formats)) if len(formats) == 1 else None


def _matches(label: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    """The rows a label names, in the order printed: a paragraph copy glues several row labels
    into one ("（五）不予处理4.无正当理由大量反复申请5.要求行政机关确认…"). Overlapping phrases go to the
    row earlier in match order (the more specific)."""
    spans: list[tuple[int, int, str]] = []
    for key, phrases in table:
        first: tuple[int, int] | None = None  # the earliest (then shortest) phrase found, one find each
        for phrase in phrases:
            at = label.find(phrase)
            if at >= 0 and (first is None or (at, len(phrase)) < first):
                first = (at, len(phrase))
        if first is None:
            continue
        start, length = first
        if all(start + length <= a or b <= start for a, b, _ in spans):
            spans.append((start, start + length, key))
    return [key for _, _, key in sorted(spans)]


def _cell(table: str, row: str, col: str, raw: str, status: str | None = None) -> Cell:
    if status == "unparsed":
        return Cell(table, row, col, raw, None, None, "unparsed")
    value, unit, parsed_status = parse_value(raw, col, table)
    return Cell(table, row, col, raw.strip(), value, unit, parsed_status)


def _place(row: _Row, columns: list[tuple[str, str]], *, last: bool) -> tuple[list[Cell], str | None]:
    """The cells of one row from its value tokens, by the module's reading rules."""
    table, width = row.table, len(columns)
    values = list(row.values)
    while len(values) > width and values[-1].kind == "blank":
        values.pop()
    name = row.key or "data row"
    if len(values) == 1 and values[0].kind == "glued" and width > 1:
        return _glued(row, columns, values[0].text)
    if len(values) != width and _broken_spacing(values):
        # "200 000121": spaces that fall inside numbers (no count starts with 0): read as glued digits.
        return _glued(row, columns, "".join(v.text for v in values))
    texts = [v.text for v in values]
    if len(values) == width:
        return [_cell(table, r, c, t) for (r, c), t in zip(columns, texts)], None
    if len(values) > width:
        return [], f"{table}: row {name} has {len(values)} values for {width} columns; not placed"
    if row.ended and not any(v.kind == "glued" for v in values):
        texts = texts + [""] * (width - len(texts))
        return [_cell(table, r, c, t) for (r, c), t in zip(columns, texts)], \
            f"{table}: row {name} ends after {len(values)} of {width} cells: the rest read as blank"
    if not values:
        return [], f"{table}: row {name} has no values; its cells are missing"
    # Fewer values than cells.
    if last:
        # Where the copy stops inside a row, blanks it dropped cannot be told from cells it never
        # showed: the row stays missing rather than read by position.
        return [], f"{table}: row {name}: the text ends after {len(values)} of {width} values; the row is missing"
    printed = list(values)
    while printed and printed[-1].kind == "blank":
        printed.pop()  # "| 3 | 3 | |||||||": the row's end, not cells
    if table == "requests" and len(printed) == 2 and not any(v.kind == "blank" for v in printed):
        texts = [v.text for v in printed]
        numbers = [parse_value(t, "total")[0] for t in texts]
        if numbers[0] is not None and numbers[0] == numbers[1]:
            spread = [texts[0], "", "", "", "", "", texts[1]]
            return [_cell(table, r, c, t) for (r, c), t in zip(columns, spread)], \
                f"{table}: row {name} has 2 values: read as 自然人 and 总计, the rest blank"
    money = [i for i, (_, c) in enumerate(columns) if c in forms.money_columns()]
    if len(values) == 1 and len(money) == 1 and _MONEY_UNIT.search(clean_raw(texts[0])):
        (r, c) = columns[money[0]]
        return [_cell(table, r, c, texts[0])], \
            f"{table}: row {name} has 1 value for {width} columns: the amount (unit in the cell); the rest missing"
    return [], f"{table}: row {name} has {len(values)} values for {width} columns; not placed"


def _broken_spacing(values: list[Token]) -> bool:
    texts = [v.text for v in values]
    return len(texts) > 1 and all(t.isdigit() for t in texts) and any(len(t) > 1 and t[0] == "0" for t in texts)


def _glued(row: _Row, columns: list[tuple[str, str]], digits: str) -> tuple[list[Cell], str | None]:
    width = len(columns)
    if not digits.isdigit():
        # Signs, decimals or a unit inside glued cells ("2648-18538", "39573802895.90元"): the cells'
        # boundaries are not in the digits' shape, so no split is safe.
        splits: list[list[str]] = [[], []]
    else:
        splits = split_glued(digits, [width], _row_check(row.table, width))
    if len(splits) == 1:
        return [_cell(row.table, r, c, t) for (r, c), t in zip(columns, splits[0])], None
    cells = [_cell(row.table, r, c, digits, "unparsed") for r, c in columns]
    return cells, f"{row.table}: row {row.key or 'data row'}: glued digits {digits} split {'no' if not splits else 'more than one'} way; unparsed"


def _ordered(cells: list[Cell]) -> list[Cell]:
    """Table order, then the model's printed row order, then column order as placed."""
    tables = list(forms.model()["tables"])
    rows = {"active": forms.all_active_rows(), "requests": forms.request_rows(),
            "review_litigation": forms.review_rows()}
    position = {id(c): i for i, c in enumerate(cells)}
    return sorted(cells, key=lambda c: (tables.index(c.table_key), rows[c.table_key].index(c.row_key), position[id(c)]))


# Where the standard tables can start, in either script (the aligner reads from there).
_FIRST_TABLE = re.compile("|".join(
    r"\s*".join(chars) for chars in (["第", "二", "十", "[条條]", "第"], ["本", "年", "新", "收"], ["勾", "稽"],
                                      ["申", "[请請]", "人", "情", "[况況]"], ["[结結]", "果", "[维維]", "持"],
                                      ["未", "[经經]", "[复復]", "[议議]"])))
_IDENTIFY = {key: tuple(normalize_label(p) for p in forms.table(key)["identify"])
             for key in ("active", "requests", "review_litigation")}
_ACTIVE_PHRASES = forms.row_phrases("active")
_REQUEST_PHRASES = forms.row_phrases("requests")
_REQUEST_HEADER = tuple(normalize_label(p) for p in forms.table("requests")["header_phrases"])
_REQUEST_COLUMN_LABELS = frozenset(normalize_label(label) for label in forms.labels("requests").values()) | {
    "商业", "企业", "科研", "机构", "社会公益", "组织", "法律服务"}
# How far before a new label a phrase found in the pending labels can start: the longest row or
# header phrase, less one character.
_REACH = max(len(phrase) for phrases in ([p for _, ps in _ACTIVE_PHRASES + _REQUEST_PHRASES for p in ps],
                                         [c.phrase for c in forms.active_columns()]) for phrase in phrases) - 1
_FAMILY_GROUP = forms.group_ordinals()
_GROUP_ROWS = frozenset(forms.derived_groups("2021"))


def align_text(text: str) -> Alignment:
    """Read the standard tables of a text by aligning its tokens to the forms model."""
    aligner = _Aligner()
    start = _FIRST_TABLE.search(text)
    if start is None:
        return Alignment([], {}, [], [])
    # Narrative before the first table carries no cells: tokenize from the line the tables start on.
    tokens = tokenize(text[text.rfind("\n", 0, start.start()) + 1:])
    normalize_labels([t.text for t in tokens if t.kind == "label"])  # remembered for the reading
    aligner.read(tokens)
    # The copy stops inside a row when its last token is one of that row's values.
    ended = bool(tokens) and tokens[-1].kind != "label" and aligner.table is not None
    return aligner.result(ended=ended)
