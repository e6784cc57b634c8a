"""Datasette plugin of the published archive: the package's `datasette` entry point, so a plain
`datasette archive.db` has it (a checkout that is not installed: `--plugins-dir archive/publish/plugins`).

- its templates/ (report view, home page, table layout) come with it, and the project's settings
  apply wherever Datasette was left at its defaults;
- metadata.yaml's `archive` database entry and the dashboards apply to whatever database is served;
- canned queries from queries.yaml, plus a coverage matrix with one column per data year;
- Chinese full-text search (`?_search=` on reports and its views) through the bigram index;
- the report view, the sandboxed replay of archived pages, and raw snapshot downloads.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path

from archive.yaml_files import read_yaml
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from archive.publish.citation import capture_citation
from archive.publish.explorer.columns import ColumnLayout, column_layout
from archive.publish.explorer.csv_stream import streamed_exports
from archive.publish.explorer.excel_csv import with_bom
from archive.publish.explorer.facets import CountedFacet
from archive.publish.explorer.home import archive_summary
from archive.publish.explorer.query_preview import marks_html_pages, previewed
from archive.publish.explorer.search_page import COUNT_ARG, capped_count, without_full_count
from archive.publish.replay import REPLAY_HEADERS, is_html, sanitize_html
from archive.publish.report_page import archived_urls, report_context
from archive.publish.search import fts_query, highlight, matching_ids, register_search_functions
from archive.publish.settings import PLUGIN_NAME, SETTINGS, explorer_setting
from archive.store import register_body_function, snapshot_body

PUBLISH_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_DATABASE = "archive"
SEARCHABLE = ("reports", "report_overview", "current_reports")
# Columns holding a report id (views' keys and the canned queries' Chinese labels): linked to its view.
REPORT_LINK_COLUMNS = {"report_id", "first_report_id", "latest_report_id", "previous_report_id",
                       "报告编号", "上年报告编号", "首个版本", "最新版本"}
REPORT_ID_KEYS = ("report_id", "报告编号")
TITLE_COLUMNS = ("title", "标题")
# search_reports: the snippet column, highlighted with the query of the column beside it.
SNIPPET_COLUMN, QUERY_COLUMN = "摘录", "检索词"
_SYSTEM_DATABASES = ("_internal", "_memory")


@lru_cache(maxsize=None)
def _yaml(name: str) -> dict:
    return read_yaml(PUBLISH_DIR / name)


def archive_databases(datasette) -> list[str]:
    return [name for name in datasette.databases if name not in _SYSTEM_DATABASES]


def report_path(datasette, database: str, report_id: int) -> str:
    return datasette.urls.database(database) + f"/-/report/{int(report_id)}"


def snapshot_path(datasette, database: str, snapshot_id: int, download: bool = False) -> str:
    return datasette.urls.database(database) + f"/-/snapshot/{int(snapshot_id)}" + ("/download" if download else "")


@hookimpl
def startup(datasette):
    # Datasette 0.65 has no plugin hook for settings: fill in the project's value for every setting
    # still at Datasette's default, so `--setting` given by hand still wins.
    from datasette.app import DEFAULT_SETTINGS  # datasette.app imports the entry points: not at import time

    for name, value in SETTINGS.items():
        if datasette.setting(name) == DEFAULT_SETTINGS[name]:
            datasette._settings[name] = value


@hookimpl
def get_metadata(datasette, key, database, table):
    # Asked for every rendered cell (plugins read their configuration through it): built once per
    # set of databases served. The table permission check asks for "tables" once per table listed
    # and deep-copies the answer: it gets only the table settings read under that key.
    names = tuple(archive_databases(datasette))
    return _table_settings(names) if key == "tables" else _metadata(names)


@lru_cache(maxsize=8)
def _metadata(names: tuple[str, ...]) -> dict:
    metadata = copy.deepcopy(_yaml("metadata.yaml"))
    template = metadata["databases"].pop(TEMPLATE_DATABASE)
    metadata["databases"] = {name: copy.deepcopy(template) for name in names}
    for dashboard in metadata["plugins"]["datasette-dashboards"].values():
        for chart in dashboard["charts"].values():
            chart["db"] = names[0] if names else TEMPLATE_DATABASE
    return metadata


# What Datasette reads of a table's metadata under the "tables" key: permissions and facet size.
TABLE_SETTING_KEYS = ("allow", "facet_size")


@lru_cache(maxsize=8)
def _table_settings(names: tuple[str, ...]) -> dict:
    databases = {}
    for name, database in _metadata(names)["databases"].items():
        tables = {table: {key: config[key] for key in TABLE_SETTING_KEYS if key in config}
                  for table, config in (database.get("tables") or {}).items()}
        databases[name] = {"tables": {table: config for table, config in tables.items() if config}}
    return {"databases": databases}


async def _coverage_sql(datasette, database: str) -> str:
    # Every table page asks for the canned queries: the years come from the small report_counts table.
    rows = await datasette.get_database(database).execute(
        "select distinct year from report_counts where year is not null order by year")
    years = [int(row[0]) for row in rows]
    columns = "".join(f",\n  case when instr(years, ',{y},') > 0 then '✓' else '' end as [{y}]" for y in years)
    # agency_coverage (summaries.py): current_reports grouped per agency, for all provinces (scope '')
    # and for each one.
    return ("select agency_key as 发布机构, province as 省份, level as 层级,\n"
            f"  year_count as 年数{columns}\n"
            "from agency_coverage\nwhere scope = :province\n"
            "order by 省份, 发布机构")


@hookimpl
def canned_queries(datasette, database):
    if database not in archive_databases(datasette):
        return None

    async def inner():
        queries = copy.deepcopy(_yaml("queries.yaml"))
        try:
            sql = await _coverage_sql(datasette, database)
        except Exception:  # not an archive database (no reports table): no archive queries
            return {}
        queries["coverage_matrix"] = {
            "title": "Coverage matrix: which agencies published for which years",
            "description_html": "One row per agency, one column per data year (✓ = a report is archived).",
            "sql": sql,
        }
        return previewed(queries, datasette.setting("default_page_size"))

    return inner


@hookimpl
def register_facet_classes():
    return [CountedFacet]


@hookimpl
def prepare_connection(conn):
    register_body_function(conn)  # snapshots.body (and its .blob download) decompresses to the raw bytes
    register_search_functions(conn)


@hookimpl
def filters_from_request(request, database, table, datasette):
    query = request.args.get("_search")
    if table not in SEARCHABLE or not query:
        return None
    expression = fts_query(query)
    key = "id" if table != "request_outcomes" else "report_id"
    bound = _page_bound(request, table, key, datasette)
    # A plain search page reads only the index entries it shows; any other reads every match.
    matches = (f"select * from ({matching_ids('cjk_search', query)})"
               + (" where rowid < :cjk_below order by rowid desc limit :cjk_rows" if bound else ""))
    return FilterArguments(
        [f"{key} in ({matches})" if expression else "0"],
        {"cjk_search": query, **(bound or {})},
        [f'text contains "{query}"'],
        {"search": query},
    )


# Tables with one row per report (every index entry is a row), and the arguments of a plain search
# page of one: the latest matches, not counted or faceted (search_page.py), maybe a page further on.
ONE_ROW_PER_REPORT = ("reports", "report_overview")
# Datasette pages a table after its last key (`_next` = id), a view by offset.
KEYSET_PAGED = ("reports",)
PLAIN_PAGE_ARGS = {"_search", "_sort_desc", "_nocount", "_nofacet", "_next", "_size", "_labels", "_shape"}


def _page_bound(request, table: str, key: str, datasette) -> dict | None:
    """For a plain search page: the matches it can show (ids below `_next`, a page and one more),
    else None (filters, counts, facets or another order read every match)."""
    args = request.args
    if (table not in ONE_ROW_PER_REPORT or args.get("_sort_desc") != key or not args.get("_nocount")
            or not args.get("_nofacet") or not set(args.keys()) <= PLAIN_PAGE_ARGS
            or (args.get("_next") and table not in KEYSET_PAGED)):
        return None
    size = args.get("_size") or str(datasette.setting("default_page_size"))
    size = str(datasette.setting("max_returned_rows")) if size == "max" else size
    below = (args.get("_next") or "").split(",")[0] or str(2 ** 62)
    if not (size.isdigit() and below.isdigit()):
        return None
    return {"cjk_below": int(below), "cjk_rows": int(size) + 1}


@hookimpl
def extra_template_vars(template, database, table, request, view_name, datasette):
    if view_name == "index":
        async def home():
            summaries = [await archive_summary(datasette, name) for name in archive_databases(datasette)]
            return {"archives": [summary for summary in summaries if summary]}

        return home
    extra = {"columns_layout": ColumnLayout()}
    if view_name == "table" and request is not None:
        config = datasette.plugin_config(PLUGIN_NAME, database=database, table=table)
        extra["columns_layout"] = column_layout(config, request.args)
    if table in SEARCHABLE:
        # The bigram index sits beside these tables, so Datasette cannot detect it: show its search box.
        extra.update(supports_search=True, search=(request.args.get("_search") or "") if request else "")
        if view_name == "table" and request is not None and COUNT_ARG not in request.args:
            async def counted():
                found = await capped_count(datasette.get_database(database), table, request,
                                           explorer_setting(datasette, "search_count_cap"))
                return {**extra, "search_count": found}

            return counted
    return extra


STYLE_PATH = "/-/gov-reports/explorer.css"


@hookimpl
def extra_body_script(view_name):
    return _asset("explorer.js") if view_name in ("table", "database", "query") else ""


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(STYLE_PATH)]


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (Path(__file__).parent / name).read_text(encoding="utf-8")


async def style_sheet(request, datasette):
    return Response(_asset("explorer.css"), content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


@hookimpl
def asgi_wrapper(datasette):
    exports = streamed_exports(datasette, lambda: archive_databases(datasette))
    return lambda app: with_bom(exports(marks_html_pages(without_full_count(SEARCHABLE)(app))))


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    keys = row.keys() if hasattr(row, "keys") else []
    if column == "title" and value is None and "id" in keys and table in SEARCHABLE and database:
        href = report_path(datasette, database, row["id"])
        return Markup(f'<a class="report-link untitled" href="{href}">(untitled report)</a>')
    if value is None or database is None:
        return None
    if column in REPORT_LINK_COLUMNS and isinstance(value, int):
        return Markup(f'<a href="{report_path(datasette, database, value)}">{value}</a>')
    if column == "title" and "id" in keys and table in SEARCHABLE + ("identity_failures",):
        href = report_path(datasette, database, row["id"])
        return Markup(f'<a class="report-link" href="{href}">{escape(value)}</a>')
    report_key = next((key for key in REPORT_ID_KEYS if key in keys), None)
    if column in TITLE_COLUMNS and report_key and isinstance(row[report_key], int):
        href = report_path(datasette, database, row[report_key])
        return Markup(f'<a class="report-link" href="{href}">{escape(value)}</a>')
    if column == SNIPPET_COLUMN and QUERY_COLUMN in keys and isinstance(value, str):
        return Markup("".join(f"<mark>{escape(piece)}</mark>" if match else str(escape(piece))
                              for piece, match in highlight(value, row[QUERY_COLUMN] or "")))
    return None


async def _database(datasette, request):
    name = tilde_decode(request.url_vars["database"])
    if name not in archive_databases(datasette):
        raise NotFound(f"Database not found: {name}")
    await datasette.ensure_permissions(request.actor, [("view-database", name), "view-instance"])
    return name, datasette.get_database(name)


async def _found(request, datasette, key: str, read, what: str):
    """(database name, id, `read(conn, id)`) for the id in the route, or a 404."""
    name, db = await _database(datasette, request)
    item_id = int(request.url_vars[key])
    found = await db.execute_fn(lambda conn: read(conn, item_id))
    if found is None:
        raise NotFound(f"{what} not found: {item_id}")
    return name, item_id, found


async def report_view(request, datasette):
    name, report_id, context = await _found(request, datasette, "report_id", report_context, "Report")
    # "Cite this capture" (_cite_capture.html): the snapshot, and its WARC record once exported.
    citation = await datasette.get_database(name).execute_fn(lambda conn: capture_citation(conn, report_id))
    context.update(database=name, report_id=report_id, capture_citation=citation,
                   report_href=lambda rid: report_path(datasette, name, rid),
                   snapshot_href=lambda sid, download=False: snapshot_path(datasette, name, sid, download),
                   is_html=lambda ct: is_html(ct, b""))
    html = await datasette.render_template("report.html", context, request=request)
    return Response.html(html, headers={
        # The report view itself loads nothing from elsewhere; the replay frame is same-origin.
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                   "script-src 'self' 'unsafe-inline'; frame-src 'self'; object-src 'none'"})


def _snapshot_row(conn, snapshot_id: int):
    row = conn.execute("select url, fetched_at, content_type, size from snapshots where id = ?",
                       [snapshot_id]).fetchone()
    if row is None:
        return None
    url, fetched_at, content_type, size = row
    return url, fetched_at, content_type, snapshot_body(conn, snapshot_id), size


async def snapshot_replay(request, datasette):
    name, db = await _database(datasette, request)
    snapshot_id = int(request.url_vars["snapshot_id"])

    def render(conn) -> str | None:
        row = _snapshot_row(conn, snapshot_id)
        if row is None:
            return None
        url, fetched_at, content_type, body, size = row
        banner = f"存档副本 Archived copy of {url}, fetched {fetched_at} (snapshot {snapshot_id}); scripts removed."
        if not is_html(content_type, body or b""):
            return ("<!DOCTYPE html><meta charset=utf-8><p>"
                    f"{escape(banner)}</p><p>Not an HTML page ({escape(content_type or 'unknown type')}, "
                    f"{size} bytes): download it from the report view.</p>")

        def resolve(urls):
            found = archived_urls(conn, sorted(urls))
            return {u: snapshot_path(datasette, name, sid) for u, sid in found.items()}

        return sanitize_html(body, content_type, url=url, banner=banner, resolve=resolve)

    html = await db.execute_fn(render)
    if html is None:
        raise NotFound(f"Snapshot not found: {snapshot_id}")
    return Response.html(html, headers=REPLAY_HEADERS)


async def snapshot_download(request, datasette):
    _, snapshot_id, row = await _found(request, datasette, "snapshot_id", _snapshot_row, "Snapshot")
    # Raw bytes only ever as an attachment: never rendered by the browser on this origin.
    return Response(row[3] or b"", content_type="application/octet-stream", headers={
        **REPLAY_HEADERS, "Content-Disposition": f'attachment; filename="snapshot-{snapshot_id}.bin"'})


@hookimpl
def register_routes():
    return [
        (r"^" + re.escape(STYLE_PATH) + "$", style_sheet),
        (r"^/(?P<database>[^/]+)/-/report/(?P<report_id>\d+)$", report_view),
        (r"^/(?P<database>[^/]+)/-/snapshot/(?P<snapshot_id>\d+)$", snapshot_replay),
        (r"^/(?P<database>[^/]+)/-/snapshot/(?P<snapshot_id>\d+)/download$", snapshot_download),
    ]


def _register_coverage_pages() -> None:
    """The coverage matrix's hooks live in their own module; the entry point and the plugins-dir
    loader both register this package, so it registers that module, once."""
    from datasette.plugins import pm

    from archive.publish.explorer import coverage

    if not pm.is_registered(coverage):
        pm.register(coverage, name="gov_reports_coverage")


_register_coverage_pages()
