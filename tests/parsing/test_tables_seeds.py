"""Both project seeds, as text, parse to exactly the cells of seeds/expected (copied into fixtures)."""

from __future__ import annotations

from archive.parsing.tables import extract_tables_from_text
from tests.cell_expectations import assert_table_cells


def test_seed_000_traditional_with_pinyin_every_cell(table_fixture, expected_json):
    result = extract_tables_from_text(table_fixture("seed_000.txt"))
    assert_table_cells(result, expected_json("seed_000_expected.json")["cells"])
    assert result.table_formats == {"active": "2019", "requests": "2019", "review_litigation": "2019"}
    assert result.found == ["active", "requests", "review_litigation"]
    assert result.problems == []
    assert result.notes == []


def test_seed_000_money_keeps_printed_text_and_unit(table_fixture):
    result = extract_tables_from_text(table_fixture("seed_000.txt"))
    (amount,) = [c for c in result.cells if c.col_key == "amount"]
    assert (amount.raw_text, str(amount.value), amount.unit) == ("63363.40萬元", "63363.4", "万元")


def test_seed_003_dropped_cells_footer_and_note(table_fixture, expected_json):
    result = extract_tables_from_text(table_fixture("seed_003.txt"))
    assert_table_cells(result, expected_json("seed_003_expected.json")["cells"])
    assert result.table_formats == {"active": "2019", "requests": "2019"}
    assert result.found == ["active", "requests"]
    assert result.notes == ["(注:政府集中采购项目数量和采购总金额为2018年度的数据)"]
    assert result.problems == []


def test_seed_003_cell_order_is_table_row_col(table_fixture):
    result = extract_tables_from_text(table_fixture("seed_003.txt"))
    keys = [(c.table_key, c.row_key, c.col_key) for c in result.cells]
    assert keys[:4] == [
        ("active", "art20_1.regulations", "made"),
        ("active", "art20_1.regulations", "published"),
        ("active", "art20_1.regulations", "public_total"),
        ("active", "art20_1.normative_docs", "made"),
    ]
    assert keys[22] == ("requests", "new_received", "natural_person")
    assert keys[-1] == ("requests", "carried_forward", "total")
