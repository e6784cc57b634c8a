"""Summary tables behind the canned queries, dashboard charts, facets and home page: their definitions.

Each is a plain table computed from the archive (`report_summary`, one row per report version) or
from an earlier summary, so a page reads a few thousand indexed rows instead of scanning millions of
cells or checks. The queries that read them (queries.yaml, the dashboards in metadata.yaml,
explorer/) return what the original queries over the live views return; tests/publish/test_summaries.py
compares both on a generated archive. summary_refresh.py builds them, whole or for changed reports.

Every select holds `{only}`: the rows it computes, `1` for all of them, or a condition on its key
(the report, the URL or the rollup's group) when only some are brought up to date; the request
outcomes' row totals also hold `{only_cells}`, the same condition on the cells they read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlite_utils

from archive.store import layout_cells

FAILING = "('fail', 'fail_total_blank', 'fail_parts_blank')"
FAMILIES = "('I1', 'I2', 'I3', 'review_litigation_totals')"
# Worst first, as the parser's family summaries rank them.
RESULT_RANK = ("case {col} when 'fail' then 0 when 'fail_total_blank' then 1 when 'fail_parts_blank' "
               "then 2 when 'unknown' then 3 when 'pass' then 4 when 'empty' then 5 else 6 end")


@dataclass(frozen=True)
class Summary:
    """One summary table: its rows (a select with `{only}`), the indexes its readers need, and what
    a row belongs to: a report (`key` names its column, `only` the select's expression for it), a
    URL, or a group of its `source` table's rows (a rollup: `groups` are the columns, in both
    tables, that the rows of one group share)."""

    table: str
    sql: str
    indexes: tuple[tuple[str, ...], ...] = ()
    key: str = "report_id"
    only: str = ""
    scope: str = "reports"
    source: str = ""
    groups: tuple[str, ...] = ()
    # One row per report, stored at rowid = report id: the table reads in id order however it was built.
    by_rowid: bool = False


SUMMARY_TABLE = "report_summary"
# What a report's summary row reads from the report, its source and its place (archive/coverage.py);
# the rest of the row (identities, cells, snapshots of its URL) comes from its checks, cells and
# snapshots. A row whose basis differs from the stored one is rebuilt (summary_refresh.py).
BASIS_COLUMNS = ("id", "title", "agency", "region", "province", "level", "year", "published", "index_no",
                 "format", "parse_status", "kind", "after_jan31", "days_after_jan31", "source", "url",
                 "snapshot_id", "parsed_at")
BASIS_SQL = """
select r.id, r.title, r.agency, coalesce(r.region, s.region) as region,
  -- Provinces and levels from the division tree (archive/coverage.py), else the registry's words.
  coalesce(pl.province, sp.province,
           nullif(substr(s.region, 1, instr(s.region || ' ', ' ') - 1), ''), r.region) as province,
  coalesce(pl.level, s.level) as level, r.year, r.published, r.index_no, r.format, r.parse_status, r.kind,
  case when r.published is null or r.year is null then null
       when r.published > (r.year + 1) || '-01-31' then 1 else 0 end as after_jan31,
  cast(julianday(r.published) - julianday((r.year + 1) || '-01-31') as integer) as days_after_jan31,
  r.source, r.url, r.snapshot_id, r.parsed_at
