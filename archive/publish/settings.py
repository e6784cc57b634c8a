"""The settings the archive is published with: Datasette's own (`gov-reports serve` and the plugin's
defaults), and the explorer's limits, which plugin configuration overrides (`plugins: gov-reports:`
in a metadata file given with `-m`)."""

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

PLUGIN_NAME = "gov-reports"

EXPLORER_SETTINGS: dict[str, int] = {
    # A search page counts its matches up to this many, "at least N" beyond: an exact count of a
    # common term reads every match (`_count=1` asks for it).
    "search_count_cap": 1000,
}


def explorer_setting(datasette, name: str) -> int:
    """One of the explorer's limits: the plugin configuration's value, else the default."""
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    return int(config.get(name, EXPLORER_SETTINGS[name]))
