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
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from archive.publish.cli import datasette_command
from tests.publish.served import datasette_server

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
        message = "chromium is not installed (run .ci/browser-deps)"
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
        command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
                   "--disable-default-apps", "--mute-audio", "--no-pings",
                   "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter", f"--user-data-dir={profile}",
                   f"--proxy-server=http://127.0.0.1:{proxy_port}", f"--virtual-time-budget={budget_ms}",
                   "--window-size=1280,2000", "--hide-scrollbars"]
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
    assert '8 rows where text contains "复议"' in _text(dom)
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
