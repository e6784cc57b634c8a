"""Real 平潭 report pages (corpus 001–019): every cell, from the page's HTML and from two text forms of it.

The fixtures are the report-body part of each real page.html (see tests/fixtures/pingtan/README.md); the
expected cells were written by hand from that HTML.
"""

from __future__ import annotations

import json
import lxml.html
import pytest

from archive.parsing.tables import extract_tables_from_html, extract_tables_from_text
from tests.cell_expectations import assert_table_cells
from tests.parsing.text_forms import cell_per_line, row_per_line, td_rows
from tests.support.fixture_files import DEMO_CONTENT, PINGTAN

STANDARD_HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
REPORTS = sorted(path.name.split("_")[0] for path in PINGTAN.glob("*_expected.json"))


def _html(name: str) -> str:
    # The demo portal shows the 2020-2024 pages' tables: one copy serves both.
    shown = DEMO_CONTENT / f"pingtan_{name}_tables.html"
    return (shown if shown.is_file() else PINGTAN / f"{name}.html").read_text(encoding="utf-8")


def _expected(name: str) -> dict:
    return json.loads((PINGTAN / f"{name}_expected.json").read_text(encoding="utf-8"))


def _headings(expected: dict) -> tuple[str, ...]:
    return tuple(expected.get("text_headings", STANDARD_HEADINGS))


def test_at_least_the_priority_reports_are_covered():
    assert {"015", "017", "019"} <= set(REPORTS)


@pytest.mark.parametrize("name", REPORTS)
def test_html_every_cell(name):
    expected = _expected(name)
    result = extract_tables_from_html(lxml.html.fromstring(_html(name)))
    assert_table_cells(result, expected["cells"])
    assert result.table_formats == expected["table_formats"]
    assert result.problems == []


@pytest.mark.parametrize("serialize", [cell_per_line, row_per_line], ids=["cell_per_line", "row_per_line"])
@pytest.mark.parametrize("name", REPORTS)
def test_text_forms_every_cell(name, serialize):
    expected = _expected(name)
    text = serialize(td_rows(_html(name)), _headings(expected))
    result = extract_tables_from_text(text)
    assert_table_cells(result, expected["cells"])
    assert result.table_formats == expected["table_formats"]
