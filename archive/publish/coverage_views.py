"""Publishing views of coverage (archive/coverage.py): found versus expected, late, removed, changed,
per-source health and the division map. Created beside the report views by `ensure_publish_views`."""

from __future__ import annotations

import sqlite_utils

from archive.store import ensure_schema

FOUND = "('on_time', 'late', 'found_date_unknown', 'removed')"
ERROR_KIND = ("case when f.error is not null then substr(f.error, 1, instr(f.error || ':', ':') - 1) "
              "when f.status >= 400 then 'HTTP ' || f.status end")

COVERAGE_VIEWS: dict[str, str] = {
    # Found / expected per division, level and data year (a publisher-year due and not found is missing).
    "coverage_by_division": f"""
select province_name as province, coalesce(prefecture_name, '') as prefecture,
       coalesce(county_name, '') as county, township, division_code, division_level, kind, year,
       count(*) as expected, sum(status in {FOUND}) as found, sum(status = 'on_time') as on_time,
       sum(status = 'late') as late, sum(status = 'missing') as missing,
       sum(status = 'removed') as removed, sum(changed) as changed
from coverage where status != 'not_due'
group by division_code, township, division_level, kind, year
""",
    "late_publication": """
select c.year, c.name as publisher, c.kind, c.province, c.division_code, c.township, c.deadline,
       c.published, c.days_late, c.report_id, c.url
from coverage c where c.status = 'late' or (c.status = 'removed' and c.days_late > 0)
""",
    # Publisher-years due and never found (from the publisher's first data year seen).
    "never_published": """
select c.year, c.name as publisher, c.kind, c.province, c.division_code, c.township, c.deadline,
       p.first_year, p.last_year, p.column_url
from coverage c join publishers p on p.id = c.publisher_id where c.status = 'missing'
""",
    # Reports that were found and later answered 404, read as a soft-404, or left their column; every
    # archived version stays in `snapshots`.
    "removed_reports": """
select e.url, e.kind, e.detail, e.at, e.crawl_id, e.report_id, r.title, r.agency, r.year, r.source,
       (select count(*) from snapshots s where s.url = e.url) as archived_versions,
       (select max(s.id) from snapshots s join reports x on x.snapshot_id = s.id where x.url = e.url)
         as last_report_snapshot
from report_events e left join reports r on r.id = e.report_id
where e.kind in ('removed_404', 'removed_soft_404', 'unlisted')
""",
    "changed_reports": """
select e.url, e.at, e.crawl_id, e.detail, r.title, r.agency, r.year, r.source,
       (select count(*) from reports x where x.url = e.url) as report_versions
from report_events e left join reports r on r.id = e.report_id where e.kind = 'changed'
""",
    # One row per source and crawl: requests (robots.txt aside), errors, reports seen.
    "source_crawls": f"""
select f.source, f.crawl_id, c.started_at, c.status as crawl_status, count(*) as requests,
       count({ERROR_KIND}) as errors,
       count(distinct case when r.id is not null then f.url end) as reports
from fetches f join crawls c on c.id = f.crawl_id
left join reports r on r.snapshot_id = f.snapshot_id
where f.url not like '%/robots.txt'
group by f.source, f.crawl_id
""",
    "source_errors": f"""
select f.source, f.crawl_id, {ERROR_KIND} as error_kind, count(*) as errors, min(f.url) as example_url
from fetches f where {ERROR_KIND} is not null and f.url not like '%/robots.txt'
group by f.source, f.crawl_id, error_kind
""",
    "source_health": """
select s.name as source, sp.province, sp.division_code, s.start_url,
       max(sc.started_at) as last_attempt,
       max(case when sc.requests > sc.errors then sc.started_at end) as last_success,
       count(sc.crawl_id) as crawls,
       (select x.requests from source_crawls x where x.source = s.name order by x.crawl_id desc limit 1)
         as last_requests,
       (select x.errors from source_crawls x where x.source = s.name order by x.crawl_id desc limit 1)
         as last_errors,
       (select x.reports from source_crawls x where x.source = s.name order by x.crawl_id desc limit 1)
         as last_reports,
       (select group_concat(kind, ', ') from (
          select e.error_kind || ' ×' || e.errors as kind from source_errors e
          where e.source = s.name and e.crawl_id = (select max(x.crawl_id) from source_crawls x
                                                    where x.source = s.name)
          order by e.error_kind)) as last_errors_by_kind
from sources s left join source_crawls sc on sc.source = s.name
left join source_places sp on sp.source = s.name
group by s.name
""",
    # A point per county (or prefecture) with coverage, at its centroid (its parent's when the division
    # package gives none): datasette-cluster-map draws it.
    "coverage_map": f"""
select d.code, d.path as division, count(*) as expected, sum(c.status in {FOUND}) as found,
       sum(c.status = 'missing') as missing, sum(c.status = 'late') as late,
       coalesce(d.latitude, p.latitude) as latitude, coalesce(d.longitude, p.longitude) as longitude
from coverage c join divisions d on d.code = c.division_code
left join divisions p on p.code = d.parent
where c.status != 'not_due'
group by d.code
""",
}


def ensure_coverage_views(db: sqlite_utils.Database) -> None:
    """Create (or replace) the coverage views; an archive made before coverage gets its tables first
    (report_overview reads report_places and source_places)."""
    if "coverage" not in db.table_names():
        ensure_schema(db)
    for name in reversed(list(COVERAGE_VIEWS)):
        db.execute(f"drop view if exists [{name}]")
    for name, sql in COVERAGE_VIEWS.items():
        db.execute(f"create view [{name}] as {sql.strip()}")
