"""Rows of a flattened pre-2019 annex found in linear time, exactly where the row pattern's own search
finds them (that search was quadratic over a long stretch without a row: a mutated 100 KB report
took minutes to parse)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

import re

from archive.parsing.pre2019 import _DIGIT, _next_annex_row, read_annex_text

# The row pattern as first written (its label could run into blanks), searched from each position:
# the reference, quadratic over a long stretch without a row and over a long run of blanks.
_ANNEX_ROW = re.compile(r"(?P<label>(?:其中[:：]\s*)?(?:\d{1,2}[.、．])?[^\d\s][^\d]*?)\s*(?P<unit>人次|万元|条|件|元|次|个|篇|项|人)\s*"
                        r"(?P<values>\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)*)")

# Labels, units (one and two characters, and their halves), numbers, list numbers and their marks,
# the "其中：" aside, blanks of every kind, and other digits and words.
_PIECES = st.sampled_from(["主动公开信息数", "网站公开", "申请", "人次", "人", "次", "万元", "万", "元", "条", "件", "个",
                           "篇", "项", "0", "7", "12", "425", "3.5", ".", "、", "．", "1、", "12.", "123、", "其中",
                           "其中：", "其中:", "：", " ", "  ", "\n", "\u3000", "\t", "年", "2008", "a", "（一）", "，"])


def _rows(body: str, search) -> list[tuple]:
    found, position = [], 0
    while (match := search(body, position)) is not None:
        found.append((match.span(), match.groupdict()))
        position = match.end()
    return found


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
@example("条 5 其中：1、网站公开 条 400")
@example("其中：1、同意公开 \u3000\n \u3000\n  条 5 网站 \t 公开\n人次 3")
@example("其中:\u3000 12.网站公开条4 其中：其中：123、申请人次5")
def test_the_next_row_is_where_the_pattern_searching_from_each_position_finds_it(body):
    digits = [digit.start() for digit in _DIGIT.finditer(body)]
    for position in range(len(body) + 1):
        expected, found = _ANNEX_ROW.search(body, position), _next_annex_row(body, position, digits)
        assert (found and (found.span(), found.groupdict())) == (expected and (expected.span(), expected.groupdict()))


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_successive_rows_are_the_patterns(body):
    digits = [digit.start() for digit in _DIGIT.finditer(body)]
    assert _rows(body, lambda text, at: _next_annex_row(text, at, digits)) == _rows(body, _ANNEX_ROW.search)


def test_a_long_annex_without_rows_is_read():
    # 100,000 characters of prose after the annex's rows, and 30,000 blanks inside a row: the
    # pattern's own search took minutes on the one and seconds on the other (both read in
    # milliseconds now; benchmarks/fuzz_readers.py runs the fuzzing).
    body = ("统计指标 计量单位 2008年度 主动公开信息数 条 425 其中：1、网站公开" + " \u3000\n" * 10_000 + "条 400 "
            + "年度报告的说明，" * 12_500)
    cells, problems = read_annex_text(body)
    assert [(cell.raw_text, cell.value) for cell in cells] == [("425", 425), ("400", 400)]
    assert problems == []
