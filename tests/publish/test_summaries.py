"""The summary-backed canned queries, charts, facets and home counts return what the original queries
over the live views returned, on a generated archive (benchmarks/gen_archive.py)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
import yaml

from archive.publish.explorer import _coverage_sql
from archive.publish.explorer.facets import COUNTED_VIEWS
from archive.publish.summaries import row_totals

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_archive import generate  # noqa: E402

PUBLISH = ROOT / "archive" / "publish"
FAILING = "('fail', 'fail_total_blank', 'fail_parts_blank')"
# The views and canned queries as they were before the summary tables: created as temporary views,
# which shadow the published views of the same name on this connection.
ORIGINAL_VIEWS = {
    "identity_failures": f"""
select c.report_id, o.title, o.agency, o.region, o.level, o.year, o.format,
       c.identity, c.result, c.difference, c.detail
from report_checks c join report_overview o on o.id = c.report_id
where c.severity = 'hard' and c.identity like '%:%' and c.result in {FAILING}""",
    "changed_urls": """
select s.url, count(*) as snapshots, min(s.fetched_at) as first_fetched, max(s.fetched_at) as last_fetched,
       group_concat(s.id, ' ') as snapshot_ids,
       (select group_concat(r.id, ' ') from reports r where r.url = s.url) as report_ids,
       (select r.title from reports r where r.url = s.url order by r.id desc limit 1) as title
from snapshots s where s.url in (select url from reports) group by s.url having count(*) > 1""",
    "review_litigation_outcomes": """
select r.id as report_id, r.agency, r.region, r.province, r.level, r.year,
  sum(case when c.row_key = 'review' and c.col_key = 'upheld' then c.value end) as review_upheld,
  sum(case when c.row_key = 'review' and c.col_key = 'corrected' then c.value end) as review_corrected,
  sum(case when c.row_key = 'review' and c.col_key = 'other' then c.value end) as review_other,
  sum(case when c.row_key = 'review' and c.col_key = 'pending' then c.value end) as review_pending,
  sum(case when c.row_key = 'review' and c.col_key = 'total' then c.value end) as review_total,
  sum(case when c.row_key like 'litigation%' and c.col_key = 'upheld' then c.value end) as litigation_upheld,
  sum(case when c.row_key like 'litigation%' and c.col_key = 'corrected' then c.value end) as litigation_corrected,
  sum(case when c.row_key like 'litigation%' and c.col_key = 'other' then c.value end) as litigation_other,
  sum(case when c.row_key like 'litigation%' and c.col_key = 'pending' then c.value end) as litigation_pending,
  sum(case when c.row_key like 'litigation%' and c.col_key = 'total' then c.value end) as litigation_total
from current_reports r join report_cells c on c.report_id = r.id
where c.table_key = 'review_litigation' and c.status != 'derived' group by r.id""",
}
ORIGINAL_QUERIES = {
    "requests_by_region_year": """
select province as 省份, region as 地区, year as 年度, count(*) as 报告数,
  sum(received) as 收到申请数, sum(carried_over) as 上年结转数,
  sum(granted) as 予以公开数, sum(partial) as 部分公开数, sum(denied) as 不予公开数, sum(unable) as 无法提供数,
  sum(not_processed) as 不予处理数, sum(other) as 其他处理数,
  sum(total_processed) as 办理总数, sum(carried_forward) as 结转下年数,
  round(100.0 * sum(granted) / nullif(sum(total_processed), 0), 1) as [予以公开率%]
from request_outcomes
where (:year = '' or year = cast(:year as integer)) and (:province = '' or province = :province)
group by province, region, year order by year desc, sum(received) desc""",
    "identity_failures": """
select report_id as 报告编号, title as 标题, agency as 发布机构, region as 地区, level as 层级, year as 年度,
  format as 格式, count(*) as 未通过检查数,
  group_concat(identity || ' ' || result || coalesce(' (' || difference || ')', ''), '; ') as 未通过的检查
from identity_failures where (:result = '' or result = :result)
group by report_id order by year desc, count(*) desc""",
    "changed_after_publication": """
select c.url as 网址, c.title as 标题, c.snapshots as 快照数, c.first_fetched as 首次抓取,
  c.last_fetched as 最近抓取, c.snapshot_ids as 快照编号, c.report_ids as 报告版本,
  (select min(id) from reports r where r.url = c.url) as 首个版本,
  (select max(id) from reports r where r.url = c.url) as 最新版本,
  (select count(*) from report_cells a join report_cells b
     on b.table_key = a.table_key and b.row_key = a.row_key and b.col_key = a.col_key
   where a.report_id = (select min(id) from reports r where r.url = c.url)
     and b.report_id = (select max(id) from reports r where r.url = c.url)
     and a.value is not b.value) as 变动单元格数
