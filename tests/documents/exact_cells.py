"""Exact comparison of parsed cells with the expected JSON fixtures (value, unit, status, raw text)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cell_expectations import assert_cells_exact  # noqa: F401 (the documents tests import it here)

FIXTURES = Path(__file__).parent / "fixtures"  # the document files (PDF, Word, Excel)
SHARED = Path(__file__).parents[1] / "fixtures"  # report texts and expected cells, shared by all tests


def expected(name: str) -> dict:
    return json.loads((SHARED / name).read_text(encoding="utf-8"))
