"""Reports published as attachments of every document type: found from the column, every cell exact.

Each report page is a stub (全文见附件) linking its document: PDF, DOCX, DOC, WPS, XLSX, XLS and ET
(WPS Office's names for binary Word and Excel files, served as application/octet-stream as real
portals do). The documents are real report texts (the seeds, 洪泽 2023) in those formats."""

from __future__ import annotations

import json

import pytest

from demo_portal.server import PortalServer
from demo_portal.site import Page, PortalSite
from tests.cell_expectations import expected_cells
from tests.support.crawls import query_rows, run_crawl
from tests.support.fixture_files import FIXTURES as SHARED
from tests.support.fixture_files import document_path

pytestmark = [pytest.mark.crawl, pytest.mark.slow]


# file served, its source fixture, content type, the expected cells
ATTACHMENTS = {
    "hz2023.pdf": ("022.pdf", "application/pdf", "corpus_022_expected.json"),
    "ha2020.docx": ("seed_000.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "seed_000_expected.json"),
    "qz2019.doc": ("seed_003.doc", "application/msword", "seed_003_expected.json"),
    "ha2020b.wps": ("seed_000.doc", "application/octet-stream", "seed_000_expected.json"),
    "qz2019.xlsx": ("seed_003.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "seed_003_expected.json"),
    "ha2020.xls": ("seed_000.xls", "application/vnd.ms-excel", "seed_000_expected.json"),
    "qz2019b.et": ("seed_003.xls", "application/octet-stream", "seed_003_expected.json"),
}


def _html(title: str, main: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><a href='/'>首页</a><h1>{title}</h1>{main}</body></html>").encode()


def _site() -> PortalSite:
    pages: dict[str, Page] = {}
    items = []
    for number, (name, (source, content_type, _)) in enumerate(ATTACHMENTS.items(), start=1):
        title = f"某县第{number}局2023年政府信息公开工作年度报告"
        stub = f"/xxgk/nb/202401/t20240120_{number}.html"
        pages[stub] = Page(stub, _html(title, "<p>现将报告予以公布，全文见附件。</p>"
                                              f"<p>附件：<a href='/xxgk/nb/files/{name}'>{name}</a></p>"),
                           "text/html; charset=utf-8", kind="report", title=title)
        pages[f"/xxgk/nb/files/{name}"] = Page(f"/xxgk/nb/files/{name}", document_path(source).read_bytes(),
                                               content_type, kind="attachment")
        items.append(f"<li><a href='{stub}'>{title}</a></li>")
    pages["/xxgk/nb/index.html"] = Page("/xxgk/nb/index.html", _html("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"),
                                        "text/html; charset=utf-8", kind="column")
    pages["/index.html"] = Page("/index.html", _html("某县人民政府", "<a href='/xxgk/nb/'>政府信息公开年报</a>"),
                                "text/html; charset=utf-8", kind="home")
    return PortalSite(pages=pages, column="/xxgk/nb/")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db = tmp_path_factory.mktemp("attachments") / "archive.db"
    with PortalServer(_site()) as portal:
        run_crawl(portal.url, db)
    return db


def test_every_stub_page_and_its_attachment_are_reports(crawled):
    rows = query_rows(crawled, "select url, kind, parent_url, parse_status from reports order by url")
    attachments = {r["url"].rsplit("/", 1)[1]: r for r in rows if r["kind"] == "attachment"}
    assert set(attachments) == set(ATTACHMENTS)
    assert all(r["parent_url"].endswith(".html") for r in attachments.values())
    assert {r["parse_status"] for r in rows if r["kind"] == "page"} == {"see_attachment"}


@pytest.mark.parametrize("name", sorted(ATTACHMENTS))
def test_attachment_cells_are_exact(crawled, name):
    (report,) = query_rows(crawled, "select id from reports where url like ?", f"%/files/{name}")
    stored = {(c["table_key"], c["row_key"], c["col_key"]): c for c in query_rows(
        crawled, "select * from report_cells where report_id = ? and status != 'derived'", report["id"])}
    want = expected_cells(json.loads((SHARED / ATTACHMENTS[name][2]).read_text(encoding="utf-8"))["cells"])
    assert sorted(stored) == sorted(want)
    for key, spec in want.items():
        value = spec["value"]
        assert stored[key]["value"] == value, (key, stored[key])
        assert stored[key]["status"] == spec.get("status", "ok" if value is not None else "blank"), key
        assert stored[key]["unit"] == spec.get("unit"), key
