"""Expected cells as written in the tests' JSON fixtures (rows as {col: value} or value lists)."""

from __future__ import annotations

from decimal import Decimal

from archive.parsing.model import Cell
from archive.parsing.tables import REQUEST_COLUMNS, REVIEW_COLUMNS


def expected_cells(cells: dict) -> dict[tuple[str, str, str], dict]:
    """Flatten an expected `cells` object: rows as {col: value} or, compactly, as value lists."""
    flat: dict[tuple[str, str, str], dict] = {}
    for table_key, rows in cells.items():
        if not isinstance(rows, dict):
            continue  # e.g. "empty (no data row)": the table yields no cells
        columns = REQUEST_COLUMNS if table_key == "requests" else REVIEW_COLUMNS
        for row_key, row in rows.items():
            pairs = zip(columns, row) if isinstance(row, list) else row.items()
            for col_key, spec in pairs:
                flat[(table_key, row_key, col_key)] = spec if isinstance(spec, dict) else {"value": spec}
    return flat


def assert_cells_exact(cells: list[Cell], expected_json: dict, *, problems: object = None) -> None:
    """The same set of printed cells, each with exactly the expected value (and its type: int or
    Decimal), status, unit and raw text (the printed number unless the fixture writes it)."""
    want = expected_cells(expected_json)
    actual = {(c.table_key, c.row_key, c.col_key): c for c in cells if c.status != "derived"}
    assert sorted(actual) == sorted(want), problems
    for key, spec in want.items():
        cell, value = actual[key], spec["value"]
        expected_value = Decimal(str(value)) if isinstance(value, float) else value
        assert cell.value == expected_value and isinstance(cell.value, Decimal) == isinstance(expected_value, Decimal), (key, cell)
        assert cell.status == spec.get("status", "ok" if value is not None else "blank"), (key, cell)
        assert cell.unit == spec.get("unit"), (key, cell)
        assert cell.raw_text == spec.get("raw_text", "" if value is None else str(value)), (key, cell)


def assert_table_cells(result, expected_json: dict) -> None:
    """A table extraction result (archive.parsing.tables.TableResult) against the expected cells."""
    assert_cells_exact(result.cells, expected_json, problems=result.problems)
