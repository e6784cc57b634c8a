"""`gov-reports`: the project's command line (crawl, demo, sources, parse, reparse, serve, export-warc, export-wacz, import-warc)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from archive.child_process import run_foreground
from archive.publish.cli import serve as serve_command
from archive.store import DEFAULT_ARCHIVE_PATH, Archive, ArchiveError

CRAWLER_SETTINGS = "crawler.settings"
# The demo portal's identity (.test is reserved: never a real host).
DEMO_PORTAL_URL = "http://www.demo-portal.test/"


def crawl_command(db: Path, *, start_urls: list[str] = (), sources: str | None = None,
                  year: int | None = None, settings: dict[str, str] | None = None,
                  jobdir: str | None = None) -> list[str]:
    """The `scrapy crawl gov_reports …` command line for these inputs."""
    command = [sys.executable, "-m", "scrapy", "crawl", "gov_reports", "-s", f"ARCHIVE_DB={db}"]
    if start_urls:
        command += ["-a", "start_url=" + ",".join(start_urls)]
    if sources:
        command += ["-a", f"sources={sources}"]
    if year:
        command += ["-a", f"year={year}"]
    if jobdir:
        command += ["-s", f"JOBDIR={jobdir}"]
    for key, value in (settings or {}).items():
        command += ["-s", f"{key}={value}"]
    return command


def run_crawl(command: list[str], env: dict[str, str] | None = None) -> int:
    """Run the spider in its own process (Twisted's reactor cannot be restarted in this one);
    Ctrl-C and kill -TERM reach it (the first one stops it gracefully)."""
    return run_foreground(command, {**os.environ, "SCRAPY_SETTINGS_MODULE": CRAWLER_SETTINGS, **(env or {})})


class _Commands(click.Group):
    """Mistakes in what a user gave (a registry, a database file) end in one line, exit status 2."""

    def invoke(self, ctx: click.Context):
        from archive.sources import SourceRegistryError

        try:
            return super().invoke(ctx)
        except (ArchiveError, SourceRegistryError) as error:
            click.echo(f"gov-reports: error: {error}", err=True)
            ctx.exit(2)


@click.group(cls=_Commands)
@click.version_option(package_name="gov-reports")
def cli() -> None:
    """Crawl, archive, parse and publish 政府信息公开工作年度报告."""


@cli.command()
@click.argument("start_urls", nargs=-1)
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_ARCHIVE_PATH,
              show_default=True, help="Archive database.")
@click.option("--sources", type=click.Path(exists=True, dir_okay=False), help="Registry file (CSV/JSON).")
@click.option("--year", type=int, help="Only reports of this data year.")
@click.option("--jobdir", help="Scrapy JOBDIR, to pause (Ctrl-C once) and resume the crawl.")
def crawl(start_urls: tuple[str, ...], db: Path, sources: str | None, year: int | None,
          jobdir: str | None) -> None:
    """Crawl portals (START_URLS, --sources, or the bundled registry) into the archive."""
    sys.exit(run_crawl(crawl_command(db, start_urls=list(start_urls), sources=sources, year=year,
                                     jobdir=jobdir)))


@cli.command()
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default="demo.db",
              show_default=True, help="Database the demo crawl writes.")
@click.option("--port", type=int, default=8001, show_default=True, help="Datasette port.")
@click.option("--serve/--no-serve", default=True, help="Start Datasette after the crawl.")
@click.pass_context
def demo(ctx: click.Context, db: Path, port: int, serve: bool) -> None:
    """Serve the bundled demo portal on loopback, crawl it with the real spider, publish the result."""
    from demo_portal.server import PortalServer
    from demo_portal.site import build_demo_site

    with PortalServer(build_demo_site()) as portal:
        # The crawl reaches the loopback portal through it as an HTTP proxy, under one fixed
        # address: a second demo run revalidates the same URLs instead of archiving them again.
        click.echo(f"Demo portal {DEMO_PORTAL_URL} serving on {portal.url}")
        status = run_crawl(crawl_command(db, start_urls=[DEMO_PORTAL_URL],
                                         settings={"AUTOTHROTTLE_ENABLED": "False",
                                                   "DOWNLOAD_DELAY": "0"}),
                           env={"http_proxy": portal.url, "no_proxy": ""})
    if status != 0:
        raise click.ClickException(f"the demo crawl failed (exit status {status})")
    _summarize(db)
    if serve:
        ctx.invoke(serve_command, db=db, port=port)


def _summarize(db: Path) -> None:
    archive = Archive(db)
    counts = archive.counts()
    archive.close()
    click.echo("Archived: " + ", ".join(f"{n} {table}" for table, n in counts.items()) + f" in {db}")


cli.add_command(serve_command)


@cli.command("sources")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def sources_command(path: str | None) -> None:
    """List and validate a source registry (the bundled one by default)."""
    from archive.sources import load_sources, validate_sources
    from crawler.list_forms import form_names  # the crawler's list forms (no Scrapy imports)

    sources = load_sources(path)
    for source in sources:
        click.echo(f"{source.name}\t{source.level}\t{source.region}\t{source.start_url}")
    problems = validate_sources(sources, list_forms=form_names())
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"{len(sources)} sources, {len(problems)} problems", err=True)
    sys.exit(1 if problems else 0)


JOBS_OPTION = click.option("--jobs", "-j", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                           show_default=True, help="Parser processes (0: parse in this process).")


@cli.command("parse")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (cells and checks).")
@click.option("--pending", is_flag=True, help="Parse what the archive --db holds unparsed, instead of FILES.")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_ARCHIVE_PATH,
              show_default=True, help="Archive database (with --pending).")
@JOBS_OPTION
def parse_command(files: tuple[Path, ...], as_json: bool, pending: bool, db: Path, jobs: int) -> None:
    """Parse local report files (HTML, text, PDF, Word, Excel) and print their tables and checks;
    with --pending, parse the archive's unparsed reports in a pool of worker processes."""
    import json

    from archive.parsing import parse_report
    from archive.parsing.render import render_report

    if pending:
        if not db.exists():
            raise click.ClickException(f"no archive at {db}")
        _parse_archive(db, jobs, pending=True)
        return
    if not files:
        raise click.UsageError("give FILES to parse, or --pending to parse an archive")
    for path in files:
        content_type = "text/html" if path.suffix.lower() in (".html", ".htm", ".shtml") else None
        parsed = parse_report(path.read_bytes(), url=path.resolve().as_uri(), content_type=content_type)
        if as_json:
            click.echo(json.dumps({"file": str(path), **parsed.to_json_dict()}, ensure_ascii=False))
        else:
            click.echo(f"== {path}")
            click.echo(render_report(parsed))


@cli.command()
@click.argument("db", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                default=DEFAULT_ARCHIVE_PATH)
@click.option("--pending", is_flag=True, help="Only reports never parsed (left by an interrupted crawl).")
@JOBS_OPTION
def reparse(db: Path, pending: bool, jobs: int) -> None:
    """Re-parse every archived report from its stored bytes (nothing is refetched)."""
    _parse_archive(db, jobs, pending)


def _parse_archive(db: Path, jobs: int, pending: bool) -> None:
    """Parse the archive's reports (or only what is pending) in `jobs` workers; this process writes."""
    from archive.parse_pool import ParseTask
    from archive.parsed_reports import pending_tasks, reparse_all
    from archive.publish.prepare import prepare_database
    from archive.store import utc_now

    archive = Archive(db)
    tasks = pending_tasks(archive) if pending else [ParseTask("report", i) for i in archive.report_ids()]
    click.echo(f"Parsing {len(tasks)} report(s) in {jobs or 'this'} process(es)", err=True)
    summary = reparse_all(archive, utc_now(), jobs=jobs, tasks=tasks, index_search=pending)
    archive.close()
    prepare_database(db)
    click.echo(f"{summary.reports} reports re-parsed, {len(summary.changed)} changed "
               "(values or check results)")
    if summary.changed:
        click.echo("changed report ids: " + ", ".join(map(str, sorted(summary.changed))))
    for status, count in summary.statuses.items():
        click.echo(f"  {status}: {count}")


# -- web archives (WARC and WACZ) ---------------------------------------------------------------
def _export_options(command):
    """--db, --source, --year, --since: which captures an export holds."""
    for option in reversed([
        click.option("--db", "db", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     default="archive.db", show_default=True, help="Archive database."),
        click.option("--source", help="Only captures of this source (registry name)."),
        click.option("--year", type=int, help="Only captures of reports of this data year (and their parts)."),
        click.option("--since", help="Only fetches made at or after this date (ISO 8601, e.g. 2024-01-01)."),
    ]):
        command = option(command)
    return command


def _export(export, out: Path, db: Path, **filters) -> None:
    """Run one export function over the archive DB and print its summary."""
    from archive.store import Archive

    archive = Archive(db)
    try:
        click.echo(export(archive, out, **filters).line())
    finally:
        archive.close()


@cli.command("export-warc")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_export_options
def export_warc_command(out: Path, db: Path, source: str | None, year: int | None, since: str | None) -> None:
    """Write the archive's captures to OUT (WARC 1.1, gzip), record ids kept in the archive."""
    from archive.webarchive.warc_export import export_warc

    _export(export_warc, out, db, source=source, year=year, since=since)


@cli.command("export-wacz")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_export_options
def export_wacz_command(out: Path, db: Path, source: str | None, year: int | None, since: str | None) -> None:
    """Write the archive's captures to OUT as a WACZ 1.1 package (for pywb and ReplayWeb.page)."""
    from archive.webarchive.wacz_export import export_wacz

    _export(export_wacz, out, db, source=source, year=year, since=since)


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default="archive.db",
              show_default=True, help="Archive database (created if missing).")
