"""Property tests for reading flattened table text (issue 10): random identity-consistent instances of
each form (2019, 2021), some cells blank, some `/`, rendered into every text layout seen in real copies,
cut at a random point, read back with `extract_tables_from_text`.

For every case: each cell read is exactly the printed one (nothing invented, nothing shifted); no cell
printed after the cut is read; every row printed whole before the cut in a layout that keeps its cells
apart is read; the identities never fail (the values are consistent, so a fail would be a misreading,
and cells past the cut are not evaluated). Seeded random, several hundred cases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import opencc
import pytest

from archive.parsing import forms
from archive.parsing.checks import report_checks
from archive.parsing.tables import extract_tables_from_text
from archive.parsing.values import parse_value

S2T = opencc.OpenCC("s2t")
LAYOUTS = ("row_per_line", "cell_per_line_blank_lines", "cell_pipe_lines", "markdown", "bare_pipe_row_ends",
           "padded_last_cells", "glued")
# Layouts that keep an empty cell's position: an empty cell between pipes, a " |" line, or a row of
# "cell |" lines closed by a line of pipes after its last printed cell.
KEEPS_BLANKS = {"markdown", "padded_last_cells", "cell_pipe_lines", "bare_pipe_row_ends"}
CASES_PER_LAYOUT = 60

Key = tuple[str, str, str]


@dataclass
class Instance:
    fmt: str
    cells: dict[Key, str] = field(default_factory=dict)  # printed text per cell ("" blank, "/" n.a.)


def _count(rng: random.Random, value: int) -> str:
    if value == 0:
        return rng.choice(["0", "0", "", "/"])
    return str(value)


def instance(rng: random.Random, fmt: str) -> Instance:
    """Random printed values consistent with the identities (blank and / only where the value is 0)."""
    inst = Instance(fmt)
    for block in forms.active_blocks(fmt):
        for row, _ in block.rows:
            for column in block.columns:
                inst.cells[("active", row, column.key)] = _active_value(rng, column)
    outcomes = forms.outcome_rows(fmt)
    applicants = forms.applicant_columns()
    columns: dict[str, dict[str, int]] = {}
    for col in applicants:
        values = {row: rng.choice([0, 0, 0, rng.randint(1, 30)]) for row in outcomes}
        processed = sum(values.values())
        forward = rng.choice([0, rng.randint(0, 9)])
        over = rng.randint(0, processed + forward)
        columns[col] = {**values, "new_received": processed + forward - over, "carried_over": over,
                        "total_processed": processed, "carried_forward": forward}
    for row in forms.request_rows(fmt):
        for col in applicants:
            inst.cells[("requests", row, col)] = _count(rng, columns[col][row])
        inst.cells[("requests", row, "total")] = _count(rng, sum(columns[c][row] for c in applicants))
    for row in forms.review_rows():
        parts = [rng.choice([0, 0, rng.randint(1, 9)]) for _ in range(4)]
        for col, value in zip(forms.review_columns(), parts + [sum(parts)]):
            inst.cells[("review_litigation", row, col)] = _count(rng, value)
    return inst


def _active_value(rng: random.Random, column: forms.ActiveColumn) -> str:
    if column.signed:
        n = rng.randint(-9, 9)
        return f"+{n}" if n > 0 and rng.random() < 0.5 else str(n)
    if column.key == "amount":
        return rng.choice([f"{rng.randint(1, 10**7)}元", f"{rng.randint(1, 10**6) / 100:.2f}万元", "/"])
    if column.money:
        return rng.choice([f"{rng.randint(0, 10**5) / 100:.2f}", "0", "/"])
    return _count(rng, rng.choice([0, rng.randint(1, 999)]))


@dataclass
class Printed:
    """A printed row: label cells, then value cells with their keys."""

    labels: list[str]
    keys: list[Key]
    texts: list[str]


def _label(rng: random.Random, text: str, traditional: bool) -> str:
    return S2T.convert(text) if traditional else text


def printed_rows(inst: Instance, rng: random.Random, traditional: bool) -> list[Printed | str]:
    """The form in printed order: heading lines (str) and rows; headers wrap or are cut at random."""
    out: list[Printed | str] = ["二、主动公开政府信息情况"]
    for block in forms.active_blocks(inst.fmt):
        out.append(Printed([_label(rng, block.caption, traditional)], [], []))
        headers = []
        for column in block.columns:
            label = column.label
            cut = rng.random()
            if cut < 0.2 and len(label) > 4:
                headers += [label[:3], label[3:]]  # a header wrapped over two lines
            elif cut < 0.3 and len(label) > 4:
                headers.append(label[:3])  # a header cut to its first characters (本年新)
            else:
                headers.append(label)
        out.append(Printed([_label(rng, "信息内容", traditional)] + [_label(rng, h, traditional) for h in headers], [], []))
        for row, label in block.rows:
            keys = [("active", row, c.key) for c in block.columns]
            out.append(Printed([_label(rng, label, traditional)], keys, [inst.cells[k] for k in keys]))
    out.append("三、收到和处理政府信息公开申请情况")
    spec = forms.table("requests")
    out.append(Printed([_label(rng, spec["corner"], traditional), spec["group"], "自然人", spec["legal_person"], "总计",
                        "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], [], []))
    previous: list[str] = []
    for row in forms.request_rows(inst.fmt):
        path = list(spec["rows"][row]["path"])
        labels = [level for i, level in enumerate(path) if previous[: i + 1] != path[: i + 1]]
        previous = path
        keys = [("requests", row, c) for c in forms.request_columns()]
        out.append(Printed([_label(rng, label, traditional) for label in labels], keys, [inst.cells[k] for k in keys]))
    out.append("四、政府信息公开行政复议、行政诉讼情况")
    out.append(Printed(["行政复议", "行政诉讼"], [], []))
    out.append(Printed(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"], [], []))
    out.append(Printed(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2, [], []))
    keys = [("review_litigation", r, c) for r in forms.review_rows() for c in forms.review_columns()]
    out.append(Printed([], keys, [inst.cells[k] for k in keys]))
    return out


class Renderer:
    """Text of one layout; remembers where each printed cell ends."""

    def __init__(self, layout: str) -> None:
        self.layout = layout
        self.parts: list[str] = []
        self.length = 0
        self.ends: dict[Key, int] = {}
        self.row_spans: list[tuple[list[Key], int, int]] = []  # keys, start, end of each printed row

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def cell(self, key: Key | None, text: str) -> None:
        self.write(text)
        if key is not None:
            self.ends[key] = self.length

    def row(self, printed: Printed | str) -> None:
        start = self.length
        if isinstance(printed, str):
            self.write(printed + "\n")
            return
        getattr(self, f"_{self.layout}")(printed)
        if printed.keys:
            self.row_spans.append((printed.keys, start, self.length))

    def _values(self, printed: Printed):
        return zip(printed.keys, printed.texts)

    def _row_per_line(self, printed: Printed) -> None:
        self.write(" ".join(printed.labels))
        for key, text in self._values(printed):
            if text:
                self.write(" ")
                self.cell(key, text)
        self.write("\n")

    def _cell_per_line_blank_lines(self, printed: Printed) -> None:
        for label in printed.labels:
            self.write(label + "\n\n")
        for key, text in self._values(printed):
            self.cell(key, f" {text}" if text else "")
            self.write("\n\n")

    def _cell_pipe_lines(self, printed: Printed) -> None:
        for label in printed.labels:
            self.write(f"{label} |\n")
        for key, text in self._values(printed):
            self.cell(key, text)
            self.write(" |\n")

    def _markdown(self, printed: Printed) -> None:
        self.write("|" + "".join(f" {label} |" for label in printed.labels))
        for key, text in self._values(printed):
            self.write(" ")
            self.cell(key, text)
            self.write(" |")
        self.write("\n")

    def _bare_pipe_row_ends(self, printed: Printed) -> None:
        texts = list(self._values(printed))
        while texts and not texts[-1][1]:
            texts.pop()  # trailing blank cells not printed: the row ends early
        for label in printed.labels:
            self.write(f"{label} |\n")
        for key, text in texts:
            self.cell(key, text)
            self.write(" |\n")
        self.write("|\n")

    def _padded_last_cells(self, printed: Printed) -> None:
        self.write(" | ".join(printed.labels))
        for key, text in self._values(printed):
            self.write(" | ")
            self.cell(key, text)
        self.write(" | ||\n")

    def _glued(self, printed: Printed) -> None:
        texts = [text for _, text in self._values(printed)]
        if printed.labels and texts and all(t.isdigit() for t in texts):
            self.write("".join(printed.labels))
            for key, text in self._values(printed):
                self.cell(key, text)
            self.write("\n")
        else:
            self._row_per_line(printed)

    def text(self) -> str:
        return "".join(self.parts)


def render(inst: Instance, layout: str, rng: random.Random) -> Renderer:
    renderer = Renderer(layout)
    traditional = rng.random() < 0.3
    for printed in printed_rows(inst, rng, traditional):
        renderer.row(printed)
    renderer.write("五、存在的主要问题及改进情况\n")
    return renderer


def _cut(text: str, rng: random.Random) -> int:
    """No cut, or a cut before a separator (a copy ends between tokens, not inside a number)."""
    if rng.random() < 0.3:
        return len(text)
    start = min(i for i in (text.find("第二十条"), text.find("第二十條")) if i >= 0)
    positions = [i for i in range(start, len(text)) if text[i] in " \n|"]
    return rng.choice(positions)


def _readable_whole(keys: list[Key], inst: Instance, layout: str, end: int, cut: int) -> bool:
    """A row printed whole before the cut whose cells the layout keeps apart (no blank dropped)."""
    if end > cut:
        return False
    return layout in KEEPS_BLANKS or all(inst.cells[k] != "" for k in keys)


def _natural_person_rows(read: dict) -> set[tuple[str, str]]:
    """Rows read as the one rule for short rows reads them (two equal numbers = 自然人 and 总计, the
    rest blank): printed that way, the rule's reading is the only one allowed to differ."""
    rows = set()
    for row in forms.request_rows():
        cells = [read.get(("requests", row, c)) for c in forms.request_columns()]
        if all(cells) and cells[0].status == "ok" and cells[0].value == cells[-1].value and \
                all(c.status == "blank" for c in cells[1:-1]):
            rows.add(("requests", row))
    return rows