from changed_urls c order by c.last_fetched desc""",
    "litigation_correction_rate": """
select province as 省份, region as 地区, count(*) as 报告数,
  coalesce(sum(litigation_total), 0) as 行政诉讼案件数,
  coalesce(sum(litigation_corrected), 0) as 诉讼结果纠正数,
  round(100.0 * coalesce(sum(litigation_corrected), 0) / nullif(coalesce(sum(litigation_upheld), 0)
    + coalesce(sum(litigation_corrected), 0) + coalesce(sum(litigation_other), 0), 0), 1) as [诉讼纠错率%],
  coalesce(sum(review_total), 0) as 行政复议案件数,
  coalesce(sum(review_corrected), 0) as 复议结果纠正数,
  round(100.0 * coalesce(sum(review_corrected), 0) / nullif(coalesce(sum(review_upheld), 0)
    + coalesce(sum(review_corrected), 0) + coalesce(sum(review_other), 0), 0), 1) as [复议纠错率%]
from review_litigation_outcomes where (:year = '' or year = cast(:year as integer))
group by province, region order by [诉讼纠错率%] desc nulls last, 行政诉讼案件数 desc""",
    "search_reports": """
select r.id as 报告编号, r.title as 标题, r.agency as 发布机构, r.year as 年度, r.format as 格式,
  cjk_snippet(r.text, :q) as 摘录, :q as 检索词
