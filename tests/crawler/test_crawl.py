"""End to end: `scrapy crawl gov_reports` against the fixture portal on loopback (port 0)."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from archive.publish.search import build_search_index, search_ids
from demo_portal.server import PortalServer
from demo_portal.site import build_demo_site
from tests.cell_expectations import expected_cells
from tests.support.crawls import query_rows as _rows
from tests.support.crawls import run_crawl, start_crawl
from tests.support.fixture_files import FIXTURES
from tests.support.portals import fixture_site

pytestmark = [pytest.mark.slow, pytest.mark.crawl]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")



@pytest.fixture(scope="module")
def site():
    return fixture_site()


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """One crawl of the fixture portal, shared by the assertions below; the second start URL is an
    old column address that redirects (302) to the current one."""
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    with PortalServer(site) as portal:
        log = run_crawl(f"{portal.url},{portal.url}xxgknb/index.html", db)
        requests = list(portal.requests)
    return db, log, requests, portal


def test_every_report_and_no_decoy_is_archived(site, crawled):
    db, *_ = crawled
    pages = {_path(r["url"]) for r in _rows(db, "select url from reports where kind = 'page'")}
    assert pages == site.report_paths()
    assert not pages & site.decoy_paths()


def test_attachments_are_archived_and_linked_to_their_report(site, crawled):
    db, *_ = crawled
    rows = _rows(db, "select url, parent_url from reports where kind = 'attachment'")
    assert {_path(r["url"]) for r in rows} == site.attachment_paths()
    assert all(_path(r["parent_url"]) in site.report_paths() for r in rows)


def test_bodies_are_byte_identical_to_what_was_served(site, crawled):
    db, _, _, portal = crawled
    snapshots = _rows(db, "select url, body from snapshots")
    assert len(snapshots) >= len(site.report_paths()) + len(site.attachment_paths())
    for snapshot in snapshots:
        assert snapshot["body"] == portal.page(_path(snapshot["url"])).body, snapshot["url"]


def test_robots_txt_is_obeyed(site, crawled):
    db, _, requests, _ = crawled
    disallowed = [path for path, page in site.pages.items() if page.kind == "disallowed"]
    assert disallowed
    assert not [r for r in requests if r[1] in disallowed]
    errors = {_path(r["url"]): r["error"] for r in _rows(db, "select url, error from fetches where error is not null")}
    assert all("robots.txt" in errors[path] for path in disallowed)


def test_failures_are_in_fetches(site, crawled):
    db, *_ = crawled
    statuses: dict[str, list[int]] = {}
    for row in _rows(db, "select url, status from fetches where status is not null order by id"):
        statuses.setdefault(_path(row["url"]), []).append(row["status"])
    assert site.broken_links and site.flaky
    for path in site.broken_links:
        assert statuses[path] == [404]
    for path, status in site.flaky.items():
        assert statuses[path] == [status, 200]


def test_redirect_chain_is_recorded(site, crawled):
    db, *_ = crawled
    redirects = {path: page for path, page in site.pages.items() if 300 <= page.status < 400}
    assert redirects
    rows = _rows(db, "select url, status, redirect_chain from fetches")
    for path, page in redirects.items():
        assert any(_path(r["url"]) == path and r["status"] == page.status for r in rows)
        target = dict(page.headers)["Location"]
        final = [r for r in rows if _path(r["url"]) == target and r["redirect_chain"]]
        assert [_path(u) for u in json.loads(final[0]["redirect_chain"])] == [path]


def test_gbk_page_is_stored_raw_and_decoded_for_its_title(site, crawled):
    db, *_ = crawled
    gbk = [path for path, page in site.pages.items() if "gbk" in page.content_type.lower()
           or b"charset=gbk" in page.body[:500].lower()]
    assert gbk
    for path in gbk:
        row = _rows(db, "select s.body, s.encoding, r.title from snapshots s left join reports r "
                        "on r.snapshot_id = s.id where s.url like ?", "%" + path)[0]
        assert row["body"] == site.pages[path].body
        assert row["encoding"] == "gb18030"
        if site.pages[path].kind == "report":
            assert row["title"] == site.pages[path].title


def test_every_fetch_row_has_time_and_outcome(crawled):
    db, *_ = crawled
    rows = _rows(db, "select requested_at, status, error, bytes from fetches")
    assert all(r["requested_at"].endswith("Z") for r in rows)
    assert all((r["status"] is None) != (r["error"] is None) for r in rows)
    assert all(r["bytes"] is not None for r in rows if r["status"] is not None)


@pytest.mark.slow
def test_changed_page_gets_a_second_snapshot_and_keeps_the_first(site, tmp_path):
    db = tmp_path / "archive.db"
    report = sorted(site.report_paths())[0]
    with PortalServer(site) as portal:
        run_crawl(portal.url, db)
        original = site.pages[report].body
        revised = original.replace(b"</body>", "<p>更正：补充说明。</p></body>".encode()) \
            if b"<meta charset=\"gbk\"" not in original else original + b" "
        portal.revise(report, revised)
        run_crawl(portal.url, db)
    rows = _rows(db, "select url, body from snapshots order by id")
    bodies = [r["body"] for r in rows if _path(r["url"]) == report]
    assert bodies == [original, revised]
    counts = {}
    for r in rows:
        counts[_path(r["url"])] = counts.get(_path(r["url"]), 0) + 1
    assert {path for path, n in counts.items() if n > 1} == {report}
    reports = _rows(db, "select snapshot_id from reports where url like ?", "%" + report)
    assert len(reports) == 2


def _snapshot_count(db) -> int:
    """Snapshots committed so far by a running crawl (0 before its schema exists)."""
    if not db.exists():
        return 0
    try:
        return _rows(db, "select count(*) n from snapshots")[0]["n"]
    except sqlite3.OperationalError:
        return 0


def _wait_for_snapshots(db, count: int, seconds: float = 60) -> None:
    """Until a running crawl has committed `count` snapshots (then it is killed mid-crawl)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _snapshot_count(db) < count:
        time.sleep(0.5)


