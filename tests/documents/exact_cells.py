"""Exact comparison of parsed cells with the expected JSON fixtures (value, unit, status, raw text)."""

from __future__ import annotations

import json

from tests.cell_expectations import assert_cells_exact  # noqa: F401 (the documents tests import it here)
from tests.support.fixture_files import FIXTURES as SHARED  # report texts and expected cells, shared by all tests
from tests.support.fixture_files import document_path  # noqa: F401 (the document files: PDF, Word, Excel)


def expected(name: str) -> dict:
    return json.loads((SHARED / name).read_text(encoding="utf-8"))
