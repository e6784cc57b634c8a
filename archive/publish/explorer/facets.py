"""Facets counted ahead: on an unfiltered report_overview or current_reports page, the facet counts
come from the `report_counts` summary table (summaries.py) instead of a scan of every report.

Metadata names them `{counted: column}`; a filtered page counts as Datasette's column facet does.
"""

from __future__ import annotations

import re

from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

# The rows of report_counts each view counts.
COUNTED_VIEWS = {"report_overview": "1", "current_reports": "current_version = 1"}
_FILTERED = re.compile(r"\swhere\s", re.IGNORECASE)


def counted_facet_sql(scope: str, column: str, limit: int) -> str:
    """The counts of `column`'s values over the report_counts rows of `scope` (COUNTED_VIEWS)."""
    return (f"select {escape_sqlite(column)} as value, sum(reports) as count from report_counts "
            f"where {scope} and {escape_sqlite(column)} is not null group by 1 order by count desc, value "
            f"limit {limit}")


class CountedFacet(ColumnFacet):
    type = "counted"

    async def facet_results(self):
        scope = COUNTED_VIEWS.get(self.table)
        if scope is None or _FILTERED.search(self.sql):
            return await super().facet_results()
        results = []
        size = self.get_facet_size()
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            rows = await self.ds.execute(self.database, counted_facet_sql(scope, column, size + 1))
            results.append({
                "name": column, "type": self.type, "hideable": config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "results": [self._value(column, row["value"], row["count"]) for row in rows.rows[:size]],
                "truncated": len(rows.rows) > size,
            })
        return results, []

    def _value(self, column: str, value, count: int) -> dict:
        """One facet value of an unfiltered page (so none is selected)."""
        path = path_with_added_args(self.request, {column: value})
        return {"value": value, "label": value, "count": count, "selected": False,
                "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path))}