def _slow_down(portal, site, seconds):
    for path in site.pages:
        portal.set_delay(path, seconds)


def _interrupt(portal, site, db, signum: int, *extra: str) -> str:
    """Start a slowed crawl, send it `signum` once 5 snapshots are committed, wait for it to end;
    the portal is fast again afterwards. Returns the crawl's output."""
    _slow_down(portal, site, 0.3)
    process = start_crawl(portal.url, db, *extra, CONCURRENT_REQUESTS_PER_DOMAIN="1")
    _wait_for_snapshots(db, 5)
    process.send_signal(signum)
    output, _ = process.communicate(timeout=60)
    _slow_down(portal, site, 0)
    return output


def _final_state(db):
    snapshots = _rows(db, "select url, sha256 from snapshots")
    return ({(_path(r["url"]), r["sha256"]) for r in snapshots}, len(snapshots),
            {_path(r["url"]) for r in _rows(db, "select url from reports")})


@pytest.mark.slow
def test_crawl_killed_with_sigkill_then_rerun_reaches_the_same_archive(site, tmp_path, crawled):
    reference_db, *_ = crawled
    expected, expected_count, expected_reports = _final_state(reference_db)
    db = tmp_path / "archive.db"
    with PortalServer(site) as portal:
        _interrupt(portal, site, db, signal.SIGKILL)
        interrupted = _rows(db, "select count(*) n from snapshots")[0]["n"]
        assert 5 <= interrupted < expected_count
        assert _rows(db, "pragma integrity_check")[0] == {"integrity_check": "ok"}
        run_crawl(portal.url, db)
    assert _final_state(db) == (expected, expected_count, expected_reports)


@pytest.mark.slow
def test_sigint_pauses_and_jobdir_resumes(site, tmp_path, crawled):
    reference_db, *_ = crawled
    expected = _final_state(reference_db)
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    with PortalServer(site) as portal:
        output = _interrupt(portal, site, db, signal.SIGINT, "-s", f"JOBDIR={jobdir}")
        assert "shutdown" in _rows(db, "select status from crawls")[0]["status"], output
        run_crawl(portal.url, db, "-s", f"JOBDIR={jobdir}")
    assert _final_state(db) == expected
    crawls = _rows(db, "select status from crawls order by id")
    assert [c["status"] for c in crawls] == ["shutdown", "finished"]


def test_reports_are_parsed_in_the_pipeline_from_the_archived_bytes(crawled):
    """The 上海 2019 report (real Word HTML) is parsed during the crawl: every cell as printed."""
    db, *_ = crawled
    expected = json.loads((FIXTURES / "corpus_021_expected.json").read_text(encoding="utf-8"))["cells"]
    (report,) = _rows(db, "select id, format, parse_status, year, agency from reports "
                          "where title = '2019年上海市人民政府办公厅政府信息公开工作年度报告'")
    assert (report["format"], report["parse_status"], report["year"], report["agency"]) == \
        ("2019", "ok", 2019, "上海市人民政府办公厅")
    stored = {(c["table_key"], c["row_key"], c["col_key"]): c["value"] for c in _rows(
        db, "select table_key, row_key, col_key, value from report_cells where report_id = ? "
        "and status != 'derived'", report["id"])}
    assert stored == {key: spec["value"] for key, spec in expected_cells(expected).items()}
    checks = {c["identity"]: c["result"] for c in _rows(
        db, "select identity, result from report_checks where report_id = ?", report["id"])}
    assert checks["I1"] == "pass"


