"""SQL views (and the key→label table) that make the published archive easy to facet and query.

`ensure_publish_views(db)` is idempotent: views are dropped and recreated so a newer definition always
wins; `key_labels` is rewritten from layout.yaml.
"""

from __future__ import annotations

import sqlite_utils

from archive.publish.coverage_views import ensure_coverage_views
from archive.parsing import forms
from archive.publish.layout import key_labels
from archive.publish.summaries import FAILING, SUMMARIES, build_summaries, create_index

FAMILIES = "('I1', 'I2', 'I3', 'review_litigation_totals')"
# Worst first, as the parser's family summaries rank them.
RESULT_RANK = ("case {col} when 'fail' then 0 when 'fail_total_blank' then 1 when 'fail_parts_blank' "
               "then 2 when 'unknown' then 3 when 'pass' then 4 when 'empty' then 5 else 6 end")


def _cross_year_select(name: str, spec: dict) -> str:
    """One cross-year check of the forms model as SQL: this year's cell against last year's (+/-) cells."""
    each, fixed = ("col_key", "row_key") if spec["each"] == "column" else ("row_key", "col_key")
    table = spec["table"]
    (value,) = spec["value"]
    rows = f" and c.row_key in ({', '.join(repr(r) for r in spec['rows'])})" if "rows" in spec else ""
    joins = [f"join v c on c.report_id = p.report_id and c.table_key = '{table}' and c.{fixed} = '{value}'{rows}"]
    terms = []
    for i, (year, key, sign) in enumerate(spec["expected"]):
        report = "p.previous_id" if year == "prev" else "p.report_id"
        joins.append(f"join v e{i} on e{i}.report_id = {report} and e{i}.table_key = '{table}' "
                     f"and e{i}.{fixed} = '{key}' and e{i}.{each} = c.{each}")
        terms.append(("- " if sign < 0 else "+ " if i else "") + f"e{i}.n")
    return (f"  select p.*, '{name}:' || c.{each} as identity, c.n as value, {' '.join(terms)} as expected\n"
            f"  from pairs p\n  " + "\n  ".join(joins))


def cross_year_union() -> str:
    """The cross-year checks of the model (X1-X3), one select each, as one union."""
    return "\n  union all\n".join(_cross_year_select(name, spec) for name, spec in forms.cross_year().items())


SUMMARY_TABLE = "report_summary"
# One row per report version with the registry's region/level, the worst identity family result,
# and publication timing against the 31 January deadline (条例 第四十九条). Computed for every
# report when the summary is built, so that faceting and the canned queries read a table.
OVERVIEW_SQL = f"""
select
  r.id, r.title, r.agency,
  coalesce(r.region, s.region) as region,
  -- Provinces and levels from the division tree (archive/coverage.py), else the registry's words.
  coalesce(pl.province, sp.province,
           nullif(substr(s.region, 1, instr(s.region || ' ', ' ') - 1), ''), r.region) as province,
  coalesce(pl.level, s.level) as level, r.year, r.published, r.index_no, r.format, r.parse_status, r.kind,
  coalesce((select c.result from report_checks c
            where c.report_id = r.id and c.identity in {FAMILIES}
            order by {RESULT_RANK.format(col='c.result')} limit 1), 'not checked') as identities,
  (select count(*) from report_checks c
   where c.report_id = r.id and c.severity = 'hard' and c.identity like '%:%'
     and c.result in {FAILING}) as failing_identities,
  case when r.published is null or r.year is null then null
       when r.published > (r.year + 1) || '-01-31' then 1 else 0 end as after_jan31,
  cast(julianday(r.published) - julianday((r.year + 1) || '-01-31') as integer) as days_after_jan31,
  (select count(*) from snapshots x where x.url = r.url) as snapshots_of_url,
  r.source, r.url, r.snapshot_id
from reports r left join sources s on s.name = r.source
left join report_places pl on pl.report_id = r.id left join source_places sp on sp.source = r.source
"""
OVERVIEW_COLUMNS = ("id", "title", "agency", "region", "province", "level", "year", "published", "index_no",
                    "format", "parse_status", "kind", "identities", "failing_identities", "after_jan31",
                    "days_after_jan31", "snapshots_of_url", "source", "url", "snapshot_id")
