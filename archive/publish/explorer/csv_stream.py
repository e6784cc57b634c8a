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
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter
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


def _filters(args: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The export's column filters (`column__op=value`; arguments with a leading underscore are not)."""
    return [(k, v) for k, v in args if not (k.startswith("_") and "__" not in k)]


def _where(table: str, filters: list[tuple[str, str]]) -> tuple[str, dict]:
    """The filters as Datasette's table page applies them: " where …" (or nothing) and parameters."""
    where, params = Filters(sorted(filters)).build_where_clauses(table)
    return (f" where {' and '.join(where)}" if where else ""), params


async def _select(db, table: str, args: list[tuple[str, str]], metadata: dict) -> tuple[str, dict, list[str]]:
    """The SQL, parameters and columns Datasette's table page would page through, as one query."""
    columns = await db.table_columns(table)
    keys = await db.primary_keys(table) or list(STREAMED[table])
    given = dict(args)
    where, params = _where(table, _filters(args))
    sort, descending = given.get("_sort") or metadata.get("sort"), False
    if given.get("_sort_desc") or (not sort and metadata.get("sort_desc")):
        sort, descending = given.get("_sort_desc") or metadata.get("sort_desc"), True
    if sort is not None and sort not in columns:
        raise ValueError(f"Cannot sort table by {sort}")
    order = [f"{escape_sqlite(sort)}{' desc' if descending else ''}"] if sort else []
    order += [escape_sqlite(key) for key in keys if key != sort]
    sql = (f"select {', '.join(escape_sqlite(c) for c in columns)} from {escape_sqlite(table)}{where}"
           + (f" order by {', '.join(order)}" if order else ""))
    return sql, params, columns


def _connect(datasette, db) -> tuple[sqlite3.Connection, Callable[[], None]]:
    """A connection of the export's own, prepared as Datasette prepares its own (the project's SQL
    functions), and a function that starts the SQL time limit again: it holds per chunk."""
    conn = db.connect()
    pm.hook.prepare_connection(conn=conn, database=db.name, datasette=datasette)
    limit = datasette.setting("sql_time_limit_ms") / 1000
    deadline = [time.monotonic() + limit]
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline[0] else 0, 1000)

    def restart() -> None:
        deadline[0] = time.monotonic() + limit

    return conn, restart


def _rows(datasette, db, sql: str, params: dict):
    """A cursor over the export and a function giving the next chunk of rows (as many as a page of
    Datasette's own stream, `max_returned_rows`) within the SQL time limit per chunk."""
    conn, restart = _connect(datasette, db)
    size = datasette.setting("max_returned_rows")
    try:
        cursor = conn.execute(sql, params)
    except Exception:
        conn.close()
        raise

    def chunk() -> list:
        restart()
        return cursor.fetchmany(size)

    return conn, chunk


# -- report_cells written from the compact rows ---------------------------------------------------
# Reading 100,000 cells into Python as nine values each (three joined tables) and writing them with
# the csv module took 0.7 s, most of it making Python objects. For the plain export of report_cells
# (no sort, filters on report_id only) each report is written from its layout and its stored rows
# (schema 4: archive/cell_layouts.py), read in primary-key order with no sort: a layout's lines in
# the export's order are made once per export with every cell blank, and a report's text is that
# list with its stored cells' lines put in, joined by its id (each line starts with it). Only a raw
# text or a value that needs it goes through the csv module.
_LAYOUTS = "select report_id, layout_id, blank_form_id from report_cell_layouts{where} order by report_id"
_STORED = "select report_id, key_id, form_id, value, raw_text from report_cell_values{where} order by report_id, key_id"
CHUNK_PAGES = 20  # pages of Datasette's stream (max_returned_rows) in one chunk of the cells' export
_QUOTES_NEEDED = re.compile('[,"\r\n]')  # what makes the csv module quote a field


def _csv_fields(values: tuple) -> str:
    """`values` as the csv module writes them within a row (fields joined by commas)."""
    buffer = io.StringIO()
    # The row's own line terminator, since it decides what is quoted (a field with a line break), and
    # a trailing empty field, since a row of one empty field is written '""'.
    csv.writer(buffer).writerow([*values, ""])
    return buffer.getvalue()[:-3]


