"""What the home page shows of each archive database: its reports, counted by data year and format."""

from __future__ import annotations

from dataclasses import dataclass, field

LATEST_REPORTS = 12
_LATEST_SQL = f"""
select id, title, agency, year, format, identities from current_reports
order by published is null, published desc, year desc, id desc limit {LATEST_REPORTS}"""
# report_counts (summaries.py): current_reports counted by their faceted columns.
_COUNT_SQL = ("select {column}, sum(reports) from report_counts where current_version = 1 "
              "group by 1 order by 1 {order}")


@dataclass
class ArchiveSummary:
    """One database's reports as the home page lists them."""

    database: str
    reports: int
    by_year: list[tuple[int | None, int]] = field(default_factory=list)
    by_format: list[tuple[str | None, int]] = field(default_factory=list)
    latest: list[dict] = field(default_factory=list)


async def archive_summary(datasette, database: str) -> ArchiveSummary | None:
    """The summary of one database, or None when it is not an archive (no report views)."""
    db = datasette.get_database(database)
    if "current_reports" not in await db.view_names():
        return None
    by_year = [tuple(row) for row in await db.execute(_COUNT_SQL.format(column="year", order="desc"))]
    by_format = [tuple(row) for row in await db.execute(_COUNT_SQL.format(column="format", order=""))]
    latest = [dict(row) for row in await db.execute(_LATEST_SQL)]
    return ArchiveSummary(database, sum(count for _, count in by_year), by_year, by_format, latest)
