"""Each counted facet of report_overview and current_reports reads a covering index of report_counts
in its column's order, never a scan of the table (at a million reports it has thousands of groups)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from archive.publish.explorer import TEMPLATE_DATABASE
from archive.publish.explorer.facets import COUNTED_VIEWS, counted_facet_sql

PUBLISH = Path(__file__).resolve().parents[2] / "archive" / "publish"


def _counted_facets() -> dict[str, list[str]]:
    tables = yaml.safe_load((PUBLISH / "metadata.yaml").read_text(encoding="utf-8"))["databases"][TEMPLATE_DATABASE]["tables"]
    return {view: [next(iter(f.values())) for f in tables[view]["facets"] if "counted" in f]
            for view in COUNTED_VIEWS}


def test_every_counted_facet_reads_a_covering_index_in_its_columns_order(fixture_archive):
    connection = sqlite3.connect(fixture_archive.path)
    facets = _counted_facets()
    assert facets["report_overview"] == ["year", "province", "level", "format", "parse_status", "identities"]
    assert facets["current_reports"] == ["year", "province", "level", "format", "identities"]
    for view, columns in facets.items():
        for column in columns:
            plan = " ".join(row[3] for row in connection.execute(
                "explain query plan " + counted_facet_sql(COUNTED_VIEWS[view], column, 31)))
            assert "COVERING INDEX" in plan and "GROUP BY" not in plan, (view, column, plan)


def test_counted_facets_give_the_counts_of_the_views(fixture_archive):
    connection = sqlite3.connect(fixture_archive.path)
    for view, columns in _counted_facets().items():
        for column in columns:
            counted = connection.execute(counted_facet_sql(COUNTED_VIEWS[view], column, 1000)).fetchall()
            direct = connection.execute(f"select {column}, count(*) as count from {view} where {column} is not null "
                                        "group by 1 order by count desc, 1").fetchall()
            assert counted == direct and counted, (view, column)
