"""Fixtures of the crawl tests (the crawl itself: tests/support/crawls.py)."""

from __future__ import annotations

import pytest

from tests.support.crawls import run_crawl


@pytest.fixture
def crawl():
    return run_crawl
