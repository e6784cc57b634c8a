"""Re-crawling: unchanged reports cost one request (304, or 200 with the same bytes) or none."""

from __future__ import annotations

import pytest

import demo_portal.server
from demo_portal.server import PortalServer
from demo_portal.site import build_demo_site
from tests.support.crawls import query_rows as _rows
from tests.support.crawls import run_crawl

pytestmark = [pytest.mark.crawl, pytest.mark.slow]


def _fetches(db, crawl_id):
    return _rows(db, "select url, status from fetches where crawl_id = ? and status is not null", crawl_id)


def _report_urls(db):
    return {r["url"] for r in _rows(db, "select url from reports")}


def test_second_crawl_revalidates_each_report_with_one_conditional_request(tmp_path):
    site = build_demo_site()
    db = tmp_path / "archive.db"
    with PortalServer(site) as portal:
        run_crawl(portal.url, db)
        snapshots = _rows(db, "select count(*) n from snapshots")[0]["n"]
        run_crawl(portal.url, db)
        report = sorted(site.report_paths())[1]
        revised = portal.page(report).body.replace("</body>".encode(), "<p>更正说明</p></body>".encode())
        portal.revise(report, revised)
        run_crawl(portal.url, db)
    second = _fetches(db, 2)
    reports = _report_urls(db)
    per_report = {url: [f["status"] for f in second if f["url"] == url] for url in reports}
    assert all(statuses == [304] for statuses in per_report.values()), per_report
    third = _fetches(db, 3)
    changed = portal.url.rstrip("/") + report
    assert [f["status"] for f in third if f["url"] == changed] == [200]
    assert all([f["status"] for f in third if f["url"] == url] == [304] for url in reports - {changed})
    assert _rows(db, "select count(*) n from snapshots")[0]["n"] == snapshots + 1
    versions = _rows(db, "select r.snapshot_id, s.body from reports r join snapshots s "
                         "on s.id = r.snapshot_id where r.url = ? order by r.id", changed)
    assert [v["body"] for v in versions] == [site.pages[report].body, revised]
    # The unchanged pages were still read from the archive: every report found again.
    assert _report_urls(db) == reports


def test_without_conditional_support_unchanged_bytes_add_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_portal.server, "_not_modified", lambda *args: False)
    site = build_demo_site()
    db = tmp_path / "archive.db"
    with PortalServer(site) as portal:
        run_crawl(portal.url, db)
        snapshots = _rows(db, "select count(*) n from snapshots")[0]["n"]
        run_crawl(portal.url, db)
    second = _fetches(db, 2)
    for url in _report_urls(db):
        assert [f["status"] for f in second if f["url"] == url] == [200]
    assert _rows(db, "select count(*) n from snapshots")[0]["n"] == snapshots


def test_fresh_snapshots_are_not_requested_at_all(tmp_path):
    site = build_demo_site()
    db = tmp_path / "archive.db"
    with PortalServer(site) as portal:
        run_crawl(portal.url, db)
        first_reports = _report_urls(db)
        before = len(portal.requests)
        run_crawl(portal.url, db, RECRAWL_FRESH_DAYS="1")
        after = len(portal.requests)
    assert after - before == 1  # robots.txt only
    assert _rows(db, "select count(*) n from fetches where crawl_id = 2 and url not like '%robots.txt'") == [{"n": 0}]
    assert _report_urls(db) == first_reports
