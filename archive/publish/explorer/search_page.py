"""A search over the report tables (`?_search=` on reports and its views) that stays fast on a million
reports: the page is not counted in full nor faceted (both read every match of a common term), and
shows instead how many reports match, counted up to the `search_count_cap` setting ("at least N" beyond), and
lists the latest matches first unless another order is asked for.

`_count=1` brings back Datasette's exact count and facets.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from datasette.filters import Filters

from archive.publish.search import fts_query, matching_ids

COUNT_ARG = "_count"


def _args(scope: dict) -> list[tuple[str, str]]:
    return parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


def without_full_count(searchable: tuple[str, ...]):
    """ASGI middleware: a search page of a searchable table, unless `_count` is given, skips the
    count and the facets Datasette would compute over every match."""

    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope.get("type") == "http":
                parts = scope.get("path", "").rstrip("/").split("/")
                names = dict(_args(scope))
                table = parts[-1].removesuffix(".json") if len(parts) == 3 else None
                if table in searchable and names.get("_search"):
                    extra = b"" if COUNT_ARG in names else b"&_nocount=1&_nofacet=1"
                    if not {"_sort", "_sort_desc"} & names.keys():
                        # The latest first: the rows of any page are the index's next entries, where
                        # the table's default order (year) would sort every match first.
                        extra += b"&_sort_desc=id"
                    scope = {**scope, "query_string": scope.get("query_string", b"") + extra}
            return await app(scope, receive, send)

        return wrapped

    return wrap


async def capped_count(db, table: str, request, cap: int) -> tuple[int, bool] | None:
    """(matches, capped) of a search page: its filters and search, counted up to the cap. The index's
    matches drive the count, so it stops after cap + 1 rows however common the term."""
    expression = fts_query(request.args.get("_search") or "")
    if not expression:
        return None
    pairs = [(k, v) for k, v in _args(request.scope) if not (k.startswith("_") and "__" not in k)]
    where, params = Filters(sorted(pairs)).build_where_clauses(table)
    condition = "".join(f" and {clause}" for clause in where)
    key = "id" if table != "request_outcomes" else "report_id"
    ids = matching_ids("cjk_search", request.args.get("_search") or "")
    # CROSS JOIN keeps the matches as the outer loop (an IN list would be built from every match first).
    rows = await db.execute(
        f"select count(*) from (select 1 from (select rowid as match_id from ({ids})) "
        f"cross join [{table}] on [{table}].{key} = match_id where 1{condition} limit {int(cap) + 1})",
        {**params, "cjk_search": request.args.get("_search") or ""})
    found = rows.first()[0]
    return min(found, cap), found > cap