from reports r left join sources s on s.name = r.source
left join report_places pl on pl.report_id = r.id left join source_places sp on sp.source = r.source
where {only}
"""
# One row per report version with the registry's region/level, the worst identity family result,
# publication timing against the 31 January deadline (条例 第四十九条), its cell count and whether
# it is the current version (set afterwards, CURRENT_SQL).
OVERVIEW_SQL = f"""
select b.id, b.title, b.agency, b.region, b.province, b.level, b.year, b.published, b.index_no, b.format,
  b.parse_status, b.kind,
  coalesce((select c.result from report_checks c
            where c.report_id = b.id and c.identity in {FAMILIES}
            order by {RESULT_RANK.format(col='c.result')} limit 1), 'not checked') as identities,
  (select count(*) from report_checks c
   where c.report_id = b.id and c.severity = 'hard' and c.identity like '%:%'
     and c.result in {FAILING}) as failing_identities,
  b.after_jan31, b.days_after_jan31,
  (select count(*) from snapshots x where x.url = b.url) as snapshots_of_url,
  b.source, b.url, b.snapshot_id, b.parsed_at,
  -- The report's cells: its layout's keys, each one row of report_cells (a stored cell or a blank);
  -- counted without the view's joins (13 against 127 ms at 2,000 reports).
  (select count(*) from report_cell_layouts l join cell_layout_keys lk on lk.layout_id = l.layout_id
   where l.report_id = b.id) as cells, 0 as current_version,
  -- The rows competing to be the current version: one agency (or URL) and data year.
  coalesce(b.agency, b.url) as version_group,
  -- The coverage matrix's row (agency_coverage).
  coalesce(b.agency, '(' || b.url || ')') as agency_key
from ({BASIS_SQL.strip()}) b
"""
OVERVIEW_COLUMNS = ("id", "title", "agency", "region", "province", "level", "year", "published", "index_no",
                    "format", "parse_status", "kind", "identities", "failing_identities", "after_jan31",
                    "days_after_jan31", "snapshots_of_url", "source", "url", "snapshot_id")
# The latest snapshot of each URL, and per agency and data year the best-parsed one (a page and
# its attachment often carry the same report): these summary rows get current_version = 1.
CURRENT_SQL = f"""
select id from (
  select o.id, row_number() over (
    partition by o.version_group, o.year
    order by (o.parse_status = 'ok') desc, o.cells desc, o.id desc) as pick
  from {SUMMARY_TABLE} o
  where {{only}} and o.id = (select max(x.id) from reports x where x.url is o.url)
) where pick = 1
"""
SUMMARY_INDEXES = (("current_version", "year"), ("current_version", "province"), ("current_version", "agency"),
                   ("province",), ("level",), ("format",), ("parse_status",), ("identities",),
                   # late_reports reads the latest first; the home page the latest published.
                   ("current_version", "after_jan31", "days_after_jan31 desc"),
                   ("current_version", "published is null", "published desc", "year desc", "id desc"),
                   # The default sort (year, newest first: metadata.yaml) keeps a year's reports in id order.
                   ("year desc", "id"),
                   # A version group's rows, when its current version is chosen again.
                   ("version_group", "year"), ("url",))


def row_totals(only: str = "", in_stored_order: bool = False) -> str:
    """Row totals of the requests table: the printed 总计 when it is a number, else the sum of the six
    applicant columns (publishers often leave 总计 blank on intermediate rows); `only` narrows the rows.

    `in_stored_order` reads the cells report by report, as they are stored, each key looked up by
    id (a cross join fixes that order): for the summaries, which read every report or a list of them.
    Through the view SQLite went key by key through the cells' key index and looked each cell up
    again (1.04 s against 0.60 s at 2,000 reports); the published view keeps the planner's choice,
    so that a filter on a row or column key still reads that key's cells alone."""
    if not in_stored_order:
        cells = "report_cells"
    else:
        cells = (f"(select l.report_id, k.table_key, k.row_key, k.col_key, v.value, f.status "
                 f"from {layout_cells('cross join')})")
    return f"""
select report_id, row_key,
  coalesce(max(case when col_key = 'total' and status = 'ok' then value end),
           sum(case when col_key not in ('total', 'legal_person') then value end)) as value
from {cells}
where table_key = 'requests' and status != 'derived'{only}
group by report_id, row_key
"""


