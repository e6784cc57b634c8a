"""Summary tables behind the canned queries, dashboard charts, facets and home page.

Each is a plain table computed from `report_summary` (views.py) and the cell and check tables when
the publishing preparation rebuilds the summary, so a page reads a few thousand indexed rows
instead of scanning millions of cells or checks. The queries that read them (queries.yaml, the
dashboards in metadata.yaml, explorer/) return what the original queries over the live views
return; tests/publish/test_summaries.py compares both on a generated archive.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

CURRENT = "(select * from report_summary where current_version = 1)"
FAILING = "('fail', 'fail_total_blank', 'fail_parts_blank')"


@dataclass(frozen=True)
class Summary:
    """One summary table: its rows (a select) and the indexes its readers need."""

    table: str
    sql: str
    indexes: tuple[tuple[str, ...], ...] = ()


# Every failing hard identity with its report (the `identity_failures` view reads this table).
IDENTITY_FAILURES_SQL = f"""
select c.report_id, o.title, o.agency, o.region, o.level, o.year, o.format,
       c.identity, c.result, c.difference, c.detail
from report_checks c join report_summary o on o.id = c.report_id
where c.severity = 'hard' and c.identity like '%:%' and c.result in {FAILING}
order by c.report_id, c.rowid
"""
# 行政复议 and 行政诉讼 outcomes per current report (the `review_litigation_outcomes` view).
REVIEW_LITIGATION_SQL = f"""
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
from {CURRENT} r join report_cells c on c.report_id = r.id
where c.table_key = 'review_litigation' and c.status != 'derived'
group by r.id
"""
# Report URLs archived more than once with different bytes, and the cells whose value differs
# between the first and the latest report version (the `changed_urls` view and its canned query).
CHANGED_URLS_SQL = """
select u.*,
  (select count(*) from report_cells a join report_cells b
     on b.table_key = a.table_key and b.row_key = a.row_key and b.col_key = a.col_key
   where a.report_id = u.first_report_id and b.report_id = u.latest_report_id
     and a.value is not b.value) as changed_cells
from (
  select s.url, count(*) as snapshots, min(s.fetched_at) as first_fetched, max(s.fetched_at) as last_fetched,
         group_concat(s.id, ' ') as snapshot_ids,
         (select group_concat(r.id, ' ') from reports r where r.url = s.url) as report_ids,
         (select r.title from reports r where r.url = s.url order by r.id desc limit 1) as title,
         (select min(id) from reports r where r.url = s.url) as first_report_id,
         (select max(id) from reports r where r.url = s.url) as latest_report_id
  from snapshots s
  where s.url in (select url from reports)
  group by s.url having count(*) > 1
) u
"""
_OUTCOME_SUMS = ("received", "carried_over", "granted", "partial", "denied", "unable", "not_processed", "other",
                 "total_processed", "carried_forward")
_REVIEW_SUMS = tuple(f"{group}_{outcome}" for group in ("review", "litigation")
                     for outcome in ("upheld", "corrected", "other", "pending", "total"))


def _rollup(source: str, sums: tuple[str, ...]) -> str:
    """Per province, region and data year: the reports and the sums of `source`'s columns."""
    return (f"select province, region, year, count(*) as reports, "
            + ", ".join(f"sum({column}) as {column}" for column in sums)
            + f" from {source} group by province, region, year")


def _region_sums(source: str) -> str:
    """The reports and the review/litigation sums of `source` per province and region."""
    return ("province, region, sum(reports) as reports, "
            + ", ".join(f"sum({column}) as {column}" for column in _REVIEW_SUMS)
            + f" from {source} group by province, region")


AGENCY = "coalesce(agency, '(' || url || ')')"
# The coverage matrix (explorer's coverage_matrix query): one row per agency and scope, the scope
# being '' (every province) or the one province the query is filtered on; `years` lists the data
# years found as ",2019,2021,".
AGENCY_COVERAGE_SQL = f"""
select '' as scope, {AGENCY} as agency_key, province, level, count(distinct year) as year_count,
       ',' || group_concat(distinct year) || ',' as years
from report_summary where current_version = 1 group by {AGENCY}
union all
select province, {AGENCY}, province, level, count(distinct year), ',' || group_concat(distinct year) || ','
from report_summary where current_version = 1 and province is not null group by province, {AGENCY}
"""
# Report versions counted by every faceted column (facets, the home page, the dashboard charts).
COUNTED = ("current_version", "year", "province", "level", "format", "parse_status", "kind", "identities")
REPORT_COUNTS_SQL = (f"select {', '.join(COUNTED)}, count(*) as reports from report_summary "
                     f"group by {', '.join(COUNTED)}")

SUMMARIES: tuple[Summary, ...] = (
    Summary("identity_failure_summary", IDENTITY_FAILURES_SQL, (("report_id",), ("result",))),
    # identity_failures grouped per report, once for every value of its :result parameter ('' = all).
    Summary("identity_failure_reports", """
select '' as result_filter, report_id, title, agency, region, level, year, format, count(*) as failures,
  group_concat(identity || ' ' || result || coalesce(' (' || difference || ')', ''), '; ') as checks
from identity_failure_summary group by report_id
union all
select result, report_id, title, agency, region, level, year, format, count(*),
  group_concat(identity || ' ' || result || coalesce(' (' || difference || ')', ''), '; ')
from identity_failure_summary group by result, report_id
""", (("result_filter", "year desc", "failures desc", "report_id"),)),
    Summary("review_litigation_summary", REVIEW_LITIGATION_SQL, (("report_id",), ("year",))),
    Summary("review_litigation_rollup", _rollup("review_litigation_summary", _REVIEW_SUMS), (("year",),)),
    # The rollup per province and region, over every year (year_filter null) and for each year
    # (litigation_correction_rate's :year): one indexed read per page.
    Summary("review_litigation_regions", "select null as year_filter, " + _region_sums("review_litigation_rollup")
            + " union all select year, " + _region_sums("review_litigation_rollup").replace(
                " group by province, region", " where year is not null group by year, province, region"), (("year_filter",),)),
    Summary("request_outcome_rollup", _rollup("request_outcome_summary", _OUTCOME_SUMS),
            (("year", "province"),)),
    Summary("changed_url_summary", CHANGED_URLS_SQL, (("last_fetched",),)),
    Summary("agency_coverage", AGENCY_COVERAGE_SQL, (("scope", "province", "agency_key"),)),
    Summary("report_counts", REPORT_COUNTS_SQL, (("current_version",),)),
)


def create_index(db: sqlite_utils.Database, table: str, columns: tuple[str, ...]) -> None:
    """An index on columns or expressions (`year desc`, `published is null`), named after them."""
    name = f"idx_{table}_" + "_".join(column.split()[0] for column in columns)
    db.execute(f"create index if not exists [{name}] on [{table}] ({', '.join(columns)})")


def build_summaries(db: sqlite_utils.Database) -> None:
    """(Re)create every summary table, in order (later ones read earlier ones); call in a transaction."""
    for summary in SUMMARIES:
        db.execute(f"drop table if exists [{summary.table}]")
        db.execute(f"create table [{summary.table}] as {summary.sql.strip()}")
        for columns in summary.indexes:
            create_index(db, summary.table, columns)
