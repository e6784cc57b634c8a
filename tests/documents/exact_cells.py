"""Exact comparison of parsed cells with the expected JSON fixtures (value, unit, status, raw text)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from archive.parsing.model import Cell
from tests.cell_expectations import expected_cells

FIXTURES = Path(__file__).parent / "fixtures"  # the document files (PDF, Word, Excel)
SHARED = Path(__file__).parents[1] / "fixtures"  # report texts and expected cells, shared by all tests


def expected(name: str) -> dict:
    return json.loads((SHARED / name).read_text(encoding="utf-8"))


def assert_cells_exact(cells: list[Cell], expected_json: dict) -> None:
    """The same set of cells, each with exactly the expected value, unit, status and raw text."""
    want = expected_cells(expected_json)
    actual = {(c.table_key, c.row_key, c.col_key): c for c in cells if c.status != "derived"}
    assert sorted(actual) == sorted(want)
    for key, spec in want.items():
        cell, value = actual[key], spec["value"]
        assert cell.value == (Decimal(str(value)) if isinstance(value, float) else value), (key, cell)
        assert cell.status == spec.get("status", "ok" if value is not None else "blank"), (key, cell)
        assert cell.unit == spec.get("unit"), (key, cell)
        assert cell.raw_text == spec.get("raw_text", "" if value is None else str(value)), (key, cell)
