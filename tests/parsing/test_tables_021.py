"""corpus/021 (上海市政府办公厅 2019, real Word-style HTML): every cell, from HTML and from two text forms."""

from __future__ import annotations

import lxml.html
import pytest

from archive.parsing.tables import extract_tables_from_html, extract_tables_from_text
from tests.cell_expectations import assert_table_cells
from tests.parsing import text_forms
from tests.parsing.text_forms import Tables, td_rows

HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")


def cell_per_line(tables: Tables) -> str:
    return text_forms.cell_per_line(tables, HEADINGS)


def row_per_line(tables: Tables) -> str:
    return text_forms.row_per_line(tables, HEADINGS)


@pytest.fixture(scope="module")
def html(table_fixture) -> str:
    return table_fixture("corpus_021.html")


def test_021_html_every_cell(html, expected_json):
    result = extract_tables_from_html(lxml.html.fromstring(html))
    expected = expected_json("corpus_021_expected.json")
    assert_table_cells(result, expected["cells"])
    assert result.table_formats == expected["table_formats"]
    assert result.problems == []


def test_021_header_br_and_unit_cell(html):
    result = extract_tables_from_html(lxml.html.fromstring(html))
    (amount,) = [c for c in result.cells if c.col_key == "amount"]
    assert (amount.raw_text, str(amount.value), amount.unit) == ("251000元", "25.1", "元")
    blank = next(c for c in result.cells if (c.row_key, c.col_key) == ("granted", "total"))
    assert (blank.raw_text, blank.value, blank.status) == ("", None, "blank")


@pytest.mark.parametrize("serialize", [cell_per_line, row_per_line], ids=["cell_per_line", "row_per_line"])
def test_021_text_forms_every_cell(html, expected_json, serialize):
    text = serialize(td_rows(html))
    result = extract_tables_from_text(text)
    expected = expected_json("corpus_021_expected.json")
    assert_table_cells(result, expected["cells"])
    assert result.table_formats == expected["table_formats"]


def test_021_cell_per_line_form_looks_like_seed_000(html):
    text = cell_per_line(td_rows(html))
    assert text.splitlines()[:3] == ["二、主动公开政府信息情况", "第二十条第（一）项 |", "||||"]
