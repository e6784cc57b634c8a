"""SQL views (and the key→label table) that make the published archive easy to facet and query.

`ensure_publish_views(db)` is idempotent: views are dropped and recreated so a newer definition always
wins; `key_labels` is rewritten from layout.yaml.
"""

from __future__ import annotations

import sqlite_utils

from archive.publish.coverage_views import ensure_coverage_views
from archive.parsing import forms
from archive.publish.layout import key_labels
from archive.publish.summaries import OUTCOMES_TABLE, OVERVIEW_COLUMNS, SUMMARY_TABLE, row_totals
from archive.publish.summary_refresh import refresh_summaries


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


CURRENT_COLUMNS = ("id", "title", "agency", "region", "province", "level", "year", "published", "format",
                   "parse_status", "kind", "identities", "after_jan31", "days_after_jan31", "source", "url")

VIEWS: dict[str, str] = {
    # One row per report version (the summary table, summaries.OVERVIEW_SQL).
    "report_overview": f"select {', '.join(OVERVIEW_COLUMNS)} from {SUMMARY_TABLE}",
    # The version users mean by "the report" (flagged when the summary is built, summaries.CURRENT_SQL).
    "current_reports": f"select {', '.join(CURRENT_COLUMNS)} from {SUMMARY_TABLE} where current_version = 1",
    # Row totals of the requests table (summaries.row_totals).
    "request_row_totals": row_totals(),
    # Per current report (a summary table, summaries.REQUEST_OUTCOMES_SQL).
    "request_outcomes": f"select * from {OUTCOMES_TABLE}",
    # Per current report, and each failing hard identity with its report; report URLs archived more
    # than once with different bytes (changed after publication): summary tables (summaries.py).
    "review_litigation_outcomes": "select * from review_litigation_summary",
    # A left join on report_summary's rowid (its report id): SQLite leaves it out of a query that
    # reads none of its columns (the facets), and reads it for the rows shown.
    "identity_failures": ("select f.report_id, o.title, o.agency, o.region, f.level, f.year, o.format, "
                          "f.identity, f.result, f.difference, f.detail from identity_failure_summary f "
                          f"left join {SUMMARY_TABLE} o on o.rowid = f.report_id"),
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


def ensure_publish_views(db: sqlite_utils.Database) -> None:
    """Create (or replace) the publishing views, their summary table and the `key_labels` table."""
    for name in reversed(list(VIEWS)):
        db.execute(f"drop view if exists [{name}]")
    refresh_summaries(db)
    for name, sql in VIEWS.items():
        db.execute(f"create view [{name}] as {sql.strip()}")
    ensure_coverage_views(db)
    with db.atomic():
        db["key_labels"].drop(ignore=True)
        db["key_labels"].insert_all(key_labels(), pk=("table_key", "format", "axis", "key"))
