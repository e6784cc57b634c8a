"""Shared helpers for the table-parser tests: fixtures on disk and exact cell comparison."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from archive.parsing.tables import TableResult
from tests.cell_expectations import expected_cells

TABLE_FIXTURES = Path(__file__).parents[1] / "fixtures"


def assert_cells_equal(result: TableResult, cells: dict) -> None:
    """Every cell exactly as expected: same key set, value, unit, status (and raw text when given)."""
    expected = expected_cells(cells)
    actual = {(c.table_key, c.row_key, c.col_key): c for c in result.cells}
    assert sorted(actual) == sorted(expected), result.problems
    for key, spec in expected.items():
        cell = actual[key]
        value = spec["value"]
        want = Decimal(str(value)) if isinstance(value, float) else value
        assert cell.value == want, (key, cell)
        assert type(cell.value) is type(want) or isinstance(want, Decimal) is isinstance(cell.value, Decimal), key
        default_status = "ok" if value is not None else "blank"
        assert cell.status == spec.get("status", default_status), (key, cell)
        assert cell.unit == spec.get("unit"), (key, cell)
        if "raw_text" in spec:
            assert cell.raw_text == spec["raw_text"], (key, cell)


@pytest.fixture(scope="session")
def table_fixture():
    def load(name: str) -> str:
        return (TABLE_FIXTURES / name).read_text(encoding="utf-8")

    return load


@pytest.fixture(scope="session")
def expected_json():
    def load(name: str) -> dict:
        return json.loads((TABLE_FIXTURES / name).read_text(encoding="utf-8"))

    return load
