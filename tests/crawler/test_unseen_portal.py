"""A portal laid out unlike the demo (another CMS's URLs, titles in <div class=title>, 下页 pagers,
a report published only as a PDF, decoys about reports): every report, no decoy."""

from __future__ import annotations

import pytest

from demo_portal.server import PortalServer
from tests.support.crawls import query_rows, run_crawl
from tests.support.unseen_portal import unseen_site

pytestmark = [pytest.mark.crawl, pytest.mark.slow]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = unseen_site()
    db = tmp_path_factory.mktemp("unseen") / "archive.db"
    with PortalServer(site) as portal:
        run_crawl(portal.url, db)
    return site, db


def test_every_report_page_is_found_from_the_home_page(crawled):
    site, db = crawled
    pages = {r["url"].split("/", 3)[3] for r in query_rows(db, "select url from reports where kind = 'page'")}
    assert {"/" + p for p in pages} == site.report_paths()


def test_a_report_listed_only_as_a_pdf_is_named_by_its_own_title(crawled):
    """Its link text is truncated (某区2021年政府信息公开工…), so the PDF's own title decides."""
    site, db = crawled
    rows = query_rows(db, "select url, title, year, format from reports where kind = 'attachment'")
    assert [("/" + r["url"].split("/", 3)[3], r["title"], r["year"], r["format"]) for r in rows] == [
        ("/xxgk/ndbg/P020220120.pdf", "洪泽区人民政府2023年政府信息公开工作年度报告", 2023, "2019+2021")]


def test_no_decoy_is_recorded_as_a_report(crawled):
    site, db = crawled
    archived = {r["url"].split("/", 3)[3] for r in query_rows(db, "select url from reports")}
    assert not {"/" + p for p in archived} & site.decoy_paths()
    snapshots = {"/" + r["url"].split("/", 3)[3] for r in query_rows(db, "select url from snapshots")}
    assert site.decoy_paths() <= snapshots  # fetched, read, and rejected


def test_a_gbk_page_under_a_utf8_header_is_read_by_its_meta_and_stored_raw(crawled):
    site, db = crawled
    path = "/xxgk/ndbg/content/post_1902.html"
    (row,) = query_rows(db, "select s.body, s.encoding, r.title, r.year, r.parse_status from snapshots s "
                            "join reports r on r.snapshot_id = s.id where s.url like ?", "%" + path)
    assert row["body"] == site.pages[path].body
    assert (row["encoding"], row["title"], row["year"], row["parse_status"]) == (
        "gb18030", "2019年上海市人民政府办公厅政府信息公开工作年度报告", 2019, "ok")
