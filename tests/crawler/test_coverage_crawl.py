"""Coverage across crawls of one fixture portal: a report deleted (404), one changed, one turned into a
soft-404 between two crawls; and the health of crawls that fail wholly or partly."""

from __future__ import annotations

import pytest

import re
import socket
from pathlib import Path

from demo_portal.layout import ListItem, Metadata, article_main, document, list_main
from demo_portal.server import PortalServer
from demo_portal.site import Page, PortalSite
from tests.support.crawls import query_rows, run_crawl, start_crawl
from tests.support.fixture_files import fixture_path

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

HTML = "text/html; charset=utf-8"
COLUMN = "/xxgk/nb/"
BODY = fixture_path("seed_000.txt").read_text(encoding="utf-8")
AS_OF = "2024-06-01"
# path → (agency, data year, publication date)
REPORTS = {
    COLUMN + "t_gov2020.html": ("福州市晋安区人民政府", 2020, "2021-03-15"),
    COLUMN + "t_edu2020.html": ("福州市晋安区教育局", 2020, "2021-02-10"),
    COLUMN + "t_edu2021.html": ("福州市晋安区教育局", 2021, "2022-01-20"),
    COLUMN + "t_gov2021.html": ("福州市晋安区人民政府", 2021, "2022-04-02"),
    COLUMN + "t_gov2022.html": ("福州市晋安区人民政府", 2022, "2023-03-01"),
    COLUMN + "t_fin2022.html": ("福州市晋安区财政局", 2022, "2023-01-16"),
}
DELETED, CHANGED, SOFT_404 = (COLUMN + "t_edu2021.html", COLUMN + "t_gov2021.html", COLUMN + "t_gov2022.html")
UNLISTED = COLUMN + "t_fin2022.html"  # still served, no longer linked from the column
NOT_FOUND_PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>页面不存在</title></head>"
                  "<body><p>对不起，您访问的页面不存在或已被删除。</p><a href='/'>返回首页</a></body></html>").encode()


def _title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def _report(path: str, agency: str, year: int, published: str, extra: str = "") -> Page:
    title = _title(agency, year)
    meta = Metadata(index_no=f"FZJA-{year}-{len(path)}", publisher=agency, written=published,
                    published=published, title=title, category="政府信息公开年报")
    body = "".join(f"<p>{line}</p>" for line in BODY.splitlines() if line.strip()) + extra
    html = document(site_name="晋安区人民政府", title=title, crumbs=(("首页", "/"),), main=article_main(meta, body))
    return Page(path, html.encode(), HTML, kind="report", title=title)


def _site(reports: dict = REPORTS) -> PortalSite:
    items = [ListItem(path, _title(agency, year), published) for path, (agency, year, published) in reports.items()]
    column = document(site_name="晋安区人民政府", title="政府信息公开年报", crumbs=(("首页", "/"),),
                      main=list_main("政府信息公开年报", items))
    home = document(site_name="晋安区人民政府", title="首页", crumbs=(("首页", "/"),),
                    main=f"<a href='{COLUMN}'>政府信息公开年报</a>")
    pages = {"/index.html": Page("/index.html", home.encode(), HTML, kind="home"),
             COLUMN + "index.html": Page(COLUMN + "index.html", column.encode(), HTML, kind="column")}
    pages |= {path: _report(path, *fields) for path, fields in reports.items()}
    return PortalSite(pages=pages, column=COLUMN)


