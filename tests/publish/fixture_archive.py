"""The archive the publishing tests serve: real reports archived and parsed, plus crafted versions.

- 上海市人民政府办公厅 2019 (corpus 021, HTML), and a second snapshot of the same URL in which one
  printed number changed (859 → 869: content changed after publication, I1 now fails);
- a 2020 report of the same agency derived from it with known changes (year-over-year query);
- seed 003 (衢州, 2019, blank totals: fail_total_blank), seed 000 (海安, 2020, traditional script),
  corpus 022 (洪泽区 2023, review/litigation totals fail), corpus 015 (平潭 2020, no tables, late);
- a small PDF attachment (not HTML: offered as a download, never replayed);
- a hostile HTML page (scripts, handlers, external resources, frames, refresh) whose every URL points
  at the test's canary server or at a TEST-NET address.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from archive.parsing import parse_report
from archive.parsing.checks import report_checks
from archive.parsing.model import ParsedReport
from archive.publish import build_search_index, ensure_publish_views
from archive.sources import Source
from archive.store import Archive
from tests.support.fixture_files import fixture_path

PARSED_AT = "2025-01-01T00:00:00.000Z"
SHANGHAI_URL = "http://www.shanghai.gov.cn/nw12344/20200131/report2019.html"
SHANGHAI_2020_URL = "http://www.shanghai.gov.cn/nw12344/20210210/report2020.html"
HOSTILE_URL = "http://www.hostile.example.gov.cn/zfxxgknb/2021.html"
PDF_URL = "http://www.shanghai.gov.cn/nw12344/20200131/attachment.pdf"

SOURCES = [
    Source("上海市人民政府", "上海市", "province", "http://www.shanghai.gov.cn/nw12344/"),
    Source("衢州市智慧新城管理委员会", "浙江省 衢州市", "department", "http://www.qz.gov.cn/col/col1/"),
    Source("海安市某局", "江苏省 南通市 海安市", "department", "http://www.haian.gov.cn/xxgk/"),
    Source("洪泽区人民政府", "江苏省 淮安市 洪泽区", "county", "http://www.hongze.gov.cn/xxgk/"),
    Source("平潭综合实验区党工委管委会", "福建省 平潭综合实验区", "city", "https://www.pingtan.gov.cn/zfxxgknb/"),
    Source("某县人民政府", "某省 某县", "county", "http://www.hostile.example.gov.cn/zfxxgknb/"),
]

# (table, row, col) → new raw text in the derived 2020 上海 report.
SHANGHAI_2020_CHANGES = {
    ("requests", "new_received", "natural_person"): "921",
    ("requests", "new_received", "total"): "959",
    ("requests", "total_processed", "natural_person"): "867",
    ("requests", "total_processed", "total"): "905",
    ("requests", "granted", "natural_person"): "358",
    ("review_litigation", "review", "corrected"): "3",
    ("review_litigation", "review", "total"): "10",
}


def hostile_html(canary: str) -> bytes:
    """A report page that tries every way to run code or load something; all of it must stay inert."""
    return f"""<!DOCTYPE html><html><head>
