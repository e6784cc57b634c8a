"""Crawl processes sharing one frontier in Redis (scrapy-redis): every page is fetched once across
them, their merged archives equal a one-process crawl of the same portal, and they spend one page budget."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner

from archive.cli import cli
from demo_portal.bulk import build_bulk_site
from demo_portal.server import PortalServer
from tests.support.crawls import query_rows, run_crawl
from tests.support.shared_crawls import redis_server, run_shared_crawls

pytestmark = [pytest.mark.slow, pytest.mark.crawl]


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


def _content(db) -> dict:
    return {
        "snapshots": sorted((r["url"], r["sha256"]) for r in query_rows(db, "select url, sha256 from snapshots")),
        "reports": sorted((r["url"], r["kind"], r["title"], r["parse_status"]) for r in query_rows(
            db, "select url, kind, title, parse_status from reports")),
        "cells": sorted(tuple(r.values()) for r in query_rows(
            db, "select r.url, c.table_key, c.row_key, c.col_key, c.value, c.status from report_cells c "
                "join reports r on r.id = c.report_id")),
    }


def test_two_processes_share_one_frontier_and_merge_into_one_crawl(tmp_path, redis_url):
    site = build_bulk_site(40, per_page=5)
    with PortalServer(site) as portal:
        run_shared_crawls(portal, [tmp_path / f"part{n}.db" for n in (1, 2)], redis_url)
        shared = Counter((method, target) for method, target, _ in portal.requests)
        portal.requests.clear()
        run_crawl(portal.url, tmp_path / "single.db", ROBOTSTXT_OBEY="False")
        single = Counter((method, target) for method, target, _ in portal.requests)
    assert {request: n for request, n in shared.items() if n > 1} == {}
    assert set(shared) == set(single)
    fetched = [query_rows(tmp_path / f"part{n}.db", "select count(*) as n from fetches")[0]["n"] for n in (1, 2)]
    assert all(fetched), fetched  # both processes took part
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "merged.db"), str(tmp_path / "part1.db"),
                                      str(tmp_path / "part2.db")])
    assert result.exit_code == 0, result.output
    assert _content(tmp_path / "merged.db") == _content(tmp_path / "single.db")


@pytest.mark.parametrize("budget", [9, 14])
def test_two_processes_spend_one_shared_page_budget(tmp_path, redis_url, budget):
    site = build_bulk_site(40, per_page=5)
    parts = [tmp_path / f"part{n}.db" for n in (1, 2)]
    with PortalServer(site) as portal:
        # Paced so that spending the budget outlasts Scrapy's 5 s heartbeat: a process that found
        # the shared queue empty looks again only then, and under load the other could spend all
        # of a small budget before it did.
        run_shared_crawls(portal, parts, redis_url, GOV_REPORTS_SOURCE_PAGES=str(budget), DOWNLOAD_DELAY="1.2")
        served = len(portal.requests)
    fetched = [query_rows(db, "select count(*) as n from fetches")[0]["n"] for db in parts]
    assert served == budget
    assert sum(fetched) == budget
    assert all(fetched), fetched  # both processes spent some of it
