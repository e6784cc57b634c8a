"""The seeds rendered as Word-style HTML (spans, <p> in cells, <br> in headers, &nbsp; blanks) parse exactly."""

from __future__ import annotations

import lxml.html
import pytest
from test_properties import Layout, Report, render_html, render_text

from archive.parsing.tables import (
    REQUEST_COLUMNS,
    extract_tables_from_html,
    extract_tables_from_text,
)
from tests.cell_expectations import assert_table_cells


def _raw(spec) -> str:
    if isinstance(spec, dict):
        return spec["raw_text"]
    return "" if spec is None else str(spec)


def seed_report(cells: dict) -> Report:
    review = cells["review_litigation"]
    return Report(
        fmt="2019",
        active={row: {col: _raw(v) for col, v in cols.items()} for row, cols in cells["active"].items()},
        requests={row: [_raw(cols[c]) for c in REQUEST_COLUMNS] for row, cols in cells["requests"].items()},
        review=[_raw(v) for cols in review.values() for v in cols.values()] if isinstance(review, dict) else [],
    )


LAYOUTS = {
    # seed 000 is a traditional-script page; render it so, with （1） markers and a split requests table.
    "seed_000_expected.json": Layout(True, "()", False, True, 9, True, True),
    "seed_003_expected.json": Layout(False, "、", True, True, None, False, False),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_seed_as_word_html(name, expected_json):
    cells = expected_json(name)["cells"]
    page = render_html(seed_report(cells), LAYOUTS[name])
    assert "<br/>" in page and "&nbsp;" in page or name == "seed_000_expected.json"
    result = extract_tables_from_html(lxml.html.fromstring(page))
    assert_table_cells(result, cells)
    assert result.problems == []


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_seed_as_cell_per_line_text(name, expected_json):
    cells = expected_json(name)["cells"]
    result = extract_tables_from_text(render_text(seed_report(cells), LAYOUTS[name], cell_per_line=True))
    assert_table_cells(result, cells)