def test_every_demo_report_is_parsed_with_the_status_its_content_allows(crawled):
    """The demo portal's reports (real texts, real table markup) as the crawl parsed them."""
    db, *_ = crawled
    rows = {(r["title"], r["kind"], r["parse_status"], r["format"]) for r in _rows(
        db, "select title, kind, parse_status, format from reports")}
    assert rows == {
        ("平潭综合实验区2024年度政府信息公开工作年度报告", "page", "ok", "2021"),
        ("平潭综合实验区2022年度政府信息公开工作年度报告", "page", "ok", "2021"),
        ("平潭综合实验区2020年度政府信息公开工作年度报告", "page", "ok", "2019"),
        ("2020年政府信息公开工作年度报告", "page", "ok", "2019"),  # traditional on the page
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "page", "ok", "2019"),
        ("智慧新城管委会2019年度政府信息公开年度报告", "page", "ok", "2019"),
        # rows lost by the PDF conversion (listed in notes): partial, not ok (issue 10)
        ("2024年上海市科委政府信息公开工作年度报告", "page", "partial:active+requests", "2021"),
        ("洪泽区人民政府2023年政府信息公开工作年度报告", "page", "see_attachment", "unknown"),
        ("洪泽区人民政府2023年政府信息公开工作年度报告", "attachment", "ok", "2019+2021"),
        # their glued indicator annex is read now (issue 10; cells that split more than one way unparsed)
        ("平潭综合实验区2018年度政府信息公开工作年度报告", "page", "ok", "pre2019"),
        ("平潭综合实验区2016年度政府信息公开工作年度报告", "page", "ok", "pre2019"),
        ("平潭综合实验区地方税务局2013年信息公开年度报告", "page", "no_tables", "unknown"),
    }


@pytest.mark.slow
def test_crawl_killed_with_sigkill_resumes_from_the_same_jobdir(site, tmp_path, crawled):
    """kill -9 leaves Scrapy's JOBDIR inconsistent; rerunning with it still reaches the whole archive."""
    reference_db, *_ = crawled
    expected = _final_state(reference_db)
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    with PortalServer(site) as portal:
        _interrupt(portal, site, db, signal.SIGKILL, "-s", f"JOBDIR={jobdir}")
        assert (jobdir / "gov_reports.running").exists()
        log = run_crawl(portal.url, db, "-s", f"JOBDIR={jobdir}")
    assert "did not stop cleanly" in log
    assert _final_state(db) == expected
    assert not (jobdir / "gov_reports.running").exists()


@pytest.mark.slow
def test_year_argument_limits_the_archive_to_one_data_year(tmp_path):
    site, db = build_demo_site(), tmp_path / "archive.db"
    with PortalServer(site) as portal:
        run_crawl(portal.url, db, "-a", "year=2019")
    assert {(r["title"], r["year"]) for r in _rows(db, "select title, year from reports")} == {
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", 2019),
        ("智慧新城管委会2019年度政府信息公开年度报告", 2019),
    }


# The portal's chrome (demo_portal/layout.py): menus, breadcrumb and footer around every article.
CHROME_LINES = ("首页", "政务公开", "政策文件", "新闻动态", "互动交流", "办事服务", "关于本站", "联系我们", "网站地图")


def test_report_text_is_the_article_not_the_site(crawled):
    """reports.text, report_sections and the search index hold the report only (issue 10)."""
    db, *_ = crawled
    pages = _rows(db, "select id, title, text from reports where kind = 'page' and text != ''")
    assert len(pages) == 11
    for page in pages:
        lines = {line.strip() for line in page["text"].splitlines()}
        assert not lines & set(CHROME_LINES), page["title"]
        assert "当前位置" not in page["text"] and "网站标识码" not in page["text"], page["title"]
    sections = _rows(db, "select text from report_section_texts")
    assert sections and not any("当前位置" in s["text"] or "网站地图" in s["text"] for s in sections)
    database = sqlite_utils.Database(db)
    build_search_index(database)
    titles = {r["id"]: r["title"] for r in _rows(db, "select id, title from reports")}
    # Only the two reports whose own narrative says 互动交流 (2016: 与社会公众互动交流不足; 2024: 持续增进互动交流).
    assert {titles[i] for i in search_ids(database, "互动交流")} == {
        "平潭综合实验区2016年度政府信息公开工作年度报告", "平潭综合实验区2024年度政府信息公开工作年度报告"}
    assert search_ids(database, "网站地图") == [] and search_ids(database, "当前位置") == []


def test_reports_are_indexed_for_search_as_they_are_parsed(crawled):
    """The parse stage adds every report to the search index with tokens its parser process made,
    so the crawl's closing preparation has none left to tokenize."""
    db, log, *_ = crawled
    assert "Search index: 0 report(s) (re)indexed" in log
    (indexed,) = _rows(db, "select (select count(*) from report_search) as indexed, "
                           "(select count(*) from reports) as reports")
    assert indexed["indexed"] == indexed["reports"] > 10
