"""The coverage pages of the published archive: the division × year matrix and its drill-down, late
and removed reports, per-source health, the map, and the dashboard's provinces."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette

from archive.coverage import refresh_coverage
from archive.publish.cli import PLUGINS_DIR, PUBLISH_DIR, SETTINGS, TEMPLATES_DIR, prepare_database
from archive.sources import Source
from archive.store import Archive, Fetch
from tests.publish.conftest import Client

SOURCES = [Source("福州市晋安区人民政府", "福建省 福州市 晋安区", "county", "http://www.fzja.gov.cn/nb/"),
           Source("平潭综合实验区党工委管委会", "福建省 平潭综合实验区", "city", "https://www.pingtan.gov.cn/nb/"),
           Source("上海市人民政府", "上海市", "province", "https://www.shanghai.gov.cn/nb/")]
# source, agency, year, published
REPORTS = [
    ("福州市晋安区人民政府", "福州市晋安区人民政府", 2022, "2023-03-20"),
    ("福州市晋安区人民政府", "福州市晋安区教育局", 2022, "2023-02-03"),
    ("平潭综合实验区党工委管委会", "平潭综合实验区管委会办公室", 2022, "2023-01-30"),
    ("平潭综合实验区党工委管委会", "平潭综合实验区", 2023, "2024-04-10"),
    ("上海市人民政府", "上海市人民政府", 2022, "2023-03-31"),
]


@pytest.fixture(scope="module")
def coverage_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("coverage") / "cov.db"
    archive = Archive(path)
    archive.upsert_sources(SOURCES)
    crawl = archive.start_crawl("gov_reports", {})
    for number, (source, agency, year, published) in enumerate(REPORTS):
        url = next(s.start_url for s in SOURCES if s.name == source) + f"{year}/{number}.html"
        fetch = archive.record_fetch(Fetch(url=url, requested_at="2024-05-01T00:00:00.000Z", status=200,
                                           source=source), crawl)
        snapshot = archive.store_snapshot(url=url, body=f"report {number}".encode(), status=200,
                                          content_type="text/html", source=source, crawl_id=crawl, fetch_id=fetch)
        report = archive.record_report(snapshot=snapshot, source=source, kind="page",
                                       title=f"{agency}{year}年政府信息公开工作年度报告", year=year)
        archive.db["reports"].update(report, {"agency": agency, "published": published})
    archive.record_fetch(Fetch(url="https://www.shanghai.gov.cn/nb/old.html", requested_at="2024-05-01T00:00:01.000Z",
                               status=404, source="上海市人民政府"), crawl)
    archive.finish_crawl(crawl, "finished", {})
    refresh_coverage(archive, date(2024, 6, 1), registry=SOURCES)
    archive.close()
    prepare_database(path)
    return str(path)


@pytest.fixture(scope="module")
def client(coverage_db):
    datasette = Datasette(immutables=[coverage_db], plugins_dir=str(PLUGINS_DIR), template_dir=str(TEMPLATES_DIR),
                          settings=dict(SETTINGS))
    test_client = Client(datasette)
    yield test_client
    test_client.close()


def _json(client, path: str, **params) -> list[dict]:
    response = client.get(path, params={**params, "_shape": "array"})
    assert response.status_code == 200, response.text[:300]
    return response.json()


def test_the_matrix_counts_found_of_expected_per_province_and_year(client):
    rows = _json(client, "/cov/division_coverage.json", province="", prefecture="")
    assert rows == [
        {"code": "310000", "division": "上海市", "province": "上海市", "publishers": 1, "found_of_expected": "1/2",
         "2022": "1/1", "2023": "0/1"},
        # 晋安: government and 教育局 (2022, 2023); 平潭: its office (2022, 2023) and its government (2023)
        {"code": "350000", "division": "福建省", "province": "福建省", "publishers": 4, "found_of_expected": "4/7",
         "2022": "3/3", "2023": "1/4"},
    ]


def test_the_matrix_opens_a_province_into_its_prefectures_and_counties(client):
    prefectures = _json(client, "/cov/division_coverage.json", province="福建省", prefecture="")
    assert [(r["code"], r["division"], r["found_of_expected"]) for r in prefectures] == [("350100", "福州市", "4/7")]
    counties = _json(client, "/cov/division_coverage.json", province="福建省", prefecture="福州市")
    assert [(r["code"], r["division"], r["found_of_expected"]) for r in counties] == [
        ("350111", "晋安区", "2/4"), ("350128", "平潭县", "2/3")]


def test_matrix_cells_link_to_their_publishers(client):
    page = lxml.html.fromstring(client.get("/cov/division_coverage?province=&prefecture=").text)
    links = {a.text_content(): a.get("href") for a in page.xpath("//td//a[contains(@href, 'division_publishers')]")}
    assert links["1/1"] == "/cov/division_publishers?division=310000&year=2022"
    opens = {a.text_content(): a.get("href") for a in page.xpath("//td//a[contains(@href, 'division_coverage')]")}
    assert opens["福建省"] == "/cov/division_coverage?province=%E7%A6%8F%E5%BB%BA%E7%9C%81&prefecture="
    prefectures = lxml.html.fromstring(client.get("/cov/division_coverage?province=福建省&prefecture=").text)
    assert [a.get("href") for a in prefectures.xpath("//td//a[text() = '福州市']")] == [
        "/cov/division_coverage?province=%E7%A6%8F%E5%BB%BA%E7%9C%81&prefecture=%E7%A6%8F%E5%B7%9E%E5%B8%82"]
    rows = _json(client, "/cov/division_publishers.json", division="350111", year="2022")
    assert [(r["发布机构"], r["类型"], r["状态"], r["截止日期"], r["逾期天数"]) for r in rows] == [
        ("福州市晋安区教育局", "department", "late", "2023-01-31", 3),
        ("福州市晋安区人民政府", "government", "on_time", "2023-03-31", 0)]


def test_late_and_never_published(client):
    late = _json(client, "/cov/late_publication.json", _sort_desc="days_late")
    assert [(r["publisher"], r["year"], r["days_late"]) for r in late] == [
        ("平潭综合实验区党工委管委会", 2023, 10), ("福州市晋安区教育局", 2022, 3)]
    never = _json(client, "/cov/never_published.json", _sort="publisher")
    assert sorted((r["publisher"], r["year"]) for r in never) == [
        ("上海市人民政府", 2023), ("平潭综合实验区管委会办公室", 2023), ("福州市晋安区人民政府", 2023),
        ("福州市晋安区教育局", 2023)]


def test_source_health(client):
    rows = _json(client, "/cov/source_health.json", _sort="source")
    assert [(r["source"], r["province"], r["last_requests"], r["last_errors"], r["last_reports"],
             r["last_errors_by_kind"]) for r in rows] == [
        ("上海市人民政府", "上海市", 2, 1, 1, "HTTP 404 ×1"),
        ("平潭综合实验区党工委管委会", "福建省", 2, 0, 2, None),
        ("福州市晋安区人民政府", "福建省", 2, 0, 2, None)]


def test_the_map_has_a_point_per_division_with_coverage(client):
    rows = _json(client, "/cov/coverage_map.json", _sort="code")
    assert [(r["code"], r["found"], r["expected"], r["latitude"] is not None, r["longitude"] is not None)
            for r in rows] == [("310000", 1, 2, True, True), ("350111", 2, 4, True, True), ("350128", 2, 3, True, True)]
    assert "datasette-cluster-map" in client.get("/cov/coverage_map").text


def test_dashboard_provinces_are_provinces(coverage_db):
    chart = yaml.safe_load((PUBLISH_DIR / "metadata.yaml").read_text(encoding="utf-8"))[
        "plugins"]["datasette-dashboards"]["overview"]["charts"]["checks-by-province"]
    db = sqlite_utils.Database(coverage_db)
    provinces = {row["province"] for row in db.query(chart["query"])}
    assert provinces == {"福建省", "上海市"}
    levels = {(r["agency"], r["level"]) for r in db.query("select agency, level from report_overview")}
    assert levels == {("福州市晋安区人民政府", "county"), ("福州市晋安区教育局", "department"),
                      ("平潭综合实验区管委会办公室", "department"), ("平潭综合实验区", "county"),
                      ("上海市人民政府", "province")}


def test_due_lists_sources_with_late_or_missing_reports_after_three_days(coverage_db, tmp_path):
    from click.testing import CliRunner

    from archive.cli import cli
    from archive.sources import load_sources, write_sources

    registry = tmp_path / "registry.csv"
    write_sources(registry, SOURCES)
    crawled = date.fromisoformat(sqlite_utils.Database(coverage_db).execute(
        "select substr(started_at, 1, 10) from crawls").fetchone()[0])
    runner = CliRunner()
    early = runner.invoke(cli, ["due", "--db", coverage_db, "--sources", str(registry),
                                "--today", crawled.isoformat()])
    assert (early.exit_code, early.output) == (1, "0 of 3 sources due\n")
    out = tmp_path / "due.csv"
    later = runner.invoke(cli, ["due", "--db", coverage_db, "--sources", str(registry), "--csv", str(out),
                                "--today", date.fromordinal(crawled.toordinal() + 3).isoformat()])
    assert later.exit_code == 0
    assert later.output.splitlines() == [
        "福州市晋安区人民政府\thttp://www.fzja.gov.cn/nb/\tlast crawled 3 days ago; every 3 days: 3 late or missing report(s)",
        "平潭综合实验区党工委管委会\thttps://www.pingtan.gov.cn/nb/\tlast crawled 3 days ago; every 3 days: 2 late or missing report(s)",
        "上海市人民政府\thttps://www.shanghai.gov.cn/nb/\tlast crawled 3 days ago; every 3 days: 1 late or missing report(s)",
        "3 of 3 sources due"]
    assert load_sources(out) == SOURCES
