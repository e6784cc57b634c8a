"""The streamed CSV export of the cell and check tables (`/db/report_cells.csv?_stream=on…`) in one
query: Datasette streams a table page by page, and for a table with a compound primary key each
page's keyset condition is an OR that SQLite answers by reading and sorting every later row, so
100,000 cells took over 20 s (and the whole table never ends). Here one ordered query walks the
primary key index once; the CSV is what Datasette writes (same columns, order, filters, limits).

Requests this does not cover (other tables, `_labels`, `_col`, `_where`, `_next`, `_trace`…) go to
Datasette unchanged.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
from urllib.parse import parse_qsl

from datasette.filters import Filters
from datasette.plugins import pm
from datasette.utils import escape_sqlite, tilde_decode

# The exported tables and their keys: views over the compact rows (schema 3) have no primary key
# of their own, and rows sharing a sort value are ordered by these, as Datasette orders a table's.
STREAMED = {"report_cells": ("report_id", "table_key", "row_key", "col_key"),
            "report_checks": ("report_id", "identity")}
# Arguments with a leading underscore this export understands (filters have no underscore).
KNOWN_ARGS = {"_stream", "_size", "_dl", "_bom", "_header", "_sort", "_sort_desc", "_nofacet", "_nocount"}


def _target(scope: dict, databases: list[str]) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(database, table, query arguments) of a streamed CSV export this module serves, else None."""
    if scope.get("type") != "http" or scope.get("method", "GET") != "GET":
        return None
    parts = scope.get("path", "").split("/")
    if len(parts) != 3 or not parts[2].endswith(".csv"):
        return None
    database, table = tilde_decode(parts[1]), tilde_decode(parts[2].removesuffix(".csv"))
    args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    names = {name for name, _ in args}
    underscored = {name for name in names if name.startswith("_") and "__" not in name}
    if database not in databases or table not in STREAMED or not dict(args).get("_stream"):
        return None
    return (database, table, args) if underscored <= KNOWN_ARGS else None


async def _select(db, table: str, args: list[tuple[str, str]], metadata: dict) -> tuple[str, dict, list[str]]:
    """The SQL, parameters and columns Datasette's table page would page through, as one query."""
    columns = await db.table_columns(table)
    keys = await db.primary_keys(table) or list(STREAMED[table])
    given = dict(args)
    pairs = [(k, v) for k, v in args if not (k.startswith("_") and "__" not in k)]
    where, params = Filters(sorted(pairs)).build_where_clauses(table)
    sort, descending = given.get("_sort") or metadata.get("sort"), False
    if given.get("_sort_desc") or (not sort and metadata.get("sort_desc")):
        sort, descending = given.get("_sort_desc") or metadata.get("sort_desc"), True
    if sort is not None and sort not in columns:
        raise ValueError(f"Cannot sort table by {sort}")
    order = [f"{escape_sqlite(sort)}{' desc' if descending else ''}"] if sort else []
    order += [escape_sqlite(key) for key in keys if key != sort]
    sql = (f"select {', '.join(escape_sqlite(c) for c in columns)} from {escape_sqlite(table)}"
           + (f" where {' and '.join(where)}" if where else "")
           + (f" order by {', '.join(order)}" if order else ""))
    return sql, params, columns


def _rows(datasette, db, sql: str, params: dict):
    """A cursor over the export on a connection of its own, prepared as Datasette prepares its own
    (the project's SQL functions), and a function giving the next chunk of rows (as many as a page of
    Datasette's own stream, `max_returned_rows`) within the SQL time limit per chunk."""
    conn = db.connect()
    pm.hook.prepare_connection(conn=conn, database=db.name, datasette=datasette)
    limit = datasette.setting("sql_time_limit_ms") / 1000
    size = datasette.setting("max_returned_rows")
    deadline = [time.monotonic() + limit]
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline[0] else 0, 1000)
    try:
        cursor = conn.execute(sql, params)
    except Exception:
        conn.close()
        raise

    def chunk() -> list:
        deadline[0] = time.monotonic() + limit
        return cursor.fetchmany(size)

    return conn, chunk


async def stream_csv(datasette, scope: dict, send, target: tuple) -> None:
    """Answer the export with one query, streamed in chunks."""
    database, table, args = target
    db = datasette.get_database(database)
    metadata = datasette.table_metadata(database, table) or {}
    given = dict(args)
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    if given.get("_dl"):
        headers = [(b"content-type", b"text/csv; charset=utf-8"),
                   (b"content-disposition", f'attachment; filename="{table}.csv"'.encode())]
    try:
        sql, params, columns = await _select(db, table, args, metadata)
    except ValueError as error:
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": str(error).encode()})
        return
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if given.get("_header") != "off":
        writer.writerow(columns)
    limit_bytes = datasette.setting("max_csv_mb") * 1024 * 1024
    written = 0
    conn = None
    try:
        conn, chunk = await asyncio.to_thread(_rows, datasette, db, sql, params)
        while True:
            rows = await asyncio.to_thread(chunk)
            writer.writerows(rows)
            body = buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            written += len(body)
            if limit_bytes and written > limit_bytes:
                await send({"type": "http.response.body", "more_body": True,
                            "body": f"CSV contains more than {limit_bytes} bytes".encode()})
                break
            await send({"type": "http.response.body", "body": body, "more_body": True})
            if len(rows) < datasette.setting("max_returned_rows"):
                break
    except Exception as error:  # as Datasette does: the message ends the stream
        await send({"type": "http.response.body", "body": str(error).encode(), "more_body": True})
    finally:
        if conn is not None:
            conn.close()
    await send({"type": "http.response.body", "body": b""})


def streamed_exports(datasette, databases):
    """ASGI middleware: the exports this module covers are answered here, the rest by `app`."""

    def wrap(app):
        async def wrapped(scope, receive, send):
            target = _target(scope, databases())
            if target is None:
                return await app(scope, receive, send)
            # Anonymous readers only (a denied export is left to Datasette, which answers 403).
            if not await datasette.permission_allowed(None, "view-table", (target[0], target[1]), default=True):
                return await app(scope, receive, send)
            return await stream_csv(datasette, scope, send, target)

        return wrapped

    return wrap
