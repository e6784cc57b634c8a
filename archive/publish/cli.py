"""`gov-reports serve [DB]`: Datasette over the archive with the project's metadata, templates and plugins."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import click

from archive.publish.prepare import prepare_database
from archive.store import DEFAULT_ARCHIVE_PATH

PUBLISH_DIR = Path(__file__).resolve().parent
PLUGINS_DIR = PUBLISH_DIR / "plugins"
TEMPLATES_DIR = PUBLISH_DIR / "templates"
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


def datasette_command(db: Path, *, host: str = "127.0.0.1", port: int = 8001, live: bool = False,
                      settings: dict[str, int | bool] | None = None) -> list[str]:
    """The `datasette serve` command line that publishes `db` (read-only; immutable unless live)."""
    command = [sys.executable, "-m", "datasette", "serve", *([] if live else ["-i"]), str(db),
               "--plugins-dir", str(PLUGINS_DIR), "--template-dir", str(TEMPLATES_DIR),
               "--host", host, "--port", str(port)]
    for name, value in {**SETTINGS, **(settings or {})}.items():
        if live and name == "allow_download":
            continue  # Datasette offers downloads of immutable databases only
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        command += ["--setting", name, text]
    return command


@click.command()
@click.argument("db", default=DEFAULT_ARCHIVE_PATH, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("-p", "--port", default=8001, show_default=True, type=int, help="Port (0 picks a free one).")
@click.option("--prepare/--no-prepare", default=True, show_default=True,
              help="Create the publishing views and update the search index first (writes to DB).")
@click.option("--live", is_flag=True,
              help="Serve a database a crawl is still writing (read-only, not immutable, no download).")
@click.option("--dry-run", is_flag=True, help="Print the datasette command instead of running it.")
def serve(db: Path, host: str, port: int, prepare: bool, live: bool, dry_run: bool) -> None:
    """Publish the archive DB with Datasette (read-only, SQL time limit, downloadable, CSV/JSON)."""
    if prepare and not dry_run:
        changed = prepare_database(db)
        click.echo(f"Search index: {changed} report(s) (re)indexed", err=True)
    command = datasette_command(db, host=host, port=port, live=live)
    if dry_run:
        click.echo(shlex.join(command))
        return
    click.echo(f"Datasette: http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    sys.exit(subprocess.call(command))
