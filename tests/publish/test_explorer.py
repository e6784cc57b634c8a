"""The explorer's own pieces (issue 15): home page, table layouts, CSV for Excel, report view, labels."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from urllib.parse import urlencode

import lxml.html
import yaml
from datasette.app import Datasette
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.publish.cli import PLUGINS_DIR
from archive.publish.explorer.columns import ColumnLayout, column_layout
from archive.publish.explorer.excel_csv import BOM, wants_bom
from archive.publish.search import highlight
from archive.publish.settings import SETTINGS

PUBLISH = PLUGINS_DIR.parent


def _html(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.text[:500]
    return lxml.html.document_fromstring(response.text)


def _texts(elements) -> list[str]:
    return [" ".join(e.text_content().split()) for e in elements]


# Home page


def test_home_page_counts_reports_by_year_and_format(client):
    page = _html(client.get("/"))
    years = {tr.findtext("td/a") or tr.findtext("td"): tr.findtext("td[@class='count']")
             for tr in page.xpath("//table[@class='counts-by-year']//tr[td]")}
    assert years == {"2023": "1", "2021": "1", "2020": "3", "2019": "3"}
    formats = {tr.findtext("td/a") or tr.findtext("td"): tr.findtext("td[@class='count']")
               for tr in page.xpath("//table[@class='counts-by-format']//tr[td]")}
    assert formats == {"not parsed": "1", "unknown": "1", "2019": "5", "2019+2021": "1"}
    assert page.xpath("//table[@class='counts-by-year']//a/@href")[0] == "/gov/current_reports?year=2023"
    assert "/gov/current_reports?format=2019%2B2021" in page.xpath("//table[@class='counts-by-format']//a/@href")


def test_home_page_leads_with_a_search_box_and_the_latest_reports(client, fixture_archive):
    page = _html(client.get("/"))
    form = page.find_class("home-search")[0]
    assert (form.get("action"), form.xpath(".//input[@type='search']/@name")) == ("/gov/search_reports", ["q"])
    links = page.xpath("//ol[@class='latest-reports']//a")
    assert len(links) == 8  # current_reports of the fixture: one per agency and data year
    assert (links[0].text, links[0].get("href")) == (
        "某县人民政府2021年政府信息公开工作年度报告", f"/gov/-/report/{fixture_archive.ids['hostile']}")
    hrefs = set(page.xpath("//p[@class='home-links']/a/@href"))
    assert {"/gov/coverage_matrix", "/-/dashboards/overview", "/gov/report_overview", "/gov"} <= hrefs


def test_home_search_box_leads_to_highlighted_results(client, fixture_archive):
    page = _html(client.get("/gov/search_reports", params={"q": "智慧新城 复议"}))
    assert [m.text for m in page.iter("mark")] == ["智慧新城"]
    assert page.xpath("//a[@class='report-link']/@href") == [f"/gov/-/report/{fixture_archive.ids['quzhou_2019']}"]


# Table layouts


def _columns(page) -> list[str]:
    return page.xpath("//table[contains(@class, 'rows-and-columns')]//th/@data-column")


def test_reports_table_shows_the_reading_columns_first_and_hides_the_bulky_ones(client):
    page = _html(client.get("/gov/reports"))
    assert _columns(page)[:8] == ["id", "title", "agency", "region", "year", "published", "format", "parse_status"]
    assert not {"text", "metadata", "notes"} & set(_columns(page))
    assert _texts(page.find_class("hidden-columns"))[0].startswith("Not shown here: text, metadata, notes")
    rows = client.get("/gov/reports.json?_shape=array").json()
    assert {"text", "metadata", "notes"} <= set(rows[0])  # still in the data


def test_hidden_columns_are_one_click_away_and_explicit_choices_win(client):
    show_all = _html(client.get("/gov/reports?_all_columns=1"))
    assert {"text", "metadata"} <= set(_columns(show_all)) and _columns(show_all)[:3] == ["id", "url", "snapshot_id"]
    chosen = _html(client.get("/gov/reports?_col=text&_col=title"))
    assert _columns(chosen) == ["id", "text", "title"]
    assert show_all.find_class("hidden-columns") == []


def test_report_overview_and_current_reports_lead_with_title_agency_region_year(client):
    for table in ("report_overview", "current_reports"):
        columns = _columns(_html(client.get(f"/gov/{table}")))
        assert columns[:8] == ["title", "agency", "region", "year", "published", "format", "parse_status", "identities"]


def test_row_pages_and_other_tables_keep_their_stored_order(client):
    row = _html(client.get("/gov/reports/1"))
    assert "text" in _columns(row)
    assert _columns(_html(client.get("/gov/sources")))[:3] == ["name", "region", "level"]


_NAMES = st.sampled_from(["id", "title", "agency", "year", "text", "metadata", "url", "Link"])


@given(st.lists(_NAMES, unique=True, min_size=1), st.lists(_NAMES, unique=True), st.lists(_NAMES, unique=True),
       st.sets(st.sampled_from(["id", "Link"])))
def test_column_layout_order_is_a_selection_of_the_columns(names, first, hidden, pks):
    columns = [{"name": name, "is_pk": name in pks} for name in names]
    order = ColumnLayout(tuple(first), tuple(hidden)).order(columns)
    shown = [names[i] for i in order]
    assert len(set(order)) == len(order)
    leading = [n for n in names if n in pks or n == "Link"]
    assert shown[:len(leading)] == leading  # keys and row links stay in front
    expected_first = [n for n in first if n in names and n not in leading]
    assert shown[len(leading):len(leading) + len(expected_first)] == expected_first
    assert set(shown) == set(leading) | set(expected_first) | {n for n in names if n not in hidden}


def test_column_layout_is_off_when_the_reader_chose_columns():
    config = {"first_columns": ["title"], "hidden_columns": ["text"]}
    assert column_layout(config, {}) == ColumnLayout(("title",), ("text",))
    for args in ({"_all_columns": "1"}, {"_col": "text"}, {"_nocol": "url"}):
        assert column_layout(config, args) == ColumnLayout()
    assert column_layout(None, {}) == ColumnLayout()


# CSV for Excel


def test_csv_with_bom_is_the_same_csv_after_a_byte_order_mark(client):
    plain = client.get("/gov/reports.csv?_size=max")
    excel = client.get("/gov/reports.csv?_size=max&_bom=1")
    assert not plain.content.startswith(BOM)
    assert excel.content == BOM + plain.content
    rows = list(csv.DictReader(io.StringIO(excel.content.decode("utf-8-sig"))))
    assert rows[0]["title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"  # newest data year first


def test_csv_with_bom_for_canned_queries_streams_and_downloads(client):
    query = urlencode({"q": "复议", "_bom": "1", "_dl": "1"})
    response = client.get(f"/gov/search_reports.csv?{query}")
    assert response.content.startswith(BOM + "报告编号,标题,发布机构".encode())
    assert response.headers["content-disposition"].startswith("attachment")
    streamed = client.get("/gov/report_cells.csv?_stream=1&_size=5&_bom=on")
    body = streamed.content
    cells = client.get("/gov/report_cells.json?_size=1").json()["filtered_table_rows_count"]
    assert body.startswith(BOM) and body.count(BOM) == 1 and len(body.splitlines()) == 1 + cells == 1543


def test_no_bom_on_errors_or_other_formats(client):
    assert not client.get("/gov/no_such_table.csv?_bom=1").content.startswith(BOM)
    assert not client.get("/gov/reports.json?_bom=1").content.startswith(BOM)
    assert not client.get("/gov/reports.csv?_bom=0").content.startswith(BOM)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(["_bom", "_size", "q", "_bomb", "bom"]),
                          st.sampled_from(["1", "0", "", "on", "off", "yes", "no", "true", "false", "复议"])),
                max_size=4),
       st.sampled_from(["/gov/reports.csv", "/gov/reports.json", "/gov/reports", "/gov/x.csv"]))
def test_wants_bom_follows_the_last_bom_argument_of_csv_requests(pairs, path):
    scope = {"type": "http", "path": path, "query_string": urlencode(pairs).encode()}
    values = [value for name, value in pairs if name == "_bom"]
    expected = path.endswith(".csv") and bool(values) and values[-1] not in ("", "0", "off", "false", "no")
    assert wants_bom(scope) == expected


# Search snippets


@settings(max_examples=300)
@given(st.text(alphabet="复议行政甲乙 ab", max_size=40), st.lists(st.sampled_from(["复议", "行政", "复", "ab"]),
                                                               min_size=1, max_size=3))
def test_highlight_marks_every_occurrence_and_loses_nothing(text, terms):
    pieces = highlight(text, " ".join(terms))
    assert "".join(piece for piece, _ in pieces) == text
    assert all(piece in terms for piece, match in pieces if match)
    for piece, match in pieces:
        if not match:
            assert not any(term in piece for term in terms)


def test_highlight_without_terms_is_the_plain_text():
    assert highlight("行政复议", "") == [("行政复议", False)]
    assert highlight("", "复议") == []


# Report view


def _report(client, report_id: int) -> lxml.html.HtmlElement:
    return _html(client.get(f"/gov/-/report/{report_id}"))


def test_report_view_shows_one_agency_from_the_report_row(client, fixture_archive):
    page = _report(client, fixture_archive.ids["quzhou_2019"])
    agencies = [dt.getnext() for dt in page.iter("dt") if "发布机构" in dt.text_content()]
    assert [(dd.text, dd.get("title")) for dd in agencies] == [("衢州市智慧新城管理委员会", "page header: 市智慧新城管委会")]
    assert [dt.text for dt in page.iter("dt")].count("发布日期 Published") == 1


def test_report_view_lists_failures_and_folds_passes(client, fixture_archive):
    page = _report(client, fixture_archive.ids["shanghai_2019_v2"])
    failed = page.xpath("//table[contains(@class, 'failed-checks')]//tr/@data-identity")
    assert "I1:total" in failed
    assert all(r in ("fail", "fail_total_blank", "fail_parts_blank", "warning")
               for r in page.xpath("//table[contains(@class, 'failed-checks')]//td[2]/text()"))
    passed = page.xpath("//details[@class='passed-checks']")[0]
    assert passed.get("open") is None
    count = int(passed.findtext("summary").split()[0])
    assert count == len(passed.xpath(".//tr[@data-identity]")) > 0
    assert set(passed.xpath(".//tr/td[2]/text()")) == {"pass"}
    summary = " ".join(page.find_class("checks-summary")[0].text_content().split())
    assert f"{count} pass" in summary


def test_report_view_puts_the_tables_before_the_checks(client, fixture_archive):
    page = _report(client, fixture_archive.ids["shanghai_2019_v2"])
    order = [e.get("data-table") or e.get("class") for e in page.xpath(
        "//table[@data-table] | //aside[contains(@class, 'report-checks')]")]
    assert order == ["active", "requests", "review_litigation", "report-checks"]


def test_report_view_lists_every_section_and_the_missing_standard_ones(client, fixture_archive):
    shanghai = _report(client, fixture_archive.ids["shanghai_2019"])
    assert shanghai.xpath("//details[contains(@class, 'section')]/@data-section") == [
        "intro", "一", "二", "三", "四", "五", "六"]
    assert shanghai.find_class("section-missing") == []
    haian = _report(client, fixture_archive.ids["haian_2020"])
    assert haian.xpath("//details[contains(@class, 'section')]/@data-section") == ["一", "二", "三", "四", "五", "六"]
    assert _texts(haian.find_class("section-missing")) == ["六、 — not found in the report text"]
    assert haian.xpath("//details[@data-section='五']/summary/text()") == ["五、存在的主要问题及改进情况"]


# Canned queries, charts, settings


def _canned_columns(client, name: str) -> list[str]:
    response = client.get(f"/gov/{name}.json", params={"q": "复议", "agency": "上海市人民政府办公厅"})
    assert response.status_code == 200, response.text[:300]
    return response.json()["columns"]


def test_canned_queries_label_their_columns_in_chinese(client):
    names = [*yaml.safe_load((PUBLISH / "queries.yaml").read_text(encoding="utf-8")), "coverage_matrix"]
    english = {name: [c for c in _canned_columns(client, name) if re.fullmatch(r"[a-z_]+", c)] for name in names}
    # Only the canonical keys of agency_year_over_year stay, beside their Chinese labels 行 and 列.
    assert english == {name: (["row_key", "col_key"] if name == "agency_year_over_year" else []) for name in names}
    assert _canned_columns(client, "requests_by_region_year")[4] == "收到申请数"


def test_canned_query_report_columns_link_to_the_report_view(client, fixture_archive):
    page = _html(client.get("/gov/late_reports"))
    pingtan = fixture_archive.ids["pingtan_2020"]
    assert f"/gov/-/report/{pingtan}" in page.xpath("//td//a/@href")
    assert page.xpath(f"//a[@class='report-link'][@href='/gov/-/report/{pingtan}']/text()") == [
        "平潭综合实验区2020年度政府信息公开工作年度报告"]


def test_count_axes_of_the_charts_show_whole_numbers():
    metadata = yaml.safe_load((PUBLISH / "metadata.yaml").read_text(encoding="utf-8"))
    charts = metadata["plugins"]["datasette-dashboards"]["overview"]["charts"]
    axes = {name: {channel: spec.get("axis") for channel, spec in chart["display"]["encoding"].items()
                   if spec.get("type") == "quantitative"} for name, chart in charts.items()}
    assert axes == {"requests-by-outcome": {"y": {"format": "d", "tickMinStep": 1}},
                    "checks-by-province": {"x": {"format": "%"}},
                    "reports-by-format": {"y": {"format": "d", "tickMinStep": 1}}}


def _settings_of(datasette: Datasette) -> dict:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(datasette.client.get("/-/settings.json")).json()
    finally:
        loop.close()


def test_the_plugin_applies_the_project_settings_unless_given(fixture_archive):
    plain = _settings_of(Datasette([str(fixture_archive.path)], plugins_dir=str(PLUGINS_DIR)))
    assert {name: plain[name] for name in SETTINGS} == SETTINGS
    chosen = _settings_of(Datasette([str(fixture_archive.path)], plugins_dir=str(PLUGINS_DIR),
                                    settings={"sql_time_limit_ms": 900}))
    assert chosen["sql_time_limit_ms"] == 900 and chosen["truncate_cells_html"] == 200
