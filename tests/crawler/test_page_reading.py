"""Each fetched page is decoded and parsed once in the crawl process: the fetch-kind middleware and
the spider read one tree (crawler/page_reading.py)."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from urllib.parse import urlsplit

import pytest

from archive.decoding import decode_body
from demo_portal.server import PortalServer
from tests.support.crawls import PROJECT_ROOT, crawl_args
from tests.support.parse_count import text_key
from tests.support.portals import fixture_site

pytestmark = [pytest.mark.slow, pytest.mark.crawl]


def _page_path(target: str) -> str:
    path = urlsplit(target).path
    return path + "index.html" if path.endswith("/") else path


def test_every_page_a_crawl_fetches_is_parsed_once(tmp_path):
    site = fixture_site()
    db, counts = tmp_path / "archive.db", tmp_path / "parses.json"
    with PortalServer(site) as portal:
        command = crawl_args(portal.url, db)
        # Run as the counting wrapper: `python -m tests.support.parse_count COUNTS crawl …`.
        command[1:3] = ["-m", "tests.support.parse_count", str(counts)]
        done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"})
        served = [(_page_path(target), status) for _, target, status in portal.requests]
    assert done.returncode == 0, done.stdout + done.stderr
    parses = json.loads(counts.read_text())
    keys = Counter(text_key(decode_body(page.body, page.content_type).text) for page in site.pages.values())
    fetched = Counter(path for path, status in served if status == 200)
    html = [page for path, page in site.pages.items() if path in fetched and "html" in page.content_type
            and page.status == 200 and keys[text_key(decode_body(page.body, page.content_type).text)] == 1]
    # The home page, areas, the column and its list pages, reports, a decoy, navigation pages.
    assert Counter(page.kind for page in html) == {"home": 1, "area": 2, "column": 1, "list": 2, "report": 11,
                                                   "decoy": 1, "nav": 8}
    assert {page.path: parses.get(text_key(decode_body(page.body, page.content_type).text), 0) for page in html} \
        == {page.path: fetched[page.path] for page in html}  # the column is fetched under two URLs
