"""A report published as a PDF flipbook, crawled from a portal's home page: one report for the book,
every text page archived, the pages' text joined and parsed, re-parsed from the archive alone.

The column lists an HTML report, the book's JavaScript viewer (`/book/2023/hzq/index.html`, which
links its `files/basic-html/index.html`), on its second page the same book again (a link straight
to its page 1), and a flipbook that is not a report (a work plan). A second
crawl starts in the middle of the book (its page 4, as a search engine would link it).
"""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from archive.parsed_reports import reparse_all
from archive.parsing.model import Cell
from archive.store import Archive, utc_now
from demo_portal.server import PortalServer
from demo_portal.site import Page, PortalSite
from tests.documents.exact_cells import assert_cells_exact, expected
from tests.support.crawls import query_rows, run_crawl
from tests.support.fixture_files import fixture_path
from tests.support.flipbooks import flipbuilder_book, pdf_pages

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

HTML = "text/html; charset=utf-8"
BOOK = "/book/2023/hzq/"
PLAN = "/book/2024/gzyd/"
BOOK_TITLE = "洪泽区人民政府2023年政府信息公开工作年度报告"

# The viewer page Flip PDF Professional writes beside files/ (scripts and metadata shortened).
VIEWER = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML+RDFa 1.0//EN" "http://www.w3.org/MarkUp/DTD/xhtml-rdfa-1.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{name}</title>
<meta name="Generator" content="Flip PDF Professional 2.4.10.2 at http://www.flipbuilder.com" />
<link rel="apple-touch-icon" href="files/thumb/1.jpg" />
<script type="text/javascript" src="js/swfobject.js"></script>
</head>
<body>
<div id="flashContent">
<p>To view this page ensure that Adobe Flash Player version 10.0.0 or greater is installed.</p>
 Besides, it's possible to <a href='./files/basic-html/index.html'>view a simplified version of the flippdf book on any device </a>,
