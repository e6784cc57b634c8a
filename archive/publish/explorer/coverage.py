"""Datasette plugin: the coverage matrix by division and data year (found/expected), each cell a link
to the publishers behind it (the `division_publishers` canned query of queries.yaml)."""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

MATRIX = "division_coverage"
DRILL_DOWN = "division_publishers"
MATRIX_MARKER = "found_of_expected"
FOUND = "('on_time', 'late', 'found_date_unknown', 'removed')"
# Rows are provinces; with :province its prefectures (a municipality's counties); with :prefecture
# its counties.
DIVISION_KEY = ("case when :prefecture != '' then coalesce(county_code, division_code) "
                "when :province != '' then coalesce(prefecture_code, county_code, division_code) "
                "else province_code end")
DIVISION_NAME = ("case when :prefecture != '' then coalesce(county_name, prefecture_name) "
                 "when :province != '' then coalesce(prefecture_name, county_name, province_name) "
                 "else province_name end")


def matrix_sql(years: list[int]) -> str:
    columns = "".join(
        f",\n  case when sum(year = {y}) > 0 then sum(year = {y} and status in {FOUND}) || '/' || "
        f"sum(year = {y}) else '' end as [{y}]" for y in years)
    return (f"select {DIVISION_KEY} as code, {DIVISION_NAME} as division, max(province_name) as province,\n"
            "  count(distinct publisher_id) as publishers,\n"
            f"  sum(status in {FOUND}) || '/' || count(*) as found_of_expected{columns}\n"
            "from coverage\nwhere status != 'not_due'\n"
            "  and (:province = '' or province_name = :province)\n"
            "  and (:prefecture = '' or prefecture_name = :prefecture)\n"
            "group by 1 order by 1")


@hookimpl
def canned_queries(datasette, database):
    async def inner():
        db = datasette.get_database(database)
        try:
            rows = await db.execute("select distinct year from coverage where status != 'not_due' order by year")
        except Exception:  # not an archive database
            return {}
        return {MATRIX: {
            "title": "Coverage by division and data year (found / expected)",
            "description_html": (
                "One row per province (choose a province for its prefectures, a prefecture for its "
                "counties), one column per data year: reports found / reports expected (one per "
                "publisher and year from its first year seen, once the deadline has passed). "
                "Each cell links to its publishers."),
            "sql": matrix_sql([int(row[0]) for row in rows]),
            "hide_sql": True,
        }}

    return inner


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # A matrix row is known by its columns (the hook is not told which canned query it renders).
    keys = row.keys() if hasattr(row, "keys") else []
    if table is not None or not value or MATRIX_MARKER not in keys or not row["code"]:
        return None
    if column == "division" and not row["code"].endswith("00"):
        return None  # a county: its publishers are behind its year cells
    if column == "division":
        # One level down: a province's prefectures, a prefecture's counties.
        province, prefecture = (value, "") if row["code"].endswith("0000") else (row["province"], value)
        href = datasette.urls.database(database) + f"/{MATRIX}?" + urlencode(
            {"province": province, "prefecture": prefecture})
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    if not column.isdigit():
        return None
    href = datasette.urls.database(database) + f"/{DRILL_DOWN}?" + urlencode(
        {"division": row["code"], "year": column})
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
