"""Parsing happens in worker processes fed from the archive: a slowed parser never slows fetching,
and the crawl still ends with every report parsed."""

from __future__ import annotations

import re

import pytest

from demo_portal.bulk import build_bulk_site
from demo_portal.server import PortalServer
from tests.support.crawls import query_rows, run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

REPORTS = 24
DELAY = 0.5  # seconds each parse sleeps: REPORTS × DELAY of parsing for one worker


def test_a_slowed_parser_does_not_slow_fetching_and_every_report_is_parsed(tmp_path):
    site = build_bulk_site(REPORTS, per_page=8)
    db = tmp_path / "archive.db"
    with PortalServer(site) as portal:
        log = run_crawl(portal.url, db, GOV_REPORTS_PARSE_JOBS="1", GOV_REPORTS_DRAIN_JOBS="3",
                        GOV_REPORTS_PARSE_DELAY=str(DELAY), ROBOTSTXT_OBEY="False")
    reports = query_rows(db, "select parse_status, parsed_at from reports order by parsed_at")
    (last_fetch,) = query_rows(db, "select max(requested_at) as at from fetches")
    assert [r["parse_status"] for r in reports] == ["ok"] * REPORTS
    # Fetching took a second or two; parsing alone takes REPORTS × DELAY = 12 s: every page was
    # fetched while most reports still waited for the worker.
    assert last_fetch["at"] < reports[REPORTS // 2]["parsed_at"]
    # What was left (at least 3 × GOV_REPORTS_PARSE_AHEAD reports) was drained by three workers.
    (left,) = re.findall(r"Parse stage: draining (\d+) report\(s\) with 3 worker process\(es\)", log)
    assert int(left) >= REPORTS // 2


def test_with_no_worker_processes_the_crawl_parses_everything_when_it_closes(tmp_path):
    site = build_bulk_site(3)
    db = tmp_path / "archive.db"
    with PortalServer(site) as portal:
        run_crawl(portal.url, db, GOV_REPORTS_PARSE_JOBS="0", ROBOTSTXT_OBEY="False")
    assert query_rows(db, "select parse_status from reports") == [{"parse_status": "ok"}] * 3


def test_a_first_crawl_builds_the_row_indexes_once_and_a_later_one_keeps_them(tmp_path):
    site = build_bulk_site(3)
    db = tmp_path / "archive.db"
    with PortalServer(site) as portal:
        first = run_crawl(portal.url, db, ROBOTSTXT_OBEY="False")
        indexed = query_rows(db, "select count(*) as n from report_check_values indexed by "
                                 "report_check_values_identity where identity_id > 0")
        again = run_crawl(portal.url, db, ROBOTSTXT_OBEY="False")  # the archive has cells now
    checks = query_rows(db, "select count(*) as n from report_check_values")
    assert indexed == checks and checks[0]["n"] > 3 * 40
    assert "Checks' indexes built in" in first
    assert "indexes built" not in again
