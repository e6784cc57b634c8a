"""Derived cells of the requests table (format-spec §6.2, forms.yaml `derived`): never printed, computed,
status `derived`.

`denied`, `unable`, `not_processed` (the sums of their reason rows), `other` in 2021 reports (the sum of
the three `other.*` rows, so that the key compares with the single 2019 row) and, for every row, the
column `legal_person` (the five 法人或其他组织 columns). A sum is derived only from printed numbers:
blank and not-applicable parts count as 0, at least one part must be a number, and an unparsed part
means no derived value (never a guess).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from archive.parsing import forms
from archive.parsing.model import Cell

LEGAL_PERSON, ORG_COLUMNS = forms.derived_column()
_ZERO_STATUSES = ("blank", "not_applicable")
_NUMBER_STATUSES = ("ok", "derived")


def _sum(parts: list[Cell]) -> int | Decimal | None:
    total: int | Decimal = 0
    numbers = False
    for part in parts:
        if part.status in _NUMBER_STATUSES:
            if part.value is not None:
                total += part.value
                numbers = True
        elif part.status not in _ZERO_STATUSES:  # unparsed: no derived value, never a guess
            return None
    return total if numbers else None


def _cell(row_key: str, col_key: str, value: int | Decimal) -> Cell:
    return Cell("requests", row_key, col_key, raw_text="", value=value, unit=None, status="derived")


def derived_cells(cells: list[Cell], table_formats: dict[str, str]) -> list[Cell]:
    """The derived requests cells of a report, from its printed cells."""
    requests = [c for c in cells if c.table_key == "requests" and c.status != "derived"]
    if not requests:
        return []
    groups = forms.derived_groups(table_formats.get("requests"))
    by_group: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    by_row: dict[str, list[Cell]] = defaultdict(list)
    for cell in requests:
        family = cell.row_key.split(".")[0]
        if "." in cell.row_key and family in groups:
            by_group[(family, cell.col_key)].append(cell)
        if cell.col_key in ORG_COLUMNS:
            by_row[cell.row_key].append(cell)
    derived = [_cell(group, col, value) for (group, col), parts in by_group.items()
               if (value := _sum(parts)) is not None]
    derived_rows: dict[str, list[Cell]] = defaultdict(list)
    for cell in derived:
        if cell.col_key in ORG_COLUMNS:
            derived_rows[cell.row_key].append(cell)
    for row_key, parts in [*by_row.items(), *derived_rows.items()]:
        value = _sum(parts) if len(parts) == len(ORG_COLUMNS) else None
        if value is not None:
            derived.append(_cell(row_key, LEGAL_PERSON, value))
    return derived
