"""Fixtures of the table-parser tests: fixture files read by name."""

from __future__ import annotations

import json

import pytest

from tests.support.fixture_files import fixture_path


@pytest.fixture(scope="session")
def table_fixture():
    def load(name: str) -> str:
        return fixture_path(name).read_text(encoding="utf-8")

    return load


@pytest.fixture(scope="session")
def expected_json():
    def load(name: str) -> dict:
        return json.loads(fixture_path(name).read_text(encoding="utf-8"))

    return load
