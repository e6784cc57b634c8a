"""`gov-reports serve [DB]`: Datasette over the archive with the project's metadata, templates and plugins."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from archive.child_process import free_port, run_foreground
from archive.publish.prepare import prepare_database
from archive.publish.settings import SETTINGS
from archive.store import DEFAULT_ARCHIVE_PATH

PUBLISH_DIR = Path(__file__).resolve().parent
PLUGINS_DIR = PUBLISH_DIR / "plugins"
# The installed package's `datasette` entry point loads the same plugin and templates; passing them
# here keeps `serve` working from a checkout that was never pip-installed.
TEMPLATES_DIR = PUBLISH_DIR / "explorer" / "templates"


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
        if changed:
            click.echo(f"Search index: {changed} report(s) (re)indexed", err=True)
    wanted, port = port, free_port(host, port)
    if wanted and port != wanted:
        click.echo(f"Port {wanted} is busy; serving on {port}", err=True)
    command = datasette_command(db, host=host, port=port, live=live)
    if dry_run:
        click.echo(shlex.join(command))
        return
    click.echo(f"Datasette: http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    sys.exit(run_foreground(command))