def test_a_portal_crawled_twice_reports_removed_changed_and_late(tmp_path):
    db = tmp_path / "archive.db"
    with PortalServer(_site()) as portal:
        run_crawl(portal.url, db, GOV_REPORTS_COVERAGE_AS_OF=AS_OF)
        portal.remove(DELETED)
        portal.revise(CHANGED, _report(CHANGED, *REPORTS[CHANGED], extra="<p>（更正：补充第六部分。）</p>").body)
        portal.revise(SOFT_404, NOT_FOUND_PAGE)
        listed = _site({path: fields for path, fields in REPORTS.items() if path != UNLISTED})
        portal.revise(COLUMN + "index.html", listed.pages[COLUMN + "index.html"].body)
        run_crawl(portal.url, db, GOV_REPORTS_COVERAGE_AS_OF=AS_OF)
        base = portal.url.rstrip("/")
    coverage = query_rows(db, "select name, kind, division_code, year, deadline, status, published, days_late, "
                              "changed, removed_event, url from coverage order by kind, name, year")
    government, education = "350111 government", "350111 福州市晋安区教育局"
    url = {path: base + path for path in REPORTS}
    assert coverage == [
        {"name": "福州市晋安区教育局", "kind": "department", "division_code": "350111", "year": 2020,
         "deadline": "2021-01-31", "status": "late", "published": "2021-02-10", "days_late": 10, "changed": 0,
         "removed_event": None, "url": url[COLUMN + "t_edu2020.html"]},
        {"name": "福州市晋安区教育局", "kind": "department", "division_code": "350111", "year": 2021,
         "deadline": "2022-01-31", "status": "removed", "published": "2022-01-20", "days_late": 0, "changed": 0,
         "removed_event": "removed_404", "url": url[DELETED]},
        {"name": "福州市晋安区教育局", "kind": "department", "division_code": "350111", "year": 2022,
         "deadline": "2023-01-31", "status": "missing", "published": None, "days_late": None, "changed": 0,
         "removed_event": None, "url": None},
        {"name": "福州市晋安区教育局", "kind": "department", "division_code": "350111", "year": 2023,
         "deadline": "2024-01-31", "status": "missing", "published": None, "days_late": None, "changed": 0,
         "removed_event": None, "url": None},
        {"name": "福州市晋安区财政局", "kind": "department", "division_code": "350111", "year": 2022,
         "deadline": "2023-01-31", "status": "removed", "published": "2023-01-16", "days_late": 0, "changed": 0,
         "removed_event": "unlisted", "url": url[UNLISTED]},
        {"name": "福州市晋安区财政局", "kind": "department", "division_code": "350111", "year": 2023,
         "deadline": "2024-01-31", "status": "missing", "published": None, "days_late": None, "changed": 0,
         "removed_event": None, "url": None},
        {"name": "福州市晋安区人民政府", "kind": "government", "division_code": "350111", "year": 2020,
         "deadline": "2021-03-31", "status": "on_time", "published": "2021-03-15", "days_late": 0, "changed": 0,
         "removed_event": None, "url": url[COLUMN + "t_gov2020.html"]},
        {"name": "福州市晋安区人民政府", "kind": "government", "division_code": "350111", "year": 2021,
         "deadline": "2022-03-31", "status": "late", "published": "2022-04-02", "days_late": 2, "changed": 1,
         "removed_event": None, "url": url[CHANGED]},
        {"name": "福州市晋安区人民政府", "kind": "government", "division_code": "350111", "year": 2022,
         "deadline": "2023-03-31", "status": "removed", "published": "2023-03-01", "days_late": 0, "changed": 0,
         "removed_event": "removed_soft_404", "url": url[SOFT_404]},
        {"name": "福州市晋安区人民政府", "kind": "government", "division_code": "350111", "year": 2023,
         "deadline": "2024-03-31", "status": "missing", "published": None, "days_late": None, "changed": 0,
         "removed_event": None, "url": None},
    ]
    events = query_rows(db, "select url, kind, crawl_id from report_events order by url")
    assert events == [{"url": url[DELETED], "kind": "removed_404", "crawl_id": 2},
                      {"url": url[UNLISTED], "kind": "unlisted", "crawl_id": 2},
                      {"url": url[CHANGED], "kind": "changed", "crawl_id": 2},
                      {"url": url[SOFT_404], "kind": "removed_soft_404", "crawl_id": 2}]
    versions = query_rows(db, "select s.url, count(distinct s.id) as snapshots, count(distinct r.id) as reports "
                              "from snapshots s left join reports r on r.snapshot_id = s.id "
                              "where s.url like '%/t_%' group by s.url order by s.url")
    assert versions == [{"url": url[COLUMN + "t_edu2020.html"], "snapshots": 1, "reports": 1},
                        {"url": url[DELETED], "snapshots": 1, "reports": 1},
                        {"url": url[UNLISTED], "snapshots": 1, "reports": 1},
                        {"url": url[COLUMN + "t_gov2020.html"], "snapshots": 1, "reports": 1},
                        {"url": url[CHANGED], "snapshots": 2, "reports": 2},
                        {"url": url[SOFT_404], "snapshots": 2, "reports": 1}]
    publishers = query_rows(db, "select id, kind, division_code, parent_id, first_year, last_year from publishers "
                                "where id in (?, ?) order by id", government, education)
    assert publishers == [
        {"id": government, "kind": "government", "division_code": "350111", "parent_id": "350000 government",
         "first_year": 2020, "last_year": 2022},
        {"id": education, "kind": "department", "division_code": "350111", "parent_id": government,
         "first_year": 2020, "last_year": 2021}]
    provinces = query_rows(db, "select province, level, count(*) as n from report_overview group by 1, 2 order by 2")
    assert provinces == [{"province": "福建省", "level": "county", "n": 4}, {"province": "福建省", "level": "department", "n": 3}]
    assert query_rows(db, "select status from crawls order by id") == [{"status": "finished"}] * 2