CURRENT = f"(select * from {SUMMARY_TABLE} where current_version = 1)"
OUTCOMES_TABLE = "request_outcome_summary"
# Requests received and their outcomes per current report, from the requests table's row totals.
REQUEST_OUTCOMES_SQL = f"""
select r.id as report_id, r.agency, r.region, r.province, r.level, r.year, r.format,
  sum(case when t.row_key = 'new_received' then t.value end) as received,
  sum(case when t.row_key = 'carried_over' then t.value end) as carried_over,
  sum(case when t.row_key = 'granted' then t.value end) as granted,
  sum(case when t.row_key = 'partial' then t.value end) as partial,
  sum(case when t.row_key like 'denied.%' then t.value end) as denied,
  sum(case when t.row_key like 'unable.%' then t.value end) as unable,
  sum(case when t.row_key like 'not!_processed.%' escape '!' then t.value end) as not_processed,
  sum(case when t.row_key = 'other' or t.row_key like 'other.%' then t.value end) as other,
  sum(case when t.row_key = 'total_processed' then t.value end) as total_processed,
  sum(case when t.row_key = 'carried_forward' then t.value end) as carried_forward
from {CURRENT} r join ({row_totals(' and {only_cells}', in_stored_order=True)}) t on t.report_id = r.id
where {{only}}
group by r.id
"""
# Every failing hard identity, with its report's year and level: the `identity_failures` view's
# facets, read from this table alone. The view takes the report's words from report_summary for the
# rows it shows (a copy of them on every failing check was most of this table's bytes).
IDENTITY_FAILURES_SQL = f"""
select c.report_id, o.level, o.year, c.identity, c.result, c.difference, c.detail
from report_checks c join {SUMMARY_TABLE} o on o.id = c.report_id
where {{only}} and c.severity = 'hard' and c.identity like '%:%' and c.result in {FAILING}
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
where {{only}} and c.table_key = 'review_litigation' and c.status != 'derived'
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
  where {only} and s.url in (select url from reports)
  group by s.url having count(*) > 1
) u
"""
_OUTCOME_SUMS = ("received", "carried_over", "granted", "partial", "denied", "unable", "not_processed", "other",
                 "total_processed", "carried_forward")
_REVIEW_SUMS = tuple(f"{group}_{outcome}" for group in ("review", "litigation")
                     for outcome in ("upheld", "corrected", "other", "pending", "total"))
PLACE_YEAR = ("province", "region", "year")


def _rollup(source: str, sums: tuple[str, ...]) -> str:
    """Per province, region and data year: the reports and the sums of `source`'s columns."""
    return (f"select province, region, year, count(*) as reports, "
            + ", ".join(f"sum({column}) as {column}" for column in sums)
            + f" from {source} s where {{only}} group by province, region, year")


def _region_sums(source: str) -> str:
    """The reports and the review/litigation sums of `source` per province and region."""
    return ("province, region, sum(reports) as reports, "
            + ", ".join(f"sum({column}) as {column}" for column in _REVIEW_SUMS)
            + f" from {source} s where {{only}} group by province, region")


# The coverage matrix (explorer's coverage_matrix query): one row per agency and scope, the scope
# being '' (every province) or the one province the query is filtered on; `years` lists the data
# years found as ",2019,2021,".
# Each agency's rows are read in id order, whichever rows are read: its latest row gives the
# province and level, and the years are listed in the order of its rows.
AGENCY_COVERAGE_SQL = f"""
select '' as scope, agency_key, province, level, count(distinct year) as year_count,
       ',' || group_concat(distinct year) || ',' as years
from (select agency_key, province, level, year from {SUMMARY_TABLE} s where current_version = 1 and {{only}}
      order by agency_key, id)
group by agency_key
union all
select province, agency_key, province, level, count(distinct year), ',' || group_concat(distinct year) || ','
from (select agency_key, province, level, year from {SUMMARY_TABLE} s
      where current_version = 1 and province is not null and {{only}} order by province, agency_key, id)
group by province, agency_key
"""
# Report versions counted by every faceted column (facets, the home page, the dashboard charts).
COUNTED = ("current_version", "year", "province", "level", "format", "parse_status", "kind", "identities")
FACET_INDEXES = tuple(index for column in COUNTED[1:]
                      for index in ((column, "reports"), ("current_version", column, "reports")))