def import_warc_command(files: tuple[Path, ...], db: Path) -> None:
    """Archive the responses of WARC FILES (any crawler's) as snapshots, then classify and parse them."""
    from archive.publish.prepare import prepare_database
    from archive.store import Archive
    from archive.webarchive.warc_import import import_warcs

    archive = Archive(db)
    try:
        summary = import_warcs(archive, list(files))
    finally:
        archive.close()
    prepare_database(db)
    for problem in summary.problems:
        click.echo(f"error: {problem.line()}", err=True)
    click.echo(summary.line())
    sys.exit(1 if summary.problems else 0)


# -- coverage (issue 14) ---------------------------------------------------------------------------
def _crawl_setting(name: str):
    """A default from crawler/settings.py (plain assignments, no Scrapy import), where limits live."""
    import importlib

    return getattr(importlib.import_module(CRAWLER_SETTINGS), name)


@cli.command("coverage")
@click.argument("db", type=click.Path(exists=True, dir_okay=False, path_type=Path), default="archive.db")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Date the deadlines are judged on (default today).")
def coverage_command(db: Path, as_of) -> None:
    """Rebuild divisions, publishers and expected-versus-found coverage from the archive."""
    from datetime import date

    from archive.coverage import refresh_coverage
    from archive.publish.prepare import prepare_database
    from archive.store import Archive

    archive = Archive(db)
    rows = refresh_coverage(archive, as_of.date() if as_of else date.today())
    counts = list(archive.db.query("select status, count(*) as n from coverage group by status order by status"))
    archive.close()
    prepare_database(db)
    click.echo(f"{rows} publisher-year rows: " + ", ".join(f"{r['status']} {r['n']}" for r in counts))


