"""Two crawl processes sharing one frontier in Redis (scrapy-redis): every page is fetched once
across both, and their merged archives equal a one-process crawl of the same portal."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections import Counter

import pytest
from click.testing import CliRunner

from archive.cli import cli
from demo_portal.bulk import build_bulk_site
from demo_portal.server import PortalServer
from tests.support.crawls import query_rows, run_crawl, start_crawl

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on a free loopback port (.ci/run installs Debian's redis-server)."""
    if REDIS is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


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
    # Paced, so that the second process (idle until requests appear) takes its share.
    settings = {"ROBOTSTXT_OBEY": "False", "REDIS_URL": redis_url, "CONCURRENT_REQUESTS": "2",
                "DOWNLOAD_DELAY": "0.1"}
    with PortalServer(site) as portal:
        crawls = [start_crawl(portal.url, tmp_path / f"part{n}.db", **settings) for n in (1, 2)]
        logs = [process.communicate(timeout=180)[0] for process in crawls]
        assert [process.returncode for process in crawls] == [0, 0], logs
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