# The latest snapshot of each URL, and per agency and data year the best-parsed one (a page and
# its attachment often carry the same report): these summary rows get current_version = 1.
CURRENT_SQL = """
select id from (
  select o.id, row_number() over (
    partition by coalesce(o.agency, o.url), o.year
    order by (o.parse_status = 'ok') desc, o.cells desc, o.id desc) as pick
  from {table} o
  where o.id in (select max(id) from reports group by url)
) where pick = 1
"""
CURRENT_COLUMNS = ("id", "title", "agency", "region", "province", "level", "year", "published", "format",
                   "parse_status", "kind", "identities", "after_jan31", "days_after_jan31", "source", "url")
SUMMARY_INDEXES = (("current_version", "year"), ("current_version", "province"), ("current_version", "agency"),
                   ("province",), ("level",), ("format",), ("parse_status",), ("identities",),
                   # late_reports reads the latest first; the home page the latest published.
                   ("current_version", "after_jan31", "days_after_jan31 desc"),
                   ("current_version", "published is null", "published desc", "year desc", "id desc"),
                   # The default sort (year, newest first: metadata.yaml) keeps a year's reports in id order.
                   ("year desc", "id"))
# What the summary was built from: rebuilt when any of these changed.
SOURCE_STATE_SQL = ("select (select count(*) from reports), (select max(id) from reports), "
                    "(select max(parsed_at) from reports), (select count(*) from snapshots), "
                    "(select max(id) from snapshots), (select count(*) from sources), "
                    "(select group_concat(name || '=' || coalesce(region, '') || coalesce(level, '')) from sources), "
                    # Provinces and levels come from the divisions placement (archive/coverage.py).
                    "(select value from coverage_meta where key = 'refreshed_at')")

ROW_TOTALS_SQL = """
select report_id, row_key,
  coalesce(max(case when col_key = 'total' and status = 'ok' then value end),
           sum(case when col_key not in ('total', 'legal_person') then value end)) as value
from report_cells
where table_key = 'requests' and status != 'derived'
group by report_id, row_key
"""
OUTCOMES_TABLE = "request_outcome_summary"
# Requests received and their outcomes per current report, from the requests table's row totals.
REQUEST_OUTCOMES_SQL = """
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
from {summary} r join ({row_totals}) t on t.report_id = r.id
where r.current_version = 1
group by r.id
"""

VIEWS: dict[str, str] = {
    # One row per report version (the summary table, see OVERVIEW_SQL).
    "report_overview": f"select {', '.join(OVERVIEW_COLUMNS)} from {SUMMARY_TABLE}",
    # The version users mean by "the report" (flagged when the summary is built, see CURRENT_SQL).
    "current_reports": f"select {', '.join(CURRENT_COLUMNS)} from {SUMMARY_TABLE} where current_version = 1",
    # Row totals of the requests table: the printed 总计 when it is a number, else the sum of the six
    # applicant columns (publishers often leave 总计 blank on intermediate rows).
    "request_row_totals": ROW_TOTALS_SQL,
    # Per current report (a summary table, see REQUEST_OUTCOMES_SQL).
    "request_outcomes": f"select * from {OUTCOMES_TABLE}",
    # Per current report, and each failing hard identity with its report; report URLs archived more
    # than once with different bytes (changed after publication): summary tables (summaries.py).
    "review_litigation_outcomes": "select * from review_litigation_summary",
    "identity_failures": ("select report_id, title, agency, region, level, year, format, identity, result, "
                          "difference, detail from identity_failure_summary"),
    "changed_urls": ("select url, snapshots, first_fetched, last_fetched, snapshot_ids, report_ids, title "
                     "from changed_url_summary"),
    # Cross-year checks (format-spec §7.3, soft): report N against report N-1 of the same agency.
    # X1 carried over = last year's carried forward; X2 (2021) in force ≈ last year's in force +
    # issued − repealed; X3 (2019) last year's items + last year's change = this year's previous items.
    # Blank and not-applicable cells count as 0; an unparsed cell makes the check unknown.
    "cross_year_checks": f"""
with pairs as (
  select cur.id as report_id, prev.id as previous_id, cur.agency, cur.year, prev.year as previous_year
  from current_reports cur join current_reports prev
    on prev.agency = cur.agency and prev.year = cur.year - 1
  where cur.agency is not null
),
v as (
  select report_id, table_key, row_key, col_key,
         case when status in ('blank', 'not_applicable') then 0 when status = 'ok' then value end as n
  from report_cells where status != 'derived'
),
x as (
{cross_year_union()}
)
select agency, year, previous_year, report_id, previous_id, identity, value, expected,
       value - expected as difference,
       case when value is null or expected is null then 'unknown'
            when value = expected then 'pass' else 'warning' end as result
from x
""",
}


