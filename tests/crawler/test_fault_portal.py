"""One crawl of the fault portal (tests/support/fault_portal.py): bounded, every genuine report found,
no fault page among the reports, each fault in `fetches` with its kind, memory under a bound; then a
re-crawl: a report turned soft-404 is an event with its versions untouched, a view counter is no version."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.support.crawls import PROJECT_ROOT, crawl_args, query_rows, run_crawl
from tests.support.fault_portal import COLUMN, FaultPortal

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

SETTINGS = {"DOWNLOAD_TIMEOUT": "2", "RETRY_TIMES": "1", "GOV_REPORTS_LIST_MAX_CHAIN": "10",
            "GOV_REPORTS_SHAPE_MAX_URLS": "30", "ROBOTSTXT_OBEY": "False"}
CRAWL_SECONDS = 90  # the whole crawl, faults and traps included (about 15 s on an idle machine)
PEAK_RSS_MB = 600  # the crawl's process tree (a 50 MB-capped gzip bomb, an 8 MB page, an 80 MB docx bomb)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _peak_rss_mb(pid: int, done: threading.Event, peak: list[int]) -> None:
    """Poll the process tree's resident memory high-water marks (VmHWM) until the crawl ends."""
    while not done.is_set():
        total = 0
        for process in [pid, *_children(pid)]:
            try:
                with open(f"/proc/{process}/status") as status:
                    total += next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
            except (OSError, StopIteration):
                pass
        peak[0] = max(peak[0], total // 1024)
        time.sleep(0.1)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except OSError:
        return []


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db = tmp_path_factory.mktemp("faults") / "archive.db"
    with FaultPortal() as portal:
        started = time.monotonic()
        process = subprocess.Popen(crawl_args(portal.url + COLUMN, db, **SETTINGS), cwd=PROJECT_ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"})
        done, peak = threading.Event(), [0]
        watcher = threading.Thread(target=_peak_rss_mb, args=(process.pid, done, peak))
        watcher.start()
        log, _ = process.communicate(timeout=CRAWL_SECONDS * 2)
        seconds = time.monotonic() - started
        done.set()
        watcher.join()
        assert process.returncode == 0, log
        first = {"reports": query_rows(db, "select * from reports"), "snapshots": query_rows(
            db, "select id, url, sha256 from snapshots")}
        portal.switch_to_second_crawl()
        run_crawl(portal.url + COLUMN, db, **SETTINGS)
        yield db, log, seconds, peak[0], first, portal


def test_the_crawl_ends_within_its_time_and_memory(crawled):
    _, log, seconds, peak_mb, *_ = crawled
    assert seconds < CRAWL_SECONDS, log[-3000:]
    assert 0 < peak_mb < PEAK_RSS_MB


def test_every_genuine_report_is_found_and_no_fault_page_is_a_report(crawled):
    *_, first, portal = crawled
    pages = {_path(r["url"]) for r in first["reports"] if r["kind"] == "page"}
    assert pages == portal.genuine
    attachments = [(_path(r["url"]), r["parse_status"]) for r in first["reports"] if r["kind"] == "attachment"]
    assert attachments == [("/ndbg/bomb.docx", "over_limit:docx")]
    assert all(r["parse_status"] != "pending" for r in first["reports"])


def test_each_fault_is_in_fetches_with_its_kind(crawled):
    db, *_, portal = crawled
    kinds: dict[str, set[str]] = {}
    for row in query_rows(db, "select url, kind from fetches where crawl_id = 1"):
        kinds.setdefault(_path(row["url"]).split("?")[0] if "login.jsp" in row["url"] else _path(row["url"]),
                         set()).add(row["kind"])
    for path, kind in portal.kinds.items():
        assert kinds.get(path) == {kind}, (path, kinds.get(path))
    assert kinds["/ndbg/r2023.html"] == {"ok"}


def test_traps_are_cut(crawled):
    db, *_ = crawled
    fetched = [_path(r["url"]) for r in query_rows(db, "select url from fetches where crawl_id = 1")]
    assert sorted(p for p in fetched if p.startswith("/ndbg/cal")) == [f"/ndbg/cal?ym=2026-{m:02d}" for m in range(6, 13)]
    assert sorted(p for p in fetched if p.startswith("/ndbg/sess.jsp")) == [f"/ndbg/sess.jsp?p={p}" for p in (1, 2, 3)]
    assert [p for p in fetched if p.startswith("/ndbg/loop")] == ["/ndbg/loop/", "/ndbg/loop/loop/", "/ndbg/loop/loop/loop/"]
    # The column's pager (with the gap to page 1 filled), then list pages in a row up to the chain limit.
    assert sorted(int(p.split("=")[1]) for p in fetched if p.startswith("/ndbg/list")) == list(range(1, 13))
    assert 1 <= len([p for p in fetched if p.startswith("/ndbg/rnd/")]) <= 30
    assert not [r for r in query_rows(db, "select url from fetches") if "r2012" in r["url"]]  # another port


def test_big_pages_are_archived_whole_and_bombs_are_refused(crawled):
    db, *_, portal = crawled
    sizes = {_path(r["url"]): r["size"] for r in query_rows(db, "select url, size from snapshots")}
    assert sizes["/ndbg/big.html"] == len(portal.big)
    assert sizes["/ndbg/huge.html"] > 100_000 and "/ndbg/deep.html" in sizes
    errors = {_path(r["url"]): r["error"] for r in query_rows(db, "select url, error from fetches where error is not null")}
    assert "/ndbg/bomb.html" not in sizes
    assert "TimeoutError" in errors["/ndbg/drip.html"] or "timeout" in errors["/ndbg/drip.html"].lower()


def test_a_report_turned_soft_404_is_an_event_and_keeps_its_versions(crawled):
    db, *_, first, _ = crawled
    events = query_rows(db, "select report_id, url, kind from report_events")
    r2023 = next(r for r in first["reports"] if r["url"].endswith("/ndbg/r2023.html"))
    assert [(e["report_id"], _path(e["url"]), e["kind"]) for e in events] == [
        (r2023["id"], "/ndbg/r2023.html", "removed_soft_404")]
    assert query_rows(db, "select id, snapshot_id from reports where url like '%r2023.html'") == [
        {"id": r2023["id"], "snapshot_id": r2023["snapshot_id"]}]


def test_a_view_counter_is_not_a_new_version(crawled):
    db, *_ = crawled
    rows = query_rows(db, "select snapshot_id from fetches where url like '%/ndbg/r2022.html' order by id")
    assert len(rows) == 2 and rows[0] == rows[1]
    assert query_rows(db, "select count(*) n from snapshots where url like '%/ndbg/r2022.html'") == [{"n": 1}]


def test_the_per_source_summary_counts_each_kind(crawled):
    db, log, *_ = crawled
    summary = next(line for line in log.splitlines() if "Fetches of 127.0.0.1: " in line)
    for kind in ("soft_404", "challenge", "login_wall", "truncated", "redirected_to_home", "over_limit"):
        assert f" {kind}" in summary, summary
    counts = {r["kind"]: r["n"] for r in query_rows(db, "select kind, count(*) n from fetches where crawl_id = 1 group by 1")}
    assert counts["soft_404"] == 1 and counts["challenge"] == 2 and counts["truncated"] >= 2
