"""A report column split into sub-columns named only by their publishers (部门年报 › 市发改委 …)."""

from __future__ import annotations

import pytest

from demo_portal.server import PortalServer
from demo_portal.site import Page, PortalSite
from tests.support.crawls import query_rows, run_crawl
from tests.support.fixture_files import fixture_path

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

REPORT = fixture_path("corpus_021.html").read_text(encoding="utf-8")
HTML = "text/html; charset=utf-8"


def _page(path: str, title: str, main: str, kind: str) -> Page:
    body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            "<div class='nav'><a href='/'>首页</a><a href='/zwdt/'>政务动态</a><a href='/xxgk/'>信息公开</a></div>"
            f"<h1>{title}</h1>{main}</body></html>")
    return Page(path, body.encode(), HTML, kind=kind, title=title)


def _site() -> PortalSite:
    departments = {"fgw": "市发改委", "jyj": "市教育局", "gaj": "市公安局"}
    pages = {"/index.html": _page("/index.html", "示范市人民政府", "<a href='/xxgk/'>信息公开</a>", "home"),
             "/zwdt/index.html": _page("/zwdt/index.html", "政务动态", "<p>动态</p>", "nav"),
             "/xxgk/index.html": _page("/xxgk/index.html", "信息公开", "<a href='/xxgk/nb/'>政府信息公开年报</a>", "area"),
             "/xxgk/nb/index.html": _page("/xxgk/nb/index.html", "政府信息公开年报",
                                          "".join(f"<a href='{code}/'>{name}</a>" for code, name in departments.items()),
                                          "column")}
    for code, name in departments.items():
        title = f"示范市{name[1:]}2023年政府信息公开工作年度报告"
        pages[f"/xxgk/nb/{code}/index.html"] = _page(
            f"/xxgk/nb/{code}/index.html", name, f"<ul><li><a href='t2024_{code}.html'>{title}</a></li></ul>", "list")
        pages[f"/xxgk/nb/{code}/t2024_{code}.html"] = _page(f"/xxgk/nb/{code}/t2024_{code}.html", title, REPORT, "report")
    return PortalSite(pages=pages, column="/xxgk/nb/")


def test_reports_in_publisher_sub_columns_are_found(tmp_path):
    site, db = _site(), tmp_path / "archive.db"
    with PortalServer(site) as portal:
        run_crawl(portal.url, db)
        requested = {path for _, path, _ in portal.requests}
    found = {"/" + r["url"].split("/", 3)[3] for r in query_rows(db, "select url from reports")}
    assert found == site.report_paths()
    assert "/zwdt/" not in requested  # navigation outside the column is still not crawled from it
