"""The published archive in a real browser: headless Chromium against `datasette serve` on loopback.

Screenshots are kept in test-artifacts/publish/. Every browser runs with the canary server as its HTTP
proxy: loopback requests (Datasette) go direct, anything else would land on the canary, so the hostile
page test sees any escaped request, even one to a non-loopback address, without it leaving the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from archive.publish.cli import datasette_command
from tests.publish.chromium import FIRST_SCREEN, chromium_flags, measure
from tests.publish.served import datasette_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "publish"


# Chromium's own service traffic (time, component and account updates) that the flags do not switch off;
# it reaches the canary proxy too, and never the network. Anything else there came from a page.
_CHROMIUM_SERVICES = re.compile(r"^[A-Z]+ (?:http://)?[\w.-]*\.(?:google\.com|googleapis\.com|gstatic\.com)[:/]")


def page_requests(hits: list[str]) -> list[str]:
    return [hit for hit in hits if not _CHROMIUM_SERVICES.match(hit)]


def chromium_binary() -> str:
    """Debian's chromium; absent, the tests fail under CI (which installs it) and skip elsewhere."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        message = "chromium is not installed (run .ci/test-deps)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return binary


@pytest.fixture(scope="module")
def server(fixture_archive) -> Iterator[str]:
    """`datasette serve` with the project's command line, on a free loopback port."""
    with datasette_server(datasette_command(fixture_archive.path, port=0)) as url:
        yield url


def browse(url: str, proxy_port: int, *, screenshot: str | None = None, budget_ms: int = 3000,
           expect_page: bool = True) -> str:
    """Load `url` in headless Chromium; return the DOM after scripts ran (and save a screenshot)."""
    binary = chromium_binary()
    with tempfile.TemporaryDirectory() as profile:
        command = [*chromium_flags(binary, profile, proxy_port), f"--virtual-time-budget={budget_ms}",
                   "--window-size=1280,2000"]
        dom = subprocess.run([*command, "--dump-dom", url], capture_output=True, text=True, timeout=90).stdout
        if screenshot:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            subprocess.run([*command, f"--screenshot={ARTIFACTS / screenshot}", url], capture_output=True,
                           timeout=90)
            assert (ARTIFACTS / screenshot).stat().st_size > 10_000
    assert dom.strip() or not expect_page, f"chromium rendered nothing for {url}"
    return dom


