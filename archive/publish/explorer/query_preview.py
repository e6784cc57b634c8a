"""The HTML page of a canned query shows its first rows (a table page's `default_page_size`); its .json and .csv give every
row (up to Datasette's max_returned_rows). Datasette renders each cell of an HTML page through every
plugin's render_cell and the template, about a millisecond per row of fifteen columns on this
machine, so a 1,000-row page took over a second whatever its SQL cost.
"""

from __future__ import annotations

from contextvars import ContextVar

NOTE = ("<p class=\"query-preview\">This page shows the first {rows} rows: the .json and .csv links give "
        "every row.</p>")
_HTML_PAGE: ContextVar[bool] = ContextVar("html_page", default=False)


def marks_html_pages(app):
    """ASGI middleware: notes, for the canned_queries hook, whether the request is for an HTML page
    (a path whose last part has no format extension)."""

    async def wrapped(scope, receive, send):
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        last = scope.get("path", "").rstrip("/").rsplit("/", 1)[-1]
        token = _HTML_PAGE.set("." not in last)
        try:
            return await app(scope, receive, send)
        finally:
            _HTML_PAGE.reset(token)

    return wrapped


def previewed(queries: dict, rows: int) -> dict:
    """The canned queries as this request should run them: the first `rows` on an HTML page."""
    if not _HTML_PAGE.get():
        return queries
    return {name: {**query, "sql": f"select * from (\n{query['sql']}\n) limit {int(rows)}",
                   "description_html": query.get("description_html", "") + NOTE.format(rows=rows)}
            for name, query in queries.items()}