def _sort_key(key: tuple) -> tuple:
    """SQLite's order of (table_key, row_key, col_key): NULL first, then text by code point."""
    return tuple((value is not None, value or "") for value in key)


class CellLines:
    """report_cells' rows as CSV lines, from the layouts and stored rows of one export's connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        keys = conn.execute("select id, table_key, row_key, col_key from cell_keys").fetchall()
        self.heads = {key[0]: f",{_csv_fields(key[1:])}," for key in keys}
        self.rank = {key[0]: rank for rank, key in enumerate(sorted(keys, key=lambda key: _sort_key(key[1:])))}
        self.tails, self.raw_null = {}, {}
        for form_id, unit, status, table_format, raw_null in conn.execute(
                "select id, unit, status, table_format, raw_null from cell_forms"):
            self.tails[form_id] = f",{_csv_fields((unit, status, table_format))}\r\n"
            self.raw_null[form_id] = raw_null
        # Forms whose cells stored without a raw text show their value's rendering (store._CELL_RAW).
        self.rendered = {form_id for form_id, raw_null in self.raw_null.items() if not raw_null}
        self._layouts: dict[int, tuple[dict[int, int], list[int]]] = {}
        self._blank_lines: dict[tuple[int, int | None], list[str | None]] = {}

    def _layout(self, layout_id: int) -> tuple[dict[int, int], list[int]]:
        """A layout's keys in the export's order, and each key's place in it."""
        found = self._layouts.get(layout_id)
        if found is None:
            ranked = sorted((key for (key,) in self.conn.execute(
                "select key_id from cell_layout_keys where layout_id = ?", [layout_id]) if key in self.heads),
                key=self.rank.__getitem__)
            found = self._layouts[layout_id] = ({key: place for place, key in enumerate(ranked)}, ranked)
        return found

    def _blanks(self, layout_id: int, form_id: int | None) -> list[str | None]:
        """The layout's lines (without the report id) with every cell a blank of `form_id` (None:
        the view shows no blank without a form)."""
        lines = self._blank_lines.get((layout_id, form_id))
        if lines is None:
            tail = self.tails.get(form_id)
            lines = self._blank_lines[(layout_id, form_id)] = [
                None if tail is None else f"{self.heads[key]},{tail}" for key in self._layout(layout_id)[1]]
        return lines

    def report(self, report_id: int, layout_id: int, form_id: int | None, stored: Iterable[tuple]) -> tuple[str, int]:
        """One report's lines and how many: its layout's blanks with its stored cells put in (rows of
        `_STORED`, report id first)."""
        places = self._layout(layout_id)[0]
        lines = self._blanks(layout_id, form_id).copy()
        heads, tails, rendered, quoted = self.heads, self.tails, self.rendered, _QUOTES_NEEDED.search
        for _, key, form, value, raw in stored:
            place = places.get(key)
            if place is None:  # not a key of the layout: not a cell of the view
                continue
            if form not in tails:  # a form the view's join does not find: it leaves the cell out
                lines[place] = None
                continue
            # Most cells: a count or nothing, and no raw text of their own or one the csv module leaves
            # as it is; the rest by `line`.
            lines[place] = (f"{heads[key]}{value},{value}{tails[form]}"
                            if raw is None and type(value) is int and form in rendered
                            else f"{heads[key]},{tails[form]}" if raw is None and value is None
                            else f"{heads[key]}{raw},{'' if value is None else value}{tails[form]}"
                            if raw is not None and (value is None or type(value) is int) and not quoted(raw)
                            else self.line(key, form, value, raw))
        if None in lines:
            lines = [line for line in lines if line is not None]
        return (str(report_id).join(["", *lines]) if lines else ""), len(lines)

    def line(self, key_id: int, form_id: int, value: object, raw: str | None) -> str:
        """Any cell's line without its report id, as the csv module writes the view's row."""
        shown = value if type(value) is int else "" if value is None else _csv_fields((value,))
        if raw is None:  # the view's raw text (store._CELL_RAW): the value's rendering, or nothing
            raw = "" if value is None or self.raw_null[form_id] else shown if type(value) is int \
                else _csv_fields((self._rendering(value),))
        elif _QUOTES_NEEDED.search(raw):
            raw = _csv_fields((raw,))
        return f"{self.heads[key_id]}{raw},{shown}{self.tails[form_id]}"

    def _rendering(self, value: object) -> str:
        """SQLite's text of a value that is not an integer (a real: not Python's repr), as the view casts it."""
        return self.conn.execute("select cast(? as text)", [value]).fetchone()[0]

    def chunks(self, where: str, params: dict, cells: int) -> Iterator[tuple[str, int]]:
        """The export's text in chunks of whole reports of at least `cells` lines (fewer: the last),
        each with its number of lines. Layouts and stored rows are both read in report order, and
        merged here."""
        stored = groupby(self.conn.cursor().execute(_STORED.format(where=where), params), key=itemgetter(0))
        pending = next(stored, None)
        texts, count = [], 0
        for report_id, layout_id, form_id in self.conn.execute(_LAYOUTS.format(where=where), params):
            while pending is not None and pending[0] < report_id:  # rows of no layout: not in the view
                pending = next(stored, None)
            rows: Iterable[tuple] = ()
            if pending is not None and pending[0] == report_id:  # a group is read before the next one
                rows, pending = list(pending[1]), next(stored, None)
            text, lines = self.report(report_id, layout_id, form_id, rows)
            texts.append(text)
            count += lines
            if count >= cells:
                yield "".join(texts), count
                texts, count = [], 0
        yield "".join(texts), count


