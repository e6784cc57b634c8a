"""The pipeline counts every report it archives (`archive/reports`, kept in `crawls.stats`), new
or unchanged, and says which in the log."""

from __future__ import annotations

import pytest

import json
import re
import sqlite3

from demo_portal.server import PortalServer
from demo_portal.site import build_demo_site

pytestmark = [pytest.mark.slow, pytest.mark.crawl]


def _stats(db, crawl_id: int) -> dict:
    connection = sqlite3.connect(db)
    try:
        (stats,) = connection.execute("select stats from crawls where id = ?", [crawl_id]).fetchone()
    finally:
        connection.close()
    return json.loads(stats)


def _archived_reports(log: str, state: str) -> int:
    return len(re.findall(rf"Archived report \S+ \(.*, snapshot \d+, {state}\)", log))


def test_reports_are_counted_in_the_crawl_stats_when_new_and_when_unchanged(tmp_path, crawl):
    site = build_demo_site()
    db = tmp_path / "archive.db"
    with PortalServer(site) as portal:
        first = crawl(portal.url, db)
        second = crawl(portal.url, db)
    reports = len(site.report_paths())
    assert [_stats(db, crawl_id).get("archive/reports") for crawl_id in (1, 2)] == [reports, reports]
    assert (_archived_reports(first, "new"), _archived_reports(first, "unchanged")) == (reports, 0)
    assert (_archived_reports(second, "new"), _archived_reports(second, "unchanged")) == (0, reports)
