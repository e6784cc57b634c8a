"""The Datasette settings the archive is published with (`gov-reports serve` and the plugin's defaults)."""

from __future__ import annotations

SETTINGS: dict[str, int | bool] = {
    "sql_time_limit_ms": 3500,
    "facet_time_limit_ms": 400,
    # Suggested facets cost ~20x a table page on large tables; the metadata names the useful ones.
    "suggest_facets": False,
    "allow_download": True,
    "allow_csv_stream": True,
    # reports.text holds whole reports: keep table pages readable.
    "truncate_cells_html": 200,
    "default_page_size": 50,
}