def _cell_rows_where(table: str, args: list[tuple[str, str]], metadata: dict) -> tuple[str, dict] | None:
    """The report_id condition of a plain report_cells export (" where …" or nothing) and its
    parameters, or None when the export is another."""
    given = dict(args)
    if table != "report_cells" or given.get("_sort") or given.get("_sort_desc") or metadata.get("sort") \
            or metadata.get("sort_desc"):
        return None
    filters = _filters(args)
    if any(k.split("__")[0] != "report_id" for k, _ in filters):
        return None
    return _where(table, filters)


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
    compact = _cell_rows_where(table, args, metadata)
    if compact is not None and not await _compact_cells(db):
        compact = None
    size = datasette.setting("max_returned_rows")
    try:
        if compact is None:
            conn, chunk = await asyncio.to_thread(_rows, datasette, db, sql, params)

            def next_body() -> tuple[bytes, bool]:
                """The next chunk's rows as CSV bytes, and whether it was the last (read and written in
                the same worker thread: one hop a chunk)."""
                rows = chunk()
                writer.writerows(rows)
                body = buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
                return body, len(rows) < size
        else:
            conn, restart = await asyncio.to_thread(_connect, datasette, db)
            lines = await asyncio.to_thread(CellLines, conn)  # reads the key and form tables
            header = buffer.getvalue()
            # Chunks of many pages' rows: each is one hop to a worker thread and one body sent, and
            # the SQL time limit still holds for each (20,000 cells take about 15 ms).
            cells = CHUNK_PAGES * size
            chunks = lines.chunks(*compact, cells)

            def next_body() -> tuple[bytes, bool]:
                """The next reports' lines as CSV bytes (the header before the first), and whether they
                were the last."""
                nonlocal header
                restart()
                text, count = next(chunks, ("", 0))
                body, header = (header + text).encode("utf-8"), ""
                return body, count < cells

        while True:
            body, last = await asyncio.to_thread(next_body)
            written += len(body)
            if limit_bytes and written > limit_bytes:
                await send({"type": "http.response.body", "more_body": True,
                            "body": f"CSV contains more than {limit_bytes} bytes".encode()})
                break
            await send({"type": "http.response.body", "body": body, "more_body": True})
            if last:
                break
    except Exception as error:  # as Datasette does: the message ends the stream
        await send({"type": "http.response.body", "body": str(error).encode(), "more_body": True})
    finally:
        if conn is not None:
            conn.close()
    await send({"type": "http.response.body", "body": b""})


async def _compact_cells(db) -> bool:
    """Whether the archive keeps its cells in the compact tables and layouts (schema 4) the line query reads."""
    tables = set(await db.table_names())
    return {"report_cell_values", "report_cell_layouts", "cell_layout_keys", "cell_keys", "cell_forms"} <= tables


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
