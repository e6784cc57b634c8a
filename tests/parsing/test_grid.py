"""grid: HTML span expansion and the three text serializations."""

from __future__ import annotations

import lxml.html

from archive.content import Row
from archive.parsing.text_tables import text_rows
from archive.readers.html import cell_text, html_grid, html_rows


def _table(html: str):
    return lxml.html.fromstring(html).xpath("//table")[0]


def test_spans_repeat_text_and_rows_keep_distinct_cells():
    table = _table(
        "<table><tr><td rowspan=2>A</td><td colspan=2>B<br/>C</td></tr><tr><td>1</td><td>&nbsp;</td></tr></table>"
    )
    grid = html_grid(table)
    assert [[text for _, text in row] for row in grid] == [["A", "B C", "B C"], ["A", "1", ""]]
    assert html_rows(table) == [Row(("A", "B C"), True), Row(("A", "1", ""), True)]


def test_cell_text_paragraphs_and_nbsp():
    td = lxml.html.fromstring("<table><tr><td><p>本年新</p><p>制作数量</p></td></tr></table>").xpath("//td")[0]
    assert cell_text(td) == "本年新 制作数量"
    assert cell_text(lxml.html.fromstring("<table><tr><td>\u00a0</td></tr></table>").xpath("//td")[0]) == ""


def test_nested_layout_table_is_skipped_and_bad_spans_are_clamped():
    page = lxml.html.fromstring(
        '<div><table><tr><td><table><tr><td rowspan="99999" colspan="x">v</td></tr></table></td></tr></table></div>'
    )
    assert html_rows(page) == [Row(("v",), True)]


def test_cell_per_line_text():
    text = "标题\n第二十条第(一)项 |\n||||\n规章 |\n0 |\n |\n3 |\n|\n下文"
    assert text_rows(text) == [
        Row(("标题",), False), Row(("第二十条第(一)项",), True), Row(("规章", "0", "", "3"), True), Row(("下文",), False),
    ]


def test_row_per_line_text_forms():
    text = "规章 | 1 | |||\n| 规章 | 1 |  | 2 |\n|---|---|---|---|\n规章 0 0 5\n- 2 -"
    assert text_rows(text) == [
        Row(("规章", "1"), False),
        Row(("规章", "1", "", "2"), False),
        Row(("规章", "0", "0", "5"), False),
        Row(("-", "2", "-"), False),
    ]


def test_cell_per_line_text_with_blank_lines_between_cells():
    """HTML copies put every `cell |` in its own <p>: the blank lines between them end no row."""
    text = "行政复议 |\n\n行政诉讼 |\n\n|||||\n\n结果维持 |\n\n0 |\n\n |\n\n||\n"
    assert [row.cells for row in text_rows(text)] == [("行政复议", "行政诉讼"), ("结果维持", "0", "")]