<meta http-equiv="refresh" content="0;url={canary}/refresh">
<base href="{canary}/base/">
<link rel="stylesheet" href="{canary}/link.css"><link rel="prefetch" href="{canary}/prefetch">
<script src="{canary}/script.js"></script>
<style>@import url({canary}/import.css); body {{ background: url('{canary}/background.png') }}</style>
<title>某县人民政府2021年政府信息公开工作年度报告</title></head>
<body onload="fetch('{canary}/onload')">
<h1 class="hostile-title">某县人民政府2021年政府信息公开工作年度报告</h1>
<script>fetch('{canary}/inline-script'); document.write('<p id=injected>injected</p>');</script>
<p>本年度行政复议案件0件。</p>
<img src="http://198.51.100.1/x" onerror="fetch('{canary}/onerror')" srcset="{canary}/srcset.png 2x">
<img src="{canary}/img.png">
<iframe src="{canary}/iframe"></iframe><object data="{canary}/object"></object><embed src="{canary}/embed">
<video poster="{canary}/poster.png" src="{canary}/video"></video><audio src="{canary}/audio"></audio>
<svg><image href="{canary}/svg-image.png"/><script>fetch('{canary}/svg-script')</script></svg>
<div style="background-image: url({canary}/inline-style.png)">行政复议 情况</div>
<form action="{canary}/form"><input type="image" src="{canary}/input.png"><button formaction="{canary}/formaction">go</button></form>
<a href="javascript:fetch('{canary}/javascript-url')">js link</a>
<a class="archived-link" href="{SHANGHAI_URL}" ping="{canary}/ping">上海 2019</a>
<a class="live-link" href="{canary}/live-page">live page</a>
<table border="1"><tr><td rowspan="2" style="color: red">复议</td><td>0</td></tr></table>
</body></html>""".encode("utf-8")


@dataclass
class FixtureArchive:
    path: Path
    ids: dict[str, int]


def _read(name: str) -> bytes:
    return fixture_path(name).read_bytes()


def _archive_and_parse(archive: Archive, *, url: str, body: bytes, content_type: str, source: str,
                       fetched_at: str, kind: str = "page") -> int:
    snapshot = archive.store_snapshot(url=url, body=body, status=200, content_type=content_type,
                                      source=source, fetched_at=fetched_at)
    report_id = archive.record_report(snapshot=snapshot, source=source, kind=kind, title=None, year=None)
    parsed = parse_report(body, url=url, content_type=content_type)
    archive.store_parsed(report_id, parsed, PARSED_AT)
    return report_id


def _shanghai_2020(parsed: ParsedReport) -> ParsedReport:
    """The 2019 report moved to 2020 with the SHANGHAI_2020_CHANGES, checks recomputed."""
    cells = []
    for cell in parsed.cells:
        raw = SHANGHAI_2020_CHANGES.get((cell.table_key, cell.row_key, cell.col_key))
        if raw is not None:
            cell = dataclasses.replace(cell, raw_text=raw, value=int(raw), status="ok")
        cells.append(cell)
    return dataclasses.replace(
        parsed, title="2020年上海市人民政府办公厅政府信息公开工作年度报告", year=2020, published="2021-02-10",
        cells=cells, checks=report_checks(cells, parsed.table_formats))


def build_fixture_archive(path: Path, canary: str) -> FixtureArchive:
    archive = Archive(path)
    archive.upsert_sources(SOURCES)
    ids: dict[str, int] = {}
    shanghai = _read("corpus_021.html")
    ids["shanghai_2019"] = _archive_and_parse(
        archive, url=SHANGHAI_URL, body=shanghai, content_type="text/html; charset=utf-8",
        source="上海市人民政府", fetched_at="2020-02-01T08:00:00.000Z")
    changed = shanghai.replace(b">859<", b">869<")
    ids["shanghai_2019_v2"] = _archive_and_parse(
        archive, url=SHANGHAI_URL, body=changed, content_type="text/html; charset=utf-8",
        source="上海市人民政府", fetched_at="2020-06-01T08:00:00.000Z")
    snapshot = archive.store_snapshot(url=SHANGHAI_2020_URL, body=shanghai.replace("2019年".encode(), "2020年".encode()),
                                      status=200, content_type="text/html; charset=utf-8",
                                      source="上海市人民政府", fetched_at="2021-02-11T08:00:00.000Z")
    ids["shanghai_2020"] = archive.record_report(snapshot=snapshot, source="上海市人民政府", kind="page",
                                                 title=None, year=2020)
    parsed = parse_report(shanghai, url=SHANGHAI_URL, content_type="text/html")
    archive.store_parsed(ids["shanghai_2020"], _shanghai_2020(parsed), PARSED_AT)
    pdf = archive.store_snapshot(url=PDF_URL, body=b"%PDF-1.4\n% attachment of the 2019 report\n%%EOF\n",
                                 status=200, content_type="application/pdf", source="上海市人民政府",
                                 fetched_at="2020-02-01T08:00:01.000Z")
    ids["pdf"] = archive.record_report(snapshot=pdf, source="上海市人民政府", kind="attachment",
                                       title="附件", year=2019, parent_url=SHANGHAI_URL)
    for key, name, url, source, fetched in (
        ("quzhou_2019", "seed_003.txt", "http://www.qz.gov.cn/art/2020/1/31/art_1.html",
         "衢州市智慧新城管理委员会", "2020-02-02T08:00:00.000Z"),
        ("haian_2020", "seed_000.txt", "http://www.haian.gov.cn/xxgk/2021/nb2020.html", "海安市某局",
         "2021-02-02T08:00:00.000Z"),
        ("hongze_2023", "corpus_022.txt", "http://www.hongze.gov.cn/xxgk/2024/nb2023.html", "洪泽区人民政府",
         "2024-02-02T08:00:00.000Z"),
        ("pingtan_2020", "corpus_015.txt", "https://www.pingtan.gov.cn/zfxxgknb/2021/nb2020.html",
         "平潭综合实验区党工委管委会", "2021-03-06T08:00:00.000Z"),
    ):
        ids[key] = _archive_and_parse(archive, url=url, body=_read(name), content_type="text/plain; charset=utf-8",
                                      source=source, fetched_at=fetched)
    hostile = archive.store_snapshot(url=HOSTILE_URL, body=hostile_html(canary), status=200,
                                     content_type="text/html; charset=utf-8", source="某县人民政府",
                                     fetched_at="2022-01-21T08:00:00.000Z")
    ids["hostile"] = archive.record_report(snapshot=hostile, source="某县人民政府", kind="page", title=None, year=None)
    archive.store_parsed(ids["hostile"], ParsedReport(
        title="某县人民政府2021年政府信息公开工作年度报告", agency="某县人民政府", region="某县", year=2021,
        published="2022-01-20", parse_status="unknown_layout", text="某县人民政府2021年政府信息公开工作年度报告 本年度行政复议案件0件。"),
        PARSED_AT)
    archive.commit()
    ensure_publish_views(archive.db)
    build_search_index(archive.db)
    archive.close()
    return FixtureArchive(path, ids)