REPORT_COUNTS_SQL = (f"select {', '.join(COUNTED)}, count(*) as reports from {SUMMARY_TABLE} s "
                     f"where {{only}} group by {', '.join(COUNTED)}")

SUMMARIES: tuple[Summary, ...] = (
    Summary(OUTCOMES_TABLE, REQUEST_OUTCOMES_SQL, (("report_id",), ("year",), ("province",)), only="r.id",
            by_rowid=True),
    Summary("identity_failure_summary", IDENTITY_FAILURES_SQL, (("report_id",), ("result",)), only="c.report_id"),
    # identity_failures counted per report, once for every value of its :result parameter ('' = all):
    # the canned query's order, read from one index. The report's words and its list of failing
    # checks are read for the rows shown (report_summary, identity_failure_summary): stored here
    # they were 96% of this table's bytes, a copy of both.
    Summary("identity_failure_reports", """
select '' as result_filter, report_id, year, count(*) as failures
from identity_failure_summary where {only} group by report_id
union all
select result, report_id, year, count(*)
from identity_failure_summary where {only} group by result, report_id
""", (("result_filter", "year desc", "failures desc", "report_id"), ("report_id",)), only="report_id"),
    Summary("review_litigation_summary", REVIEW_LITIGATION_SQL, (("report_id",), ("year",)), only="r.id",
            by_rowid=True),
    Summary("review_litigation_rollup", _rollup("review_litigation_summary", _REVIEW_SUMS),
            (("year",),), source="review_litigation_summary", groups=PLACE_YEAR),
    # The rollup per province and region, over every year (year_filter null) and for each year
    # (litigation_correction_rate's :year): one indexed read per page.
    Summary("review_litigation_regions", "select null as year_filter, " + _region_sums("review_litigation_rollup")
            + " union all select year, " + _region_sums("review_litigation_rollup").replace(
                " group by province, region", " and year is not null group by year, province, region"),
            (("year_filter",),), source="review_litigation_rollup", groups=PLACE_YEAR[:2]),
    Summary("request_outcome_rollup", _rollup(OUTCOMES_TABLE, _OUTCOME_SUMS),
            (("year", "province"),), source=OUTCOMES_TABLE, groups=PLACE_YEAR),
    Summary("changed_url_summary", CHANGED_URLS_SQL, (("last_fetched",), ("url",)), key="url", only="s.url",
            scope="urls"),
    Summary("agency_coverage", AGENCY_COVERAGE_SQL, (("scope", "province", "agency_key"),),
            source=SUMMARY_TABLE, groups=("agency_key",)),
    # A counted facet sums one column's groups, of every version or of current ones (explorer/facets.py):
    # each reads a covering index in the column's order (1 ms for 5,000 groups at 300k reports, not 3).
    Summary("report_counts", REPORT_COUNTS_SQL, (("current_version",), *FACET_INDEXES), source=SUMMARY_TABLE,
            groups=COUNTED),
)


def definitions_digest() -> str:
    """What every summary is computed by: a stored summary built by other definitions is rebuilt whole."""
    text = repr((BASIS_SQL, OVERVIEW_SQL, CURRENT_SQL, SUMMARY_INDEXES, SUMMARIES))
    return hashlib.sha256(text.encode()).hexdigest()


def create_index(db: sqlite_utils.Database, table: str, columns: tuple[str, ...]) -> None:
    """An index on columns or expressions (`year desc`, `published is null`), named after them."""
    name = f"idx_{table}_" + "_".join(column.split()[0] for column in columns)
    db.execute(f"create index if not exists [{name}] on [{table}] ({', '.join(columns)})")