def _dead_url() -> str:
    with socket.socket() as probe:  # bound then closed: nothing listens there any more
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/"


def _finished(start_url: str, db: Path, **settings: str) -> tuple[int, str]:
    process = start_crawl(start_url, db, **settings)
    output, _ = process.communicate(timeout=120)
    return process.returncode, output


def test_an_unreachable_portal_fails_the_crawl_with_a_one_line_reason(tmp_path):
    db = tmp_path / "archive.db"
    status, output = _finished(_dead_url(), db)
    assert status == 1
    assert output.rstrip().splitlines()[-1] == (
        "gov-reports: crawl failed: every request failed (4 requests: DownloadConnectionRefusedError ×4)")
    assert query_rows(db, "select status, problems from crawls") == [
        {"status": "failed", "problems": "every request failed (4 requests: DownloadConnectionRefusedError ×4)"}]


def test_a_partly_failing_portal_is_degraded(tmp_path):
    site, db = _site(), tmp_path / "archive.db"
    for path in list(REPORTS)[:4]:  # four of six reports answer 500, each tried 1 + RETRY_TIMES times
        site.pages[path] = Page(path, b"<html><body>error</body></html>", HTML, status=500, kind="report")
    with PortalServer(site) as portal:
        status, output = _finished(portal.url, db)
    assert status == 1
    assert output.rstrip().splitlines()[-1] == (
        "gov-reports: crawl degraded: error rate 83% above 50% (19 of 23 requests)")
    health = query_rows(db, "select source, last_requests, last_errors, last_reports, last_errors_by_kind "
                            "from source_health")
    assert [{k: v for k, v in row.items() if k != "source"} for row in health] == [
        {"last_requests": 23, "last_errors": 19, "last_reports": 2,
         "last_errors_by_kind": "HTTP 404 ×3, HTTP 500 ×16"}]  # the menu's /zwgk/, /zwgk/zcwj/ and site map /wzdt/ are 404
    assert query_rows(db, "select status from crawls") == [{"status": "degraded"}]


def test_a_source_that_had_reports_and_found_none_is_degraded(tmp_path):
    db = tmp_path / "archive.db"
    with PortalServer(_site()) as portal:
        run_crawl(portal.url, db)
        empty = _site({})
        portal.revise(COLUMN + "index.html", empty.pages[COLUMN + "index.html"].body)
        status, output = _finished(portal.url, db)
    assert status == 1
    # The menu's /zwgk/ and /zwgk/zcwj/ and the site map /wzdt/ are 404 on this tiny portal: 3 of its
    # 5 requests. Its reports are in the archive, so no last-resort links are spent on it.
    assert re.fullmatch(r"gov-reports: crawl degraded: error rate 60% above 50% \(3 of 5 requests\); "
                        r"source\(s\) that had reports found none: 127\.0\.0\.1", output.rstrip().splitlines()[-1])
    assert query_rows(db, "select status from crawls order by id") == [{"status": "finished"}, {"status": "degraded"}]


def test_reports_served_from_the_archive_without_a_request_are_not_unlisted(tmp_path):
    db = tmp_path / "archive.db"
    with PortalServer(_site()) as portal:
        run_crawl(portal.url, db)
        run_crawl(portal.url, db, RECRAWL_FRESH_DAYS="30")
    # Only what was never archived reaches the network again: robots.txt and the menu's three 404s.
    fetched = {"/" + r["url"].split("/", 3)[3] for r in query_rows(db, "select url from fetches where crawl_id = 2")}
    assert fetched == {"/robots.txt", "/zwgk/", "/zwgk/zcwj/", "/wzdt/"}
    assert query_rows(db, "select * from report_events") == []
    assert query_rows(db, "select status from crawls order by id") == [{"status": "finished"}] * 2