or you can view flippdf <a href='mobile/index.html'>mobile version </a>
</div>
<noscript><div><hr/><ul><li><a href="files/basic-html/index.html">Pages</a></li></ul><hr style="width:80%"/></div></noscript>
</body>
</html>"""


def _page(path: str, title: str, main: str, kind: str) -> Page:
    html = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} - 某区人民政府</title></head>"
            "<body><div class='nav'><a href='/'>首页</a><a href='/xxgk/'>信息公开</a></div>"
            f"<div class='main'><h1>{title}</h1>{main}</div></body></html>")
    return Page(path, html.encode("utf-8"), HTML, kind=kind, title=title)


def _book_pages(folder: str, name: str, texts: list[str], kind: str) -> dict[str, Page]:
    pages = {folder + "index.html": Page(folder + "index.html", VIEWER.format(name=name).encode(), HTML, kind="nav"),
             folder + "mobile/index.html": Page(folder + "mobile/index.html", b"<html><body></body></html>", HTML,
                                                kind="nav")}
    for name_, markup in flipbuilder_book(name, texts).items():
        path = folder + "files/basic-html/" + name_
        pages[path] = Page(path, markup.encode("utf-8"), HTML, kind=kind)
    return pages


def _site() -> PortalSite:
    report = "/xxgk/ndbg/content/post_2001.html"
    text = fixture_path("seed_000.txt").read_text(encoding="utf-8")
    pages = {report: _page(report, "某区2020年政府信息公开工作年度报告",
                           "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip()), "report")}
    pages |= _book_pages(BOOK, "hzq2023", pdf_pages(), "flipbook")
    pages |= _book_pages(PLAN, "gzyd2024", ["某区2024年政务公开工作要点\n一、深化主动公开\n二、规范依申请公开",
                                            "三、加强平台建设\n四、强化监督保障"], "decoy")
    first = [(report, "某区2020年政府信息公开工作年度报告"), (BOOK + "index.html", "洪泽区2023年政府信息公开工作年度报告"),
             (PLAN + "files/basic-html/index.html", "某区2024年政务公开工作要点（电子书）")]
    second = [(BOOK + "files/basic-html/page1.html", "洪泽区2023年政府信息公开工作年度报告")]

    def listing(entries, pager):
        items = "".join(f"<li><a href='{p}'>{t}</a><span>2024-01-20</span></li>" for p, t in entries)
        return f"<ul class='list'>{items}</ul><div class='page'>{pager}</div>"

    pages["/xxgk/ndbg/index.shtml"] = _page("/xxgk/ndbg/index.shtml", "年度报告",
                                           listing(first, "<a href='index_2.shtml'>下页</a>"), "column")
    pages["/xxgk/ndbg/index_2.shtml"] = _page("/xxgk/ndbg/index_2.shtml", "年度报告",
                                             listing(second, "<a href='index.shtml'>上页</a>"), "list")
    pages["/xxgk/index.html"] = _page("/xxgk/index.html", "信息公开",
                                      "<a href='/xxgk/ndbg/index.shtml'>政府信息公开年度报告</a>", "area")
    pages["/index.html"] = _page("/index.html", "某区人民政府", "<a href='/xxgk/'>政务公开</a>", "home")
    pages["/robots.txt"] = Page("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain", kind="robots")
    return PortalSite(pages=pages, column="/xxgk/ndbg/")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db = tmp_path_factory.mktemp("flipbook") / "archive.db"
    with PortalServer(_site()) as portal:
        run_crawl(portal.url, db)
        yield portal.url.rstrip("/"), db


@pytest.fixture(scope="module")
def crawled_from_page_4(tmp_path_factory):
    db = tmp_path_factory.mktemp("flipbook_middle") / "archive.db"
    with PortalServer(_site()) as portal:
        run_crawl(portal.url.rstrip("/") + BOOK + "files/basic-html/page4.html", db)
        yield portal.url.rstrip("/"), db


def _value(value: int | float | None) -> int | Decimal | None:
    """A stored cell value as the parser gave it (SQLite hands fractional values back as floats)."""
    return Decimal(str(value)) if isinstance(value, float) else value


def _book_report(db: Path) -> dict:
    rows = query_rows(db, "select * from reports where kind = 'flipbook'")
    assert len(rows) == 1
    return rows[0]


def test_the_book_is_one_report_at_its_text_folder(crawled):
    root, db = crawled
    report = _book_report(db)
    assert (report["url"], report["title"], report["year"], report["format"], report["parse_status"]) == (
        root + BOOK + "files/basic-html/", BOOK_TITLE, 2023, "2019+2021", "ok")
    assert report["link_text"] == "洪泽区2023年政府信息公开工作年度报告"
    # Whichever of the two links was followed first started the book; the other was a duplicate.
    assert report["parent_url"] in (root + BOOK + "index.html", root + "/xxgk/ndbg/index_2.shtml")
    page_one = query_rows(db, "select url from snapshots where id = ?", report["snapshot_id"])
    assert page_one == [{"url": root + BOOK + "files/basic-html/page1.html"}]


def test_no_page_of_a_book_and_no_other_book_is_a_report(crawled):
    root, db = crawled
    urls = sorted(r["url"].removeprefix(root) for r in query_rows(db, "select url from reports"))
    assert urls == [BOOK + "files/basic-html/", "/xxgk/ndbg/content/post_2001.html"]


def test_every_page_is_archived_and_is_a_part_in_order(crawled):
    root, db = crawled
    report = _book_report(db)
    parts = query_rows(db, "select p.part_no, s.url from report_parts p join snapshots s on s.id = p.snapshot_id "
                           "where p.report_id = ? order by p.part_no", report["id"])
    assert [(p["part_no"], p["url"].removeprefix(root)) for p in parts] == [
        (n, f"{BOOK}files/basic-html/page{n}.html") for n in range(1, 6)]
    archived = {r["url"].removeprefix(root) for r in query_rows(db, "select url from snapshots")}
    assert {f"{BOOK}files/basic-html/page{n}.html" for n in range(1, 6)} <= archived
    assert {f"{PLAN}files/basic-html/page{n}.html" for n in (1, 2)} <= archived  # read, then rejected
    fetched = query_rows(db, "select url, count(*) as n from fetches where url like ? group by url",
                         f"%{BOOK}files/basic-html/page%")
    assert sorted((f["url"].removeprefix(root), f["n"]) for f in fetched) == [
        (f"{BOOK}files/basic-html/page{n}.html", 1) for n in range(1, 6)]


def test_a_crawl_into_the_middle_of_a_book_records_the_whole_book(crawled_from_page_4):
    root, db = crawled_from_page_4
    report = _book_report(db)
    # No title led here: the book's own text names the report.
    assert (report["url"], report["title"], report["year"], report["link_text"], report["parent_url"],
            report["parse_status"]) == (root + BOOK + "files/basic-html/", BOOK_TITLE, 2023, None, None, "ok")
    parts = query_rows(db, "select s.url from report_parts p join snapshots s on s.id = p.snapshot_id "
                           "where p.report_id = ? order by p.part_no", report["id"])
    assert [p["url"].removeprefix(root) for p in parts] == [f"{BOOK}files/basic-html/page{n}.html" for n in range(1, 6)]
    assert [r["url"].removeprefix(root) for r in query_rows(db, "select url from reports")] == [
        BOOK + "files/basic-html/"]


def test_the_joined_pages_give_the_reports_exact_cells(crawled):
    _, db = crawled
    report = _book_report(db)
    cells = [Cell(r["table_key"], r["row_key"], r["col_key"], r["raw_text"], _value(r["value"]), r["unit"],
                  r["status"]) for r in query_rows(db, "select * from report_cells where report_id = ?", report["id"])]
    assert_cells_exact(cells, expected("corpus_022_expected.json")["cells"])
    sections = [r["section"] for r in query_rows(
        db, "select section from report_sections where report_id = ? order by rowid", report["id"])]
    assert sections == ["intro", "一", "二", "三", "四", "五", "六"]


def test_reparse_joins_the_archived_pages_again(crawled, tmp_path):
    _, db = crawled
    copy = tmp_path / "archive.db"
    shutil.copy(db, copy)
    connection = sqlite3.connect(copy)
    report_id = connection.execute("select id from reports where kind = 'flipbook'").fetchone()[0]
    before = connection.execute("select table_key, row_key, col_key, value from report_cells "
                                "where report_id = ? order by 1, 2, 3", [report_id]).fetchall()
    connection.execute("delete from report_cells where report_id = ?", [report_id])
    connection.commit()
    connection.close()
    summary = reparse_all(Archive(copy), utc_now())
    assert report_id in summary.changed
    after = query_rows(copy, "select table_key, row_key, col_key, value from report_cells "
                             "where report_id = ? order by 1, 2, 3", report_id)
    assert [tuple(r.values()) for r in after] == before
    assert len(before) > 100


def test_a_recrawl_after_one_page_changed_updates_that_part_and_the_cells(tmp_path):
    db = tmp_path / "archive.db"
    page_3 = BOOK + "files/basic-html/page3.html"
    with PortalServer(_site()) as portal:
        run_crawl(portal.url, db)
        first = _book_report(db)
        parts_before = [r["snapshot_id"] for r in query_rows(
            db, "select snapshot_id from report_parts where report_id = ? order by part_no", first["id"])]
        corrected = portal.page(page_3).body.decode("utf-8").replace(
            "（一）予以公开 0 0 0 0 0 0 0", "（一）予以公开 2 0 0 0 0 0 2")
        portal.revise(page_3, corrected.encode("utf-8"))
        run_crawl(portal.url, db)
    report = _book_report(db)
    parts = query_rows(db, "select p.snapshot_id, s.url from report_parts p join snapshots s "
                           "on s.id = p.snapshot_id where p.report_id = ? order by p.part_no", report["id"])
    assert report["id"] == first["id"]  # page 1 is unchanged: the same report, re-read
    assert [p["snapshot_id"] for p in parts][:2] + [p["snapshot_id"] for p in parts][3:] == (
        parts_before[:2] + parts_before[3:])
    assert parts[2]["snapshot_id"] not in parts_before and parts[2]["url"].endswith(page_3)
    granted = query_rows(db, "select col_key, value from report_cells where report_id = ? and table_key = "
                             "'requests' and row_key = 'granted' and col_key in ('natural_person', 'total') "
                             "order by col_key", report["id"])
    assert granted == [{"col_key": "natural_person", "value": 2.0}, {"col_key": "total", "value": 2.0}]


def test_a_book_on_another_host_is_followed_from_the_column(tmp_path):
    """威海文登 2022's book is served from an IP and port of its own, not from the portal's host."""
    db = tmp_path / "archive.db"
    column = "/xxgk/ndbg/index.shtml"
    with PortalServer(_site()) as portal:
        elsewhere = portal.url.replace("127.0.0.1", "localhost").rstrip("/")
        link = f"<ul class='list'><li><a href='{elsewhere}{BOOK}files/basic-html/page2.html'>{BOOK_TITLE}</a></li></ul>"
        portal.revise(column, _page(column, "年度报告", link, "column").body)
        run_crawl(portal.url.rstrip("/") + column, db)
    rows = query_rows(db, "select url, title, parse_status from reports")
    assert rows == [{"url": elsewhere + BOOK + "files/basic-html/", "title": BOOK_TITLE, "parse_status": "ok"}]
    parts = query_rows(db, "select count(*) as n from report_parts")
    assert parts == [{"n": 5}]
