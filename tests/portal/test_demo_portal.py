"""The demo portal and the tests' fixture portal: site structure, tables, and the server's switches."""

from __future__ import annotations

import http.client
import time
import urllib.robotparser
from collections import deque
from importlib import resources
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from demo_portal import PortalServer, build_demo_site
from demo_portal.catalog import load_catalog
from demo_portal.texttables import TextTable, parse_serialized
from demo_portal.wordtables import word_table_html
from tests.support.portals import fixture_site

COLUMN = "/zwgk/zfxxgk/zfxxgknb/"
CONTENT = resources.files("demo_portal") / "content"  # the package copies of corpus 021/022


def fetch(portal: PortalServer, path: str, *, method: str = "GET", headers: dict | None = None):
    """One request, redirects not followed: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", portal.port, timeout=5)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def crawl(portal: PortalServer) -> tuple[dict[str, int], set[str], set[str]]:
    """Breadth-first crawl from / honouring robots.txt and retrying a 5xx once.

    Returns (final status by fetched path, links skipped by robots, paths that needed a retry).
    """
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(fetch(portal, "/robots.txt")[2].decode().splitlines())
    seen, statuses, blocked, retried = {"/"}, {}, set(), set()
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        status, headers, body = fetch(portal, path)
        if status >= 500:
            retried.add(path)
            status, headers, body = fetch(portal, path)
        statuses[path] = status
        targets = [headers["Location"]] if status in (301, 302) else []
        if status == 200 and headers["Content-Type"].startswith("text/html"):
            targets = lxml.html.fromstring(body).xpath("//a/@href")
        for href in targets:
            link = urlsplit(urljoin(portal.url.rstrip("/") + path, href))
            if link.netloc != f"127.0.0.1:{portal.port}" or link.path in seen:
                continue
            seen.add(link.path)
            if robots.can_fetch("*", link.path):
                queue.append(link.path)
            else:
                blocked.add(link.path)
    return statuses, blocked, retried


def grid(table) -> list[list[str]]:
    """Expand rowspan/colspan into the full grid of cell texts."""
    occupied: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for td in tr.iter("td"):
            while (r, c) in occupied:
                c += 1
            for i in range(int(td.get("rowspan", 1))):
                for j in range(int(td.get("colspan", 1))):
                    occupied[(r + i, c + j)] = td.text_content().strip()
            c += int(td.get("colspan", 1))
    rows = max(r for r, _ in occupied) + 1
    return [[occupied[(r, c)] for c in range(max(c for rr, c in occupied if rr == r) + 1)] for r in range(rows)]


def report_page(site, key: str) -> str:
    _, documents = load_catalog()
    doc = next(d for d in documents if d.key == key)
    return COLUMN + doc.href.removeprefix("./")


# Site ---------------------------------------------------------------------------------------------


def test_site_inventory():
    site = build_demo_site()
    assert len(site.report_paths()) == 11
    assert site.decoy_paths() == {COLUMN + "201412/t20141210_80787.html", COLUMN + "202412/t20241220_3269870.html"}
    assert site.attachment_paths() == {COLUMN + "202401/P020240126396512788141.pdf"}
    assert site.list_paths() == {COLUMN + "index.html", COLUMN + "index_1.html", COLUMN + "index_2.html"}
    assert site.pages["/robots.txt"].body == b"User-agent: *\nDisallow: /search/\n"
    assert not site.paths_of("redirect", "disallowed")


def test_test_behaviours_keep_the_same_reports():
    plain, fixture = build_demo_site(), fixture_site()
    assert fixture.report_paths() == plain.report_paths()
    assert fixture.decoy_paths() == plain.decoy_paths()
    assert fixture.broken_links == {COLUMN + "201901/t20190115_404404.html"}
    assert fixture.flaky == {COLUMN + "202302/t20230220_80629.html": 500}


def test_list_page_size_sets_the_number_of_list_pages():
    site = build_demo_site(list_page_size=4)
    assert site.list_paths() == {COLUMN + name for name in ("index.html", "index_1.html", "index_2.html", "index_3.html")}


# Crawl through the running server ----------------------------------------------------------------------


@pytest.mark.crawl
def test_every_report_reachable_from_home(fixture_portal):
    site = fixture_portal.site
    statuses, blocked, retried = crawl(fixture_portal)
    assert {p for p, s in statuses.items() if s == 200} >= site.report_paths() | site.attachment_paths() | site.decoy_paths()
    assert blocked == {COLUMN + "zqyjg/t20250105_99001.html"}
    assert {p for p, s in statuses.items() if s == 404} == set(site.broken_links)
    assert statuses["/xxgk/nb/2019/shzfbgt.html"] == 301
    assert retried == set(site.flaky)
    # Non-report columns exist and answer 200.
    for nav in ("/zwgk/zcwj/", "/xwdt/", "/hdjl/", "/bsfw/", "/zwgk/zfxxgk/zfxxgkzn/"):
        assert statuses[nav] == 200


def test_pager_links_on_a_middle_page(fixture_portal):
    status, _, body = fetch(fixture_portal, COLUMN + "index_1.html")
    assert status == 200
    pager = lxml.html.fromstring(body).xpath("//div[@class='page']")[0]
    assert [(a.text, a.get("href")) for a in pager.iter("a")] == [
        ("首页", "index.html"),
        ("上一页", "index.html"),
        ("1", "index.html"),
        ("3", "index_2.html"),
        ("下一页", "index_2.html"),
        ("尾页", "index_2.html"),
    ]
    assert pager.xpath("span[@class='current']/text()") == ["2"]


def test_column_items_are_trs_list_entries(fixture_portal):
    _, _, body = fetch(fixture_portal, COLUMN)
    items = lxml.html.fromstring(body).xpath("//ul[@class='list']/li")
    assert [(li[0].get("href"), li[0].get("title"), li[1].text) for li in items[:3]] == [
        ("./zqyjg/t20250105_99001.html", "示范市2024年政府信息公开工作年度报告（征求意见稿）", "2025-01-05"),
        ("./202503/t20250310_97791.html", "平潭综合实验区2024年度政府信息公开工作年度报告", "2025-03-10"),
        ("./202501/t20250124_3270125.html", "2024 年上海市科委政府信息公开工作年度报告", "2025-01-24"),
    ]


def test_decoys_are_listed_in_the_column(fixture_portal):
    site = fixture_portal.site
    hrefs = set()
    for path in site.list_paths():
        hrefs |= {urljoin(path, h) for h in lxml.html.fromstring(fetch(fixture_portal, path)[2]).xpath("//ul[@class='list']//a/@href")}
    assert site.decoy_paths() <= hrefs
    assert {site.pages[p].title for p in site.decoy_paths()} == {
        "关于2014年政府信息公开工作要点落实情况的函",
        "关于做好2024年度政府信息公开工作年度报告编制和发布工作的通知",
    }


# Server switches -------------------------------------------------------------------------------------


def test_robots_txt(fixture_portal):
    status, headers, body = fetch(fixture_portal, "/robots.txt")
    assert (status, headers["Content-Type"]) == (200, "text/plain; charset=utf-8")
    assert body == b"User-agent: *\nDisallow: /zwgk/zfxxgk/zfxxgknb/zqyjg/\n"


def test_missing_page_is_404(fixture_portal):
    assert fetch(fixture_portal, COLUMN + "201901/t20190115_404404.html")[0] == 404
    assert fixture_portal.requests == [("GET", COLUMN + "201901/t20190115_404404.html", 404)]


def test_fail_once_then_ok(fixture_portal):
    path = COLUMN + "202503/t20250310_97791.html"
    fixture_portal.fail_once(path)
    fixture_portal.fail_once(path, 503)
    assert [fetch(fixture_portal, path)[0] for _ in range(3)] == [500, 503, 200]


def test_flaky_report_answers_500_first(fixture_portal):
    path = COLUMN + "202302/t20230220_80629.html"
    assert [fetch(fixture_portal, path)[0] for _ in range(2)] == [500, 200]


def test_redirects(fixture_portal):
    status, headers, _ = fetch(fixture_portal, "/xxgk/nb/2019/shzfbgt.html")
    assert (status, headers["Location"]) == (301, COLUMN + "202001/t20200131_3230021.html")
    status, headers, _ = fetch(fixture_portal, "/xxgknb/")
    assert (status, headers["Location"]) == (302, COLUMN)


def test_gbk_page(fixture_portal):
    status, headers, body = fetch(fixture_portal, COLUMN + "201901/t20190110_80529.html")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gb18030")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gbk">' in text
    assert "<title>平潭综合实验区2018年度政府信息公开工作年度报告_示范市人民政府</title>" in text


def test_revise_changes_bytes_etag_and_last_modified(fixture_portal):
    path = COLUMN + "202001/t20200131_3230021.html"
    _, before, old_body = fetch(fixture_portal, path)
    fixture_portal.revise(path, old_body.replace("上海市人民政府办公厅".encode(), "上海市政府办公厅".encode()))
    _, after, new_body = fetch(fixture_portal, path)
    assert new_body != old_body and "上海市政府办公厅".encode() in new_body
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
    assert fetch(fixture_portal, path, headers={"If-None-Match": before["ETag"]})[0] == 200


def test_conditional_requests(fixture_portal):
    path = COLUMN + "202001/t20200131_3230003.html"
    _, headers, _ = fetch(fixture_portal, path)
    assert headers["Last-Modified"] == "Fri, 31 Jan 2020 01:00:00 GMT"
    status, _, body = fetch(fixture_portal, path, headers={"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert fetch(fixture_portal, path, headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(fixture_portal, path, headers={"If-Modified-Since": "Thu, 30 Jan 2020 00:00:00 GMT"})[0] == 200
    assert fetch(fixture_portal, path, headers={"If-None-Match": '"stale"'})[0] == 200


def test_head_and_delay(fixture_portal):
    fixture_portal.set_delay("/robots.txt", 0.3)
    started = time.monotonic()
    status, headers, body = fetch(fixture_portal, "/robots.txt", method="HEAD")
    assert time.monotonic() - started >= 0.3
    assert (status, headers["Content-Length"], body) == (200, "53", b"")
    assert fixture_portal.requests[-1] == ("HEAD", "/robots.txt", 200)


# Report pages ----------------------------------------------------------------------------------------


def test_attachment_is_the_real_pdf_linked_as_fujian(fixture_portal):
    page = lxml.html.fromstring(fetch(fixture_portal, COLUMN + "202401/t20240126_3261022.html")[2])
    assert page.xpath("//div[@class='fj']/span/text()") == ["附件："]
    assert page.xpath("//div[@class='fj']//a/@href") == ["./P020240126396512788141.pdf"]
    status, headers, body = fetch(fixture_portal, COLUMN + "202401/P020240126396512788141.pdf")
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert body == (CONTENT / "hongze_022.pdf").read_bytes()


def test_metadata_header(fixture_portal):
    page = lxml.html.fromstring(fetch(fixture_portal, COLUMN + "202001/t20200131_3230003.html")[2])
    cells = [td.text_content() for td in page.xpath("//table[@class='xxgk_table']//td")]
    assert dict(zip(cells[::2], cells[1::2])) == {
        "索 引 号：": "113308000026184538/2020-104149",
        "主题分类：": "综合政务",
        "发布机构：": "市智慧新城管委会",
        "成文日期：": "2020-01-31",
        "名　　称：": "智慧新城管委会2019年度政府信息公开年度报告",
        "文　　号：": "",
        "发布日期：": "2020-01-31",
        "公开方式：": "主动公开",
        "组配分类：": "2019年度",
    }


def test_shanghai_body_is_verbatim(fixture_portal):
    body = fetch(fixture_portal, COLUMN + "202001/t20200131_3230021.html")[2].decode()
    assert (CONTENT / "shanghai_021.html").read_text(encoding="utf-8") in body


def test_seed_000_tables_on_the_template_grid(fixture_portal):
    page = lxml.html.fromstring(fetch(fixture_portal, COLUMN + "202101/t20210128_3240000.html")[2])
    tables = page.xpath("//table[@class='MsoNormalTable']")
    grids = [grid(t) for t in tables]
    assert [{len(row) for row in g} for g in grids] == [{4}, {10}, {15}]
    requests = grids[1]
    assert requests[3] == ["一、本年新收政府信息公開申請數量"] * 3 + ["21", "2", "0", "0", "0", "0", "23"]
    assert requests[7][:3] == ["三、本年度辦理結果", "(三)不予公開", "1.屬于國家秘密"]
    assert tables[1].xpath(".//td[@rowspan='20']//text()") == ["三、本年度辦理結果"]
    assert grids[2][-1] == ["0", "0", "0", "0", "0", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"]
    assert grids[0][-1] == ["政府集中采購", "364", "63363.40萬元", "63363.40萬元"]


def test_seed_003_requests_values_in_their_columns(fixture_portal):
    page = lxml.html.fromstring(fetch(fixture_portal, COLUMN + "202001/t20200131_3230003.html")[2])
    requests = grid(page.xpath("//table[@class='MsoNormalTable']")[1])
    assert requests[0] == ["二、收到和处理政府信息公开申请情况"] * 10
    assert requests[4][3:] == ["3", "", "", "", "", "", "3"]
    assert requests[16][1:] == ["(四)无法提供", "1.本机关不掌握相关政府信息", "6", "", "", "", "", "", "6"]


def test_word_table_markup():
    rows = [("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"), ("规章", "", "0", "0")]
    html = word_table_html([("第二十条第(一)项",), *rows])
    assert html.startswith("<table class=MsoNormalTable border=1 cellspacing=0")
    assert "本年新<br>制作数量" in html
    assert "<span style='font-size:10.5pt;font-family:宋体'>&nbsp;</span>" in html
    assert "<td colspan=4" in html


def test_cell_per_line_serialization():
    blocks = parse_serialized("标题\n甲 |\n1 |\n||\n乙 |\n2 |\n|\n正文")
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "TextTable", "Paragraph"]
    assert isinstance(blocks[1], TextTable) and blocks[1].rows == [("甲", "1"), ("乙", "2")]
