"""The tests' fixture portal: the demo site plus crawl edge cases (robots.txt, 404, 500, redirects, a GBK report).

Built from the demo portal's public pieces; the demo itself has none of these behaviours.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from demo_portal.catalog import load_catalog
from demo_portal.layout import ListItem, Metadata, article_main, document
from demo_portal.site import (
    COLUMN, COLUMN_TITLE, Page, PortalSite, area_pages, column_items, column_pages, document_pages, html_page,
    redirect, report_path, robots,
)

DISALLOWED_DIR = COLUMN + "zqyjg/"
DISALLOWED_PAGE = DISALLOWED_DIR + "t20250105_99001.html"
BROKEN_LINK = COLUMN + "201901/t20190115_404404.html"
OLD_REPORT_URL = "/xxgk/nb/2019/shzfbgt.html"  # 301 → the 上海 2019 report
OLD_COLUMN_URL = "/xxgknb/"  # 302 → the report column
GBK_REPORT = "pingtan-013"
FLAKY_REPORT = "pingtan-017"
REDIRECTED_REPORT = "shanghai-021"
DRAFT_TITLE = "示范市2024年政府信息公开工作年度报告（征求意见稿）"


def _draft_page(site_name: str) -> Page:
    """A report-looking page under a path robots.txt disallows: a polite crawler never fetches it."""
    meta = Metadata("003590001/2025-99001", "示范市人民政府办公室", "2025-01-05", "2025-01-05", DRAFT_TITLE, COLUMN_TITLE)
    main = article_main(meta, "<p>一、总体情况</p><p>（征求意见稿，请勿引用。）</p>")
    html = document(site_name=site_name, title=DRAFT_TITLE, crumbs=(("首页", "/"),), main=main)
    return html_page(DISALLOWED_PAGE, "disallowed", DRAFT_TITLE, html, day=date(2025, 1, 5))


@cache
def fixture_site(*, list_page_size: int = 5) -> PortalSite:
    """The demo's pages with one report in GBK, one answering 500 once, one listed under a 301, a
    robots-disallowed draft, a broken link (404) in the column and a 302 from an old column URL."""
    site_name, documents = load_catalog()
    newest = documents[0].published
    by_key = {doc.key: doc for doc in documents}
    pages = area_pages(site_name, newest)
    for doc in documents:
        pages += document_pages(site_name, doc, charset="gbk" if doc.key == GBK_REPORT else "utf-8")
    redirected = by_key[REDIRECTED_REPORT]
    items = [ListItem(OLD_REPORT_URL, i.title, i.date) if i.href == redirected.href else i
             for i in column_items(documents)]
    items.insert(0, ListItem("./zqyjg/t20250105_99001.html", DRAFT_TITLE, "2025-01-05"))
    items.append(ListItem("./201901/t20190115_404404.html", "示范市2018年政府信息公开工作年度报告", "2019-01-15"))
    pages += [
        robots(DISALLOWED_DIR),
        _draft_page(site_name),
        redirect(OLD_REPORT_URL, report_path(redirected), 301),
        redirect(OLD_COLUMN_URL + "index.html", COLUMN, 302),
    ]
    pages += column_pages(site_name, items, list_page_size, newest)
    return PortalSite(pages={page.path: page for page in pages}, broken_links=frozenset({BROKEN_LINK}),
                      flaky={report_path(by_key[FLAKY_REPORT]): 500})