def _assert_natural_person_rule(row: tuple[str, str], read: dict, inst: Instance, case) -> None:
    """The rule's reading agrees with the printed row: the same total, all of it from one applicant
    column (the rule names it 自然人, where nearly all requests come from)."""
    def number(key: Key) -> int:
        return parse_value(inst.cells[key], key[2])[0] or 0

    applicants = [(*row, c) for c in forms.applicant_columns()]
    total = number((*row, "total"))
    assert read[(*row, "total")].value == total, case
    assert read[(*row, "natural_person")].value == total == sum(number(k) for k in applicants), case
    assert sum(1 for k in applicants if number(k)) <= 1, case


def _expected(key: Key, text: str) -> tuple:
    value, unit, status = parse_value(text, key[2], key[0])
    return value, status


@pytest.mark.parametrize("layout", LAYOUTS)
def test_random_forms_in_every_text_layout_read_back(layout: str) -> None:
    for seed in range(CASES_PER_LAYOUT):
        rng = random.Random(f"{layout}-{seed}")
        inst = instance(rng, rng.choice(forms.FORMATS))
        renderer = render(inst, layout, rng)
        text = renderer.text()
        cut = _cut(text, rng)
        result = extract_tables_from_text(text[:cut])
        read = {(c.table_key, c.row_key, c.col_key): c for c in result.cells}
        case = (layout, seed, inst.fmt, cut)
        spread = _natural_person_rows(read)
        for key, cell in read.items():
            assert key in inst.cells, (case, key)  # nothing invented
            if key[:2] in spread:
                _assert_natural_person_rule(key[:2], read, inst, case)
                continue
            if cell.status == "unparsed":
                assert layout == "glued" and cell.raw_text.isdigit(), (case, cell)
                continue
            assert (cell.value, cell.status) == _expected(key, inst.cells[key]), (case, cell, inst.cells[key])
            assert renderer.ends.get(key, 0) <= cut, (case, key)  # nothing past the cut
        for keys, _, end in renderer.row_spans:
            if _readable_whole(keys, inst, layout, end, cut) and layout != "glued":
                missing = [k for k in keys if k not in read]
                assert not missing, (case, missing[:3], result.problems[:5])
        checks = report_checks(result.cells, result.table_formats, missing=result.missing)
        failing = [c for c in checks if c.severity == "hard" and c.result.startswith("fail")]
        assert not failing, (case, failing[:3])
