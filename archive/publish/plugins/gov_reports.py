"""Datasette plugin of the published archive (load with `--plugins-dir archive/publish/plugins`).

- metadata.yaml's `archive` database entry and the dashboards apply to whatever database is served;
- canned queries from queries.yaml, plus a coverage matrix with one column per data year;
- Chinese full-text search (`?_search=` on reports and its views) through the bigram index;
- the report view, the sandboxed replay of archived pages, and raw snapshot downloads.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import yaml
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from archive.publish.replay import REPLAY_HEADERS, is_html, sanitize_html
from archive.publish.report_page import archived_urls, report_context
from archive.publish.search import FTS_TABLE, fts_query, snippet
from archive.store import register_body_function, snapshot_body

PUBLISH_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_DATABASE = "archive"
SEARCHABLE = ("reports", "report_overview", "current_reports")
REPORT_LINK_COLUMNS = {"report_id", "first_report_id", "latest_report_id", "previous_report_id"}
_SYSTEM_DATABASES = ("_internal", "_memory")


@lru_cache(maxsize=None)
def _yaml(name: str) -> dict:
    return yaml.safe_load((PUBLISH_DIR / name).read_text(encoding="utf-8"))


def archive_databases(datasette) -> list[str]:
    return [name for name in datasette.databases if name not in _SYSTEM_DATABASES]


def report_path(datasette, database: str, report_id: int) -> str:
    return datasette.urls.database(database) + f"/-/report/{int(report_id)}"


def snapshot_path(datasette, database: str, snapshot_id: int, download: bool = False) -> str:
    return datasette.urls.database(database) + f"/-/snapshot/{int(snapshot_id)}" + ("/download" if download else "")


@hookimpl
def get_metadata(datasette, key, database, table):
    metadata = copy.deepcopy(_yaml("metadata.yaml"))
    names = archive_databases(datasette)
    template = metadata["databases"].pop(TEMPLATE_DATABASE)
    metadata["databases"] = {name: copy.deepcopy(template) for name in names}
    for dashboard in metadata["plugins"]["datasette-dashboards"].values():
        for chart in dashboard["charts"].values():
            chart["db"] = names[0] if names else TEMPLATE_DATABASE
    return metadata


async def _coverage_sql(datasette, database: str) -> str:
    rows = await datasette.get_database(database).execute(
        "select distinct year from reports where year is not null order by year")
    years = [int(row[0]) for row in rows]
    columns = "".join(f",\n  case when sum(year = {y}) > 0 then '✓' else '' end as [{y}]" for y in years)
    return ("select coalesce(agency, '(' || url || ')') as agency, province, level,\n"
            f"  count(distinct year) as years{columns}\n"
            "from current_reports\nwhere (:province = '' or province = :province)\n"
            "group by 1 order by province, agency")


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
        return queries

    return inner


@hookimpl
def prepare_connection(conn):
    register_body_function(conn)  # snapshots.body (and its .blob download) decompresses to the raw bytes
    conn.create_function("cjk_fts_query", 1, lambda q: fts_query(q or ""), deterministic=True)
    conn.create_function("cjk_snippet", 2, lambda text, q: snippet(text, q or ""), deterministic=True)


@hookimpl
def filters_from_request(request, database, table, datasette):
    query = request.args.get("_search")
    if table not in SEARCHABLE or not query:
        return None
    expression = fts_query(query)
    key = "id" if table != "request_outcomes" else "report_id"
    return FilterArguments(
        [f"{key} in (select rowid from {FTS_TABLE} where {FTS_TABLE} match :cjk_search)"],
        {"cjk_search": expression or '""'},
        [f'text contains "{query}"'],
        {"search": query},
    )


@hookimpl
def extra_template_vars(template, database, table, request):
    if table in SEARCHABLE:
        # The bigram index sits beside these tables, so Datasette cannot detect it: show its search box.
        return {"supports_search": True, "search": (request.args.get("_search") or "") if request else ""}
    return {}


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
    if column == "title" and "report_id" in keys:
        href = report_path(datasette, database, row["report_id"])
        return Markup(f'<a class="report-link" href="{href}">{escape(value)}</a>')
    return None


async def _database(datasette, request):
    name = tilde_decode(request.url_vars["database"])
    if name not in archive_databases(datasette):
        raise NotFound(f"Database not found: {name}")
    await datasette.ensure_permissions(request.actor, [("view-database", name), "view-instance"])
    return name, datasette.get_database(name)


async def report_view(request, datasette):
    name, db = await _database(datasette, request)
    report_id = int(request.url_vars["report_id"])
    context = await db.execute_fn(lambda conn: report_context(conn, report_id))
    if context is None:
        raise NotFound(f"Report not found: {report_id}")
    context.update(database=name, report_id=report_id,
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
    name, db = await _database(datasette, request)
    snapshot_id = int(request.url_vars["snapshot_id"])
    row = await db.execute_fn(lambda conn: _snapshot_row(conn, snapshot_id))
    if row is None:
        raise NotFound(f"Snapshot not found: {snapshot_id}")
    # Raw bytes only ever as an attachment: never rendered by the browser on this origin.
    return Response(row[3] or b"", content_type="application/octet-stream", headers={
        **REPLAY_HEADERS, "Content-Disposition": f'attachment; filename="snapshot-{snapshot_id}.bin"'})


@hookimpl
def register_routes():
    return [
        (r"^/(?P<database>[^/]+)/-/report/(?P<report_id>\d+)$", report_view),
        (r"^/(?P<database>[^/]+)/-/snapshot/(?P<snapshot_id>\d+)$", snapshot_replay),
        (r"^/(?P<database>[^/]+)/-/snapshot/(?P<snapshot_id>\d+)/download$", snapshot_download),
    ]
