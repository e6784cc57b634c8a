"""corpus/025 (Markdown of a PDF, 2021 format): every cell, labels printed apart from their value rows."""

from __future__ import annotations

from archive.parsing.tables import extract_tables_from_text
from tests.cell_expectations import assert_table_cells
from tests.support.fixture_files import fixture_path

TEXT = fixture_path("corpus_025.txt")


def test_025_markdown_every_cell(expected_json):
    result = extract_tables_from_text(TEXT.read_text(encoding="utf-8"))
    expected = expected_json("corpus_025_expected.json")
    assert_table_cells(result, expected["cells"])
    assert result.table_formats == expected["table_formats"]
    assert result.problems == []


def test_wrapped_label_lines_are_one_row():
    """A label wrapped over two lines that both match the row's phrases takes one value row, not two."""
    text = (
        "三、收到和处理政府信息公开申请情况\n申请人情况\n"
        "2.申请人逾期未按收费\n通知要求缴纳费用、行\n"
        "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "| 3.其他 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |"
    )
    result = extract_tables_from_text(text)
    got = {(c.row_key, c.col_key): c.raw_text for c in result.cells if c.col_key in ("natural_person", "total")}
    assert got == {("other.fee_unpaid", "natural_person"): "0", ("other.fee_unpaid", "total"): "0",
                   ("other.other", "natural_person"): "4", ("other.other", "total"): "4"}
    assert not [p for p in result.problems if "has no values" in p or "without a label" in p]
