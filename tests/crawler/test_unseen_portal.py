"""A portal laid out unlike the demo (another CMS's URLs, titles in <div class=title>, 下页 pagers,
a report published only as a PDF, decoys about reports): every report, no decoy."""

from __future__ import annotations

import io

import openpyxl
import pytest

from demo_portal.server import PortalServer
from demo_portal.site import Page, PortalSite
from tests.crawler.conftest import query_rows, run_crawl
from tests.support.fixture_files import document_path, fixture_path

HTML = "text/html; charset=utf-8"


def _page(path: str, title: str, main: str, kind: str, *, charset: str = "utf-8",
          header_charset: str | None = None) -> Page:
    html = (f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>某区人民政府门户网站</title></head>"
            "<body><div class='nav'><a href='/'>首页</a><a href='/zwdt/'>政务动态</a>"
            "<a href='/xxgk/'>信息公开</a><a href='/hdjl/'>互动交流</a></div>"
            f"<div class='main'><div class='title'>{title}</div>{main}</div>"
            "<div class='footer'><a href='/wzdt/'>网站地图</a> 主办：某区人民政府办公室</div></body></html>")
    return Page(path, html.encode(charset), HTML.replace("utf-8", header_charset or charset), kind=kind,
                title=title)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())


def _workbook(*lines: str) -> bytes:
    workbook = openpyxl.Workbook()
    for row, line in enumerate(lines, start=1):
        workbook.active.cell(row=row, column=1, value=line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _unseen_site() -> PortalSite:
    reports = {
        "/xxgk/ndbg/content/post_2001.html": ("某区2020年政府信息公开工作年度报告",
                                             _paragraphs(fixture_path("seed_000.txt").read_text())),
        "/xxgk/ndbg/content/post_1901.html": ("某区智慧新城管委会2019年度政府信息公开年度报告",
                                             _paragraphs(fixture_path("seed_003.txt").read_text())),
        "/xxgk/ndbg/content/post_1902.html": ("2019年上海市人民政府办公厅政府信息公开工作年度报告",
                                             fixture_path("corpus_021.html").read_text()),
    }
    decoys = {
        "/xxgk/ndbg/content/post_2401.html": "关于印发《某区2024年政务公开工作要点》的通知",
        "/xxgk/ndbg/content/post_2402.html": "某区2020年政府信息公开工作年度报告解读",
        "/xxgk/ndbg/content/post_2403.html": "图解：某区2020年政府信息公开工作年度报告",
    }
    decoy_body = _paragraphs("一、主动公开情况 全年主动公开政府信息。二、依申请公开 收到申请。三、行政复议和行政诉讼 无。")
    pdf_report = "/xxgk/ndbg/P020220120.pdf"
    not_a_report = "/xxgk/ndbg/P020240301.xlsx"
    pages = {path: _page(path, title, body, "report") for path, (title, body) in reports.items()}
    # A GBK page under the server's default "charset=utf-8" header: its own <meta> is right.
    gbk_path = "/xxgk/ndbg/content/post_1902.html"
    title, body = reports[gbk_path]
    pages[gbk_path] = _page(gbk_path, title, body, "report", charset="gbk", header_charset="utf-8")
    pages[not_a_report] = Page(not_a_report, _workbook("某区2024年政务公开工作要点", "一、深化主动公开"),
                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               kind="decoy")
    pages |= {path: _page(path, title, decoy_body, "decoy") for path, title in decoys.items()}
    pages[pdf_report] = Page(pdf_report, document_path("022.pdf").read_bytes(),
                             "application/pdf", kind="attachment")
    items = [(p, t) for p, (t, _) in reports.items()] + list(decoys.items()) + [
        (pdf_report, "某区2021年政府信息公开工作年度报告（PDF）"), (not_a_report, "某区2024年政务公开工作要点（表格）")]
    first, second = items[:4], items[4:]

    def listing(entries, pager):
        return "<ul class='list'>" + "".join(
            f"<li><a href='{p}' target='_blank'>{t[:14]}…</a><em>2021-01-20</em></li>" for p, t in entries
        ) + f"</ul><div class='page'>{pager}</div>"

    pages["/xxgk/ndbg/index.shtml"] = _page(
        "/xxgk/ndbg/index.shtml", "年度报告",
        listing(first, "<span>1</span><a href='index_2.shtml'>2</a><a href='index_2.shtml'>下页</a>"), "column")
    pages["/xxgk/ndbg/index_2.shtml"] = _page(
        "/xxgk/ndbg/index_2.shtml", "年度报告",
        listing(second, "<a href='index.shtml'>上页</a><a href='index.shtml'>1</a><span>2</span>"), "list")
    pages["/xxgk/index.html"] = _page(
        "/xxgk/index.html", "信息公开",
        "<a href='/xxgk/gkzn/'>公开指南</a><a href='/xxgk/gkzd/'>公开制度</a>"
        "<a href='/xxgk/fdzdgknr/'>法定主动公开内容</a>", "area")
    pages["/xxgk/fdzdgknr/index.html"] = _page(
        "/xxgk/fdzdgknr/index.html", "法定主动公开内容",
        "<a href='/xxgk/zcwj/'>政策文件</a><a href='/xxgk/ndbg/index.shtml'>年度报告</a>", "area")
    pages["/index.html"] = _page("/index.html", "某区人民政府", "<p>欢迎访问</p>", "home")
    for path, title in (("/zwdt/index.html", "政务动态"), ("/hdjl/index.html", "互动交流"),
                        ("/wzdt/index.html", "网站地图"), ("/xxgk/gkzn/index.html", "公开指南"),
                        ("/xxgk/gkzd/index.html", "公开制度"), ("/xxgk/zcwj/index.html", "政策文件")):
        pages[path] = _page(path, title, "<p>栏目内容</p>", "nav")
    pages["/robots.txt"] = Page("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain", kind="robots")
    return PortalSite(pages=pages, column="/xxgk/ndbg/")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = _unseen_site()
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
