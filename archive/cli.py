"""`gov-reports`: the project's command line (crawl, demo, sources, parse, reparse, serve)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from archive.publish.cli import serve as serve_command
from archive.store import DEFAULT_ARCHIVE_PATH, Archive

CRAWLER_SETTINGS = "crawler.settings"


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


def run_crawl(command: list[str]) -> int:
    """Run the spider in its own process (Twisted's reactor cannot be restarted in this one)."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": CRAWLER_SETTINGS}
    return subprocess.call(command, env=env)


@click.group()
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
        click.echo(f"Demo portal serving at {portal.url}")
        status = run_crawl(crawl_command(db, start_urls=[portal.url],
                                         settings={"AUTOTHROTTLE_ENABLED": "False",
                                                   "DOWNLOAD_DELAY": "0"}))
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
    summary = reparse_all(archive, utc_now(), jobs=jobs, tasks=tasks)
    archive.close()
    prepare_database(db)
    click.echo(f"{summary.reports} reports re-parsed, {len(summary.changed)} changed "
               "(values or check results)")
    if summary.changed:
        click.echo("changed report ids: " + ", ".join(map(str, sorted(summary.changed))))
    for status, count in summary.statuses.items():
        click.echo(f"  {status}: {count}")


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