def _page(dom: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(dom)


def _text(dom: str) -> str:
    return " ".join(_page(dom).text_content().split())


def test_home_page(server, canary):
    page = _page(browse(server + "/", canary.port, screenshot="home.png"))
    assert page.findtext(".//h1") == "政府信息公开工作年度报告 archive"
    assert page.xpath("//a[@href='/gov']")


def test_faceted_table(server, canary):
    dom = browse(server + "/gov/report_overview", canary.port, screenshot="report_overview_facets.png")
    page = _page(dom)
    facets = {f.get("data-column") for f in page.xpath("//div[contains(@class, 'facet-info')]")}
    assert facets == {"year", "province", "level", "format", "parse_status", "identities"}
    level_facet = page.xpath("//div[@data-column='level']")[0]
    assert "department 2" in " ".join(level_facet.text_content().split())


def test_search_for_fuyi(server, canary):
    dom = browse(server + "/gov/reports?_search=%E5%A4%8D%E8%AE%AE", canary.port, screenshot="search_fuyi.png")
    # Counted by the explorer up to its cap (search_page.py), not by Datasette's full count.
    assert "8 matching reports" in _text(dom)
    assert len(_page(dom).find_class("report-link")) == 8


def test_report_view(server, canary, fixture_archive):
    report_id = fixture_archive.ids["shanghai_2019_v2"]
    dom = browse(f"{server}/gov/-/report/{report_id}", canary.port, screenshot="report_view.png")
    page = _page(dom)
    cell = page.xpath("//td[@data-key='requests.new_received.total']")[0]
    assert (cell.text, "failing" in cell.get("class")) == ("869", True)
    assert page.find(".//iframe").get("sandbox") == ""


def test_chart(server, canary):
    dom = browse(server + "/-/dashboards/overview", canary.port, screenshot="dashboard.png", budget_ms=8000)
    page = _page(dom)
    # vega-embed replaced each chart's placeholder with a rendered canvas or SVG.
    rendered = page.xpath("//*[contains(@class, 'vega-embed')]//canvas | //*[contains(@class, 'vega-embed')]//svg")
    assert len(rendered) >= 3
    assert "Requests by outcome over the years" in _text(dom)


def test_hostile_archived_page_runs_and_loads_nothing(server, canary, fixture_archive):
    report_id = fixture_archive.ids["hostile"]
    canary.hits.clear()
    browse(f"{server}/gov/-/report/{report_id}", canary.port, screenshot="hostile_report_view.png", budget_ms=5000)
    replay = browse(f"{server}/gov/-/snapshot/{report_id}", canary.port, screenshot="hostile_replay.png",
                    budget_ms=5000)
    assert page_requests(canary.hits) == []
    page = _page(replay)
    assert page.get_element_by_id("injected", None) is None  # document.write never ran
    assert page.find_class("hostile-title")[0].text == "某县人民政府2021年政府信息公开工作年度报告"


def test_the_canary_would_see_an_escaped_request(canary, server):
    """The proxy set-up is live: a page that is allowed to fetch does reach the canary."""
    canary.hits.clear()
    browse("http://198.51.100.1/probe-through-proxy", canary.port, budget_ms=1000, expect_page=False)
    assert [hit for hit in page_requests(canary.hits) if "probe" in hit] == [
        "GET http://198.51.100.1/probe-through-proxy"]


def test_chromium_service_traffic_is_told_apart_from_page_requests():
    assert page_requests(["CONNECT update.googleapis.com:443", "GET http://clients2.google.com/time/1",
                          "GET /img.png", "GET http://198.51.100.1/x", "CONNECT evil.google.com.example:443"]) == [
        "GET /img.png", "GET http://198.51.100.1/x", "CONNECT evil.google.com.example:443"]


# What a person sees on the first screen (1280×800), measured in the page by Chromium itself.

_FIRST_SCREEN_TITLES = """Array.from(document.querySelectorAll(arguments_selector)).filter(a => {
  const box = a.getBoundingClientRect(); return box.height > 0 && box.top >= 0 && box.bottom <= innerHeight;
}).map(a => a.textContent.trim())"""


def _visible_texts(server, canary, path: str, selector: str) -> list[str]:
    expression = _FIRST_SCREEN_TITLES.replace("arguments_selector", repr(selector))
    return measure(chromium_binary(), canary.port, server + path, expression)


def test_home_first_screen_holds_the_latest_report_titles(server, canary):
    titles = _visible_texts(server, canary, "/", ".latest-reports a.report-link")
    assert titles == ["某县人民政府2021年政府信息公开工作年度报告", "平潭综合实验区2020年度政府信息公开工作年度报告",
                      "2020年上海市人民政府办公厅政府信息公开工作年度报告", "智慧新城管委会2019年度政府信息公开年度报告",
                      "2019年上海市人民政府办公厅政府信息公开工作年度报告", "洪泽区人民政府2023年政府信息公开工作年度报告",
                      "(untitled report)", "附件"]
    search = _visible_texts(server, canary, "/", ".home-search input[type=search]")
    assert len(search) == 1


_TABLE_SCREEN = """(() => {
  const rows = Array.from(document.querySelectorAll("table.rows-and-columns tbody tr"));
  const onScreen = rows.filter(r => r.getBoundingClientRect().bottom <= innerHeight);
  return {
    headers: Array.from(document.querySelectorAll("table.rows-and-columns th"))
      .filter(th => th.getBoundingClientRect().right <= innerWidth).map(th => th.dataset.column),
    titles: onScreen.map(r => r.querySelector("td.col-title").textContent.trim()),
    tallest: Math.max(...rows.map(r => r.getBoundingClientRect().height)),
    descriptionsOpen: Array.from(document.querySelectorAll("details.column-descriptions-toggle")).map(d => d.open),
  };
})()"""


@pytest.mark.parametrize("table", ["reports", "report_overview"])
def test_table_first_screen_holds_report_titles_in_short_rows(server, canary, table):
    seen = measure(chromium_binary(), canary.port, f"{server}/gov/{table}", _TABLE_SCREEN)
    first = ["title", "agency", "region", "year", "published", "format", "parse_status"]
    assert [h for h in seen["headers"] if h != "id"][:len(first)] == first
    assert len(seen["titles"]) >= 6, seen  # of the fixture's 9 versions, on a 1280×800 screen
    assert "2019年上海市人民政府办公厅政府信息公开工作年度报告" in seen["titles"]
    assert seen["tallest"] <= 60  # one or two lines, not a report's whole text
    assert seen["descriptionsOpen"] == [False]


_REPORT_SCREEN = """(async () => {
  const pause = () => new Promise(resolve => setTimeout(resolve, 150));
  const table = document.querySelector("table.printed").getBoundingClientRect();
  const passed = document.querySelector("details.passed-checks");
  const wasOpen = passed.open;
  passed.querySelector("summary").click();
  await pause();
  document.querySelector("h1").click();  // Datasette's pages close open <details> on a click elsewhere
  await pause();
  return {tableTop: table.top, firstRowBottom: document.querySelector("table.printed tr").getBoundingClientRect().bottom,
          passedOpenAtFirst: wasOpen, passedStaysOpen: passed.open,
          failedVisible: document.querySelector("table.failed-checks").getBoundingClientRect().height > 0};
})()"""


def test_report_view_first_table_is_on_the_first_screen_and_checks_are_summarized(server, canary, fixture_archive):
    seen = measure(chromium_binary(), canary.port, f"{server}/gov/-/report/{fixture_archive.ids['shanghai_2019_v2']}",
                   _REPORT_SCREEN)
    assert 0 < seen["tableTop"] and seen["firstRowBottom"] <= FIRST_SCREEN[1], seen
    assert (seen["passedOpenAtFirst"], seen["passedStaysOpen"], seen["failedVisible"]) == (False, True, True)


def test_search_results_highlight_the_query(server, canary):
    path = "/gov/search_reports?q=%E5%A4%8D%E8%AE%AE"
    rows = measure(chromium_binary(), canary.port, server + path, """Array.from(document.querySelectorAll("tbody tr"))
      .map(row => Array.from(row.querySelectorAll("mark")).map(m => [m.textContent, getComputedStyle(m).backgroundColor]))""")
    assert len(rows) == 8 and all(rows), rows  # every report containing 复议, its snippet marked
    assert {tuple(mark) for marks in rows for mark in marks} == {("复议", "rgb(255, 224, 102)")}


def test_chart_axes_count_in_whole_numbers(server, canary):
    dom = browse(server + "/-/dashboards/overview", canary.port, budget_ms=8000)
    page = _page(dom)
    labels = [t.text for t in page.xpath("//*[contains(@class, 'role-axis-label')]//*[local-name()='text']")]
    numbers = [label for label in labels if re.fullmatch(r"[\d.,]+", label or "")]
    assert numbers and all(re.fullmatch(r"\d[\d,]*", label) for label in numbers), labels
    assert {"0%", "100%"} <= set(labels)  # the share axis of the identity chart


def test_csv_for_excel_link_downloads_with_a_bom(server, canary):
    dom = browse(server + "/gov/report_overview?year=2020", canary.port)
    link = _page(dom).find_class("csv-excel")[0].get("href")
    assert "_bom=1" in link and "year=2020" in link
    with urllib.request.urlopen(server + link, timeout=30) as response:
        body = response.read()
    assert body.startswith("\ufefftitle,agency".encode()) or body.startswith("\ufeffid,".encode()), body[:60]
    assert len(body.decode("utf-8-sig").strip().splitlines()) == 1 + 3