@cli.command("due")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default="archive.db",
              show_default=True, help="Archive database.")
@click.option("--sources", type=click.Path(exists=True, dir_okay=False), help="Registry file (CSV/JSON).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write the due sources as a registry CSV.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Judge as of this date (default today).")
def due_command(db: Path, sources: str | None, csv_path: str | None, today) -> None:
    """List the sources due for a crawl; exit status 1 when none is (for `due && crawl` in cron)."""
    from datetime import date

    from archive.schedule import DuePolicy, due_sources
    from archive.sources import load_sources, source_from_row, write_sources
    from archive.store import Archive

    registry = {source.name: source for source in load_sources(sources)}
    history: dict[str, dict] = {}
    if db.exists():
        archive = Archive(db)
        history = {row["name"]: row for row in archive.source_last_crawls()}
        # Sources crawled before (ad-hoc start URLs too) stay on the schedule.
        stored = {row["name"]: source_from_row(row) for row in archive.coverage_source_rows()}
        registry |= {name: source for name, source in stored.items() if name not in registry}
        archive.close()
    rows = [{"name": s.name, "start_url": s.start_url, **{k: v for k, v in history.get(s.name, {}).items()
                                                          if k in ("last_attempt", "late_or_missing")}}
            for s in registry.values()]
    policy = DuePolicy(_crawl_setting("GOV_REPORTS_DUE_SEASON_DAYS"),
                       _crawl_setting("GOV_REPORTS_DUE_OFF_SEASON_DAYS"),
                       _crawl_setting("GOV_REPORTS_DUE_LATE_DAYS"))
    due = due_sources(rows, today.date() if today else date.today(), policy)
    for item in due:
        click.echo(f"{item.name}\t{item.start_url}\t{item.reason}")
    if csv_path:
        write_sources(csv_path, [registry[item.name] for item in due])
    click.echo(f"{len(due)} of {len(rows)} sources due", err=True)
    sys.exit(0 if due else 1)


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def merge(out: Path, inputs: tuple[Path, ...]) -> None:
    """Merge archives INPUTS into OUT (created if missing) without duplicates; running it again adds nothing."""
    from archive.publish.prepare import prepare_database

    archive = Archive(out)
    for path in inputs:
        if path.resolve() == out.resolve():
            click.echo(f"{path}: the output itself, skipped", err=True)
            continue
        summary = archive.merge_from(path)
        added = ", ".join(f"{n} {table}" for table, n in sorted(summary.added.items())) or "nothing new"
        click.echo(f"{path}: {added}")
    archive.close()
    prepare_database(out)


if __name__ == "__main__":
    cli()
