"""Datasette plugin: the report view's "cite this capture" (templates/_cite_capture.html)."""

from __future__ import annotations

from datasette import hookimpl

from archive.publish.citation import capture_citation


@hookimpl
def extra_template_vars(template, database, request, datasette):
    if template != "report.html" or request is None or "report_id" not in request.url_vars:
        return {}

    async def citation() -> dict:
        report_id = int(request.url_vars["report_id"])
        db = datasette.get_database(database)
        return {"capture_citation": await db.execute_fn(lambda conn: capture_citation(conn, report_id))}

    return citation