from report_search_fts f join reports r on r.id = f.rowid
where :q != '' and report_search_fts match cjk_fts_query(:q) order by f.rank limit 100""",
}
# Each query's ORDER BY keys (result columns): rows tied on them may come in either order.
ORDER_KEYS = {"requests_by_region_year": ("年度", "收到申请数"), "identity_failures": ("年度", "未通过检查数"),
              "changed_after_publication": ("最近抓取",), "litigation_correction_rate": ("诉讼纠错率%", "行政诉讼案件数"),
              "coverage_matrix": ("省份", "发布机构")}


def _original_coverage_sql(years: list[int]) -> str:
    columns = "".join(f", case when sum(year = {y}) > 0 then '✓' else '' end as [{y}]" for y in years)
    return ("select coalesce(agency, '(' || url || ')') as 发布机构, province as 省份, level as 层级, "
            f"count(distinct year) as 年数{columns} from current_reports "
            "where (:province = '' or province = :province) group by 1 order by 省份, 发布机构")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("generated") / "gen.db"
    generate(path, 600, seed=7)
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    from archive.publish.explorer import prepare_connection

    prepare_connection(connection)
    for name, sql in ORIGINAL_VIEWS.items():
        connection.execute(f"create temp view {name} as {sql}")
    yield connection
    connection.close()


def _rows(connection, sql: str, params: dict) -> list[dict]:
    return [dict(row) for row in connection.execute(sql, params)]


def _same(original: list[dict], summarized: list[dict], keys: tuple[str, ...]) -> None:
    assert sorted(map(repr, summarized)) == sorted(map(repr, original))
    assert [[row[k] for k in keys] for row in summarized] == [[row[k] for k in keys] for row in original]


def _params(connection) -> dict[str, list[dict]]:
    year = connection.execute("select max(year) from reports").fetchone()[0]
    province = connection.execute("select province from current_reports group by 1 order by count(*) desc "
                                  "limit 1").fetchone()[0]
    return {"requests_by_region_year": [{"year": y, "province": p} for y in ("", str(year)) for p in ("", province)],
            "identity_failures": [{"result": r} for r in ("", "fail", "fail_total_blank", "pass")],
            "changed_after_publication": [{}],
            "litigation_correction_rate": [{"year": ""}, {"year": str(year)}],
            "coverage_matrix": [{"province": ""}, {"province": province}]}


@pytest.mark.slow
def test_generated_archive_has_failures_and_changed_reports(generated):
    assert generated.execute("select count(*) from identity_failures").fetchone()[0] > 20
    assert generated.execute("select count(*) from changed_urls").fetchone()[0] > 3
    assert generated.execute("select count(distinct agency) from reports").fetchone()[0] > 500


@pytest.mark.slow
@pytest.mark.parametrize("name", ["requests_by_region_year", "identity_failures", "changed_after_publication",
                                  "litigation_correction_rate"])
def test_summary_backed_query_returns_the_original_rows(generated, name):
    sql = yaml.safe_load((PUBLISH / "queries.yaml").read_text(encoding="utf-8"))[name]["sql"]
    for params in _params(generated)[name]:
        original = _rows(generated, ORIGINAL_QUERIES[name], params)
        assert original or name == "identity_failures" and params["result"] == "pass"
        _same(original, _rows(generated, sql, params), ORDER_KEYS[name])


@pytest.mark.slow
def test_identity_failures_view_returns_the_original_rows_and_its_table_no_copy_of_the_reports(generated):
    # temp.identity_failures is the view as it was; main's reads the report's words from report_summary.
    published = _rows(generated, "select * from main.identity_failures", {})
    assert len(published) > 20
    assert sorted(map(repr, published)) == sorted(map(repr, _rows(generated, "select * from temp.identity_failures", {})))
    columns = {table: [row[1] for row in generated.execute(f"pragma table_info({table})")]
               for table in ("identity_failure_summary", "identity_failure_reports")}
    assert columns == {"identity_failure_summary": ["report_id", "level", "year", "identity", "result", "difference",
                                                    "detail"],
                       "identity_failure_reports": ["result_filter", "report_id", "year", "failures"]}


@pytest.mark.slow
def test_row_totals_read_in_stored_order_are_the_views(generated):
    some = " and report_id in (select id from reports where id % 7 = 3)"
    for only in ("", some):
        through_view = sorted(map(tuple, generated.execute(row_totals(only))))
        assert len(through_view) > (200 if only else 2000)
        assert sorted(map(tuple, generated.execute(row_totals(only, in_stored_order=True)))) == through_view


@pytest.mark.slow
def test_coverage_matrix_returns_the_original_rows(generated):
    class Database:
        async def execute(self, sql):
            return generated.execute(sql).fetchall()

    class Datasette:
        def get_database(self, name):
            return Database()

    import asyncio

    sql = asyncio.run(_coverage_sql(Datasette(), "gen"))
    years = [row[0] for row in generated.execute("select distinct year from reports where year is not null "
                                                 "order by year")]
    for params in _params(generated)["coverage_matrix"]:
        original = _rows(generated, _original_coverage_sql(years), params)
        assert len(original) > 20
        _same(original, _rows(generated, sql, params), ORDER_KEYS["coverage_matrix"])


@pytest.mark.slow
def test_search_reports_finds_the_original_reports_latest_first(generated):
    sql = yaml.safe_load((PUBLISH / "queries.yaml").read_text(encoding="utf-8"))["search_reports"]["sql"]
    for q in ("复议", "公开 诉讼", "不存在的词语组合"):
        original = _rows(generated, ORIGINAL_QUERIES["search_reports"].replace("limit 100", ""), {"q": q})
        found = _rows(generated, sql, {"q": q})
        ids = [row["报告编号"] for row in found]
        assert ids == sorted(ids, reverse=True)
        if len(original) < 100:
            assert sorted(map(repr, found)) == sorted(map(repr, original))
        else:
            assert len(found) == 100


@pytest.mark.slow
def test_charts_home_counts_and_facets_match_counting_the_views(generated):
    metadata = yaml.safe_load((PUBLISH / "metadata.yaml").read_text(encoding="utf-8"))
    charts = metadata["plugins"]["datasette-dashboards"]["overview"]["charts"]
    outcomes = {"granted": "granted 予以公开", "partial": "partial 部分公开", "denied": "denied 不予公开",
                "unable": "unable 无法提供", "not_processed": "not processed 不予处理", "other": "other 其他处理"}
    original = {"requests-by-outcome": " union all ".join(
                    f"select year, '{label}' as outcome, coalesce(sum({column}), 0) as requests "
                    "from request_outcomes group by year" for column, label in outcomes.items()) + " order by year",
                "checks-by-province": "select coalesce(province, '(unknown)') as province, case when identities "
                                      "in ('pass') then 'pass' when identities in " + FAILING + " then 'fail' "
                                      "else 'not checkable' end as checks, count(*) as reports "
                                      "from current_reports group by 1, 2 order by 1",
                "reports-by-format": "select year, format, count(*) as reports from current_reports "
                                     "where year is not null group by 1, 2 order by 1"}
    for chart, sql in original.items():
        assert "report_counts" not in sql and "rollup" not in sql
        assert _rows(generated, charts[chart]["query"], {}) == _rows(generated, sql, {})
    for view, scope in COUNTED_VIEWS.items():
        for column in ("year", "province", "level", "format", "parse_status", "identities"):
            counted = f"select {column}, sum(reports) from report_counts where {scope} group by 1 order by 1"
            direct = f"select {column}, count(*) from {view} group by 1 order by 1"
            assert list(map(tuple, generated.execute(counted))) == list(map(tuple, generated.execute(direct)))
