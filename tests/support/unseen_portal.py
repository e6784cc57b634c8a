"""A portal laid out unlike the demo: another CMS's URLs, titles in <div class=title>, 下页 pagers,
a report published only as a PDF, decoys about reports."""

from __future__ import annotations

import io

import openpyxl

from demo_portal.site import Page, PortalSite
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


def unseen_site() -> PortalSite:
    """The portal; its column is /xxgk/ndbg/, reached from the home page through the disclosure area."""
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
