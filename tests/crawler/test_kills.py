"""Kills at every commit point: the archive stays whole, and one more crawl repairs what a kill left.

The store's fault hook (GOV_REPORTS_FAULT_COMMIT) makes the crawl process exit, as kill -9 would
leave it, just before a commit: its Nth, or the Nth that writes a table (each kind of commit point:
the crawl row, a fetch, a snapshot, a report row, a parse). Every write is its own commit point here
(ARCHIVE_BATCH_WRITES=1), except what one item writes (snapshot, report row, parse), one unit.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from archive.repair import process_alive
from archive.store import FAULT_COMMIT_ENV, Archive
from demo_portal.server import PortalServer
from demo_portal.site import build_demo_site
from tests.support.crawls import PROJECT_ROOT, crawl_args, query_rows, run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

# Commit points of one crawl of the demo portal, from the first (the crawl row) to late in it.
KILL_POINTS = ("1", "crawls:2", "fetches:3", "fetches:40", "snapshots:1", "snapshots:10", "reports:1", "reports:5",
               "report_cell_values:2", "report_cell_values:6")
BATCH = {"ARCHIVE_BATCH_WRITES": "1"}


def _killed_crawl(url: str, db, point: str) -> int:
    """Run a crawl that dies before its `point`th commit; its exit status."""
    process = subprocess.run(crawl_args(url, db, **BATCH), cwd=PROJECT_ROOT, capture_output=True, text=True,
                             timeout=120, env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings",
                                               FAULT_COMMIT_ENV: point})
    return process.returncode


def _state(db) -> tuple:
    snapshots = {(r["url"], r["sha256"]) for r in query_rows(db, "select url, sha256 from snapshots")}
    reports = {(r["url"], r["kind"], r["parse_status"]) for r in query_rows(
        db, "select r.url, r.kind, r.parse_status from reports r")}
    return snapshots, reports


@pytest.fixture(scope="module")
def portal():
    with PortalServer(build_demo_site()) as server:
        yield server


@pytest.fixture(scope="module")
def reference(portal, tmp_path_factory):
    db = tmp_path_factory.mktemp("reference") / "archive.db"
    run_crawl(portal.url, db, **BATCH)
    return _state(db)


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_kill_at_any_commit_is_repaired_by_one_more_crawl(portal, reference, tmp_path, point):
    db = tmp_path / "archive.db"
    assert _killed_crawl(portal.url, db, point) == 137
    assert query_rows(db, "pragma integrity_check") == [{"integrity_check": "ok"}]
    run_crawl(portal.url, db, **BATCH)
    assert query_rows(db, "pragma integrity_check") == [{"integrity_check": "ok"}]
    assert _state(db) == reference
    assert query_rows(db, "select url, sha256, count(*) n from snapshots group by 1, 2 having n > 1") == []
    assert query_rows(db, "select count(*) n from reports where parse_status = 'pending'") == [{"n": 0}]
    crawls = [r["status"] for r in query_rows(db, "select status from crawls order by id")]
    # The crawl row of the killed run exists once its first commit went through.
    assert crawls == (["finished"] if point == "1" else ["killed", "finished"])


def test_reference_reports_are_all_parsed(reference):
    _, reports = reference
    assert reports and all(status != "pending" for _, _, status in reports)


def test_crawls_of_dead_processes_are_marked_killed_with_their_progress(tmp_path):
    archive = Archive(tmp_path / "a.db")
    dead, alive, legacy = (archive.start_crawl("gov_reports", {}) for _ in range(3))
    archive.record_crawl_process(dead, 999_999_999)
    archive.record_crawl_process(alive, os.getpid())
    assert archive.mark_killed_crawls(process_alive) == [dead, legacy]
    rows = query_rows(tmp_path / "a.db", "select id, status, stats from crawls order by id")
    assert [(r["id"], r["status"]) for r in rows] == [(dead, "killed"), (alive, "running"), (legacy, "killed")]
    assert rows[0]["stats"] == '{"fetches": 0, "snapshots": 0, "last_fetch_at": null}'
    assert archive.mark_killed_crawls(process_alive) == []