def build_report_summary(db: sqlite_utils.Database) -> bool:
    """(Re)build `report_summary` (one row per report: OVERVIEW_SQL plus its cell count and whether
    it is the current version) and `request_outcome_summary` unless what they are built from is
    unchanged; True when rebuilt."""
    state = repr(db.execute(SOURCE_STATE_SQL).fetchone())
    if not db["publish_state"].exists():
        db["publish_state"].create({"name": str, "state": str}, pk="name")
    built = db.execute("select state from publish_state where name = ?", [SUMMARY_TABLE]).fetchone()
    tables = (SUMMARY_TABLE, OUTCOMES_TABLE, *(summary.table for summary in SUMMARIES))
    if built is not None and built[0] == state and all(db[table].exists() for table in tables):
        return False
    fresh = f"{SUMMARY_TABLE}_building"
    with db.atomic():
        db.execute(f"drop table if exists [{fresh}]")
        db.execute(f"create table [{fresh}] as select o.*, coalesce(n.cells, 0) as cells, 0 as current_version "
                   f"from ({OVERVIEW_SQL}) o left join (select report_id, count(*) as cells from report_cells "
                   # In id order: the views read the table in its row order, as they read `reports`.
                   "group by report_id) n on n.report_id = o.id order by o.id")
        db.execute(f"update [{fresh}] set current_version = 1 where id in ({CURRENT_SQL.format(table=fresh)})")
        db.execute(f"drop table if exists [{SUMMARY_TABLE}]")
        db.execute(f"alter table [{fresh}] rename to [{SUMMARY_TABLE}]")
        db.execute(f"drop table if exists [{OUTCOMES_TABLE}]")
        db.execute(f"create table [{OUTCOMES_TABLE}] as "
                   + REQUEST_OUTCOMES_SQL.format(summary=SUMMARY_TABLE, row_totals=ROW_TOTALS_SQL))
        for columns in (("report_id",), ("year",), ("province",)):
            db[OUTCOMES_TABLE].create_index(list(columns), if_not_exists=True)
        db.execute(f"create unique index idx_{SUMMARY_TABLE}_id on [{SUMMARY_TABLE}] (id)")
        for columns in SUMMARY_INDEXES:
            create_index(db, SUMMARY_TABLE, columns)
        build_summaries(db)
        db["publish_state"].upsert({"name": SUMMARY_TABLE, "state": state}, pk="name")
    return True


def ensure_publish_views(db: sqlite_utils.Database) -> None:
    """Create (or replace) the publishing views, their summary table and the `key_labels` table."""
    for name in reversed(list(VIEWS)):
        db.execute(f"drop view if exists [{name}]")
    build_report_summary(db)
    for name, sql in VIEWS.items():
        db.execute(f"create view [{name}] as {sql.strip()}")
    ensure_coverage_views(db)
    with db.atomic():
        db["key_labels"].drop(ignore=True)
        db["key_labels"].insert_all(key_labels(), pk=("table_key", "format", "axis", "key"))
