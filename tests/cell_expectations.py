"""Expected cells as written in the tests' JSON fixtures (rows as {col: value} or value lists)."""

from __future__ import annotations

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
