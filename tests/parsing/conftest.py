"""Shared helpers for the table-parser tests: fixtures on disk and exact cell comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TABLE_FIXTURES = Path(__file__).parents[1] / "fixtures"


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
