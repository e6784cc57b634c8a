"""Crawl benchmark: the gov_reports spider against a large loopback portal, against a bare spider.

Run: python benchmarks/bench_crawl.py [--reports N] [--runs R]
     python benchmarks/bench_crawl.py --growth   (peak RSS at 1,000 and 5,000 reports, and its growth)

The portal is the demo portal's shape with N report pages (each the real 上海市政府办公厅 2019 report
page, corpus 021, under its own title) in a paged column. Both spiders fetch the same pages with the
same loopback settings; the baseline only follows links, while gov_reports also logs every fetch,
archives every body, classifies pages and parses every report (in its parser processes). Then the
unchanged portal is crawled again. Printed as `name: value (target …)`, then as JSON: pages/s against
the bare spider, peak RSS, database bytes against the raw bytes archived, re-crawl requests per
report and snapshot bytes the re-crawl wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo_portal.server import PortalServer  # noqa: E402
from demo_portal.bulk import REPORT, build_bulk_site as build_site  # noqa: E402
from demo_portal.site import PortalSite  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=WARNING"]
GROWTH_SIZES = (1000, 5000)
FLAT_RATIO = 1.1  # "flat": the larger crawl's peak within 10% of the smaller one's
TREE_SAMPLE_SECONDS = 0.2


@dataclass
class CrawlRun:
    """One crawl process: wall time, peak RSS of its largest process and of its whole tree (KiB),
    the requests the portal served it, and the CPU seconds of its whole tree (parser processes
    included: each is waited for by its parent, so its time is in the crawl's)."""

    seconds: float
    largest_kib: int
    tree_kib: int
    requests: int
    cpu_seconds: float = 0.0


def _tree(root: int) -> set[int]:
    """A process and all its descendants now (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        parents[int(stat.parent.name)] = int(text[text.rindex(")") + 2:].split()[1])
    tree, frontier = set(), [root]
    while frontier:
        pid = frontier.pop()
        tree.add(pid)
        frontier += [child for child, parent in parents.items() if parent == pid and child not in tree]
    return tree


def _memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KiB; VmHWM is its peak since exec, so unlike wait4's
    ru_maxrss it does not count the benchmark's own memory, which the fork shared before the exec."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in lines if line.startswith(("VmRSS:", "VmHWM:"))}
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def _sample_tree(pid: int, done: threading.Event, peaks: dict[str, int]) -> None:
    """Peak of the tree's summed RSS, and the largest peak of any one of its processes."""
    while not done.wait(TREE_SAMPLE_SECONDS):
        memory = [_memory_kib(member) for member in _tree(pid)]
        peaks["tree"] = max(peaks["tree"], sum(rss for rss, _ in memory))
        peaks["largest"] = max([peaks["largest"], *(hwm for _, hwm in memory)])


def run(command: list[str], portal: PortalServer) -> CrawlRun:
    """Run one crawl process to its end, sampling the memory of its process tree (the parser
    workers are its children)."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    served = len(portal.requests)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done, peaks = threading.Event(), {"tree": 0, "largest": 0}
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, done, peaks), daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"crawl failed: {' '.join(command)}\n{stderr.decode()[-2000:]}")
    return CrawlRun(elapsed, peaks["largest"], peaks["tree"], len(portal.requests) - served,
                    _children_cpu() - cpu_before)


def _children_cpu() -> float:
    """User and system CPU seconds of this process's children that have been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _one(db: Path, sql: str):
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def table_bytes(db: Path, raw_bytes: int, smallest: float = 0.005) -> dict[str, float]:
    """Bytes of each table and index (SQLite's dbstat) as a fraction of the raw bytes archived,
    largest first; those under `smallest` summed as "other"."""
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute("select name, sum(pgsize) from dbstat group by name order by 2 desc").fetchall()
    finally:
        connection.close()
    shares = {name: size / raw_bytes for name, size in rows}
    found = {name: share for name, share in shares.items() if share >= smallest}
    found["other"] = sum(share for name, share in shares.items() if name not in found)
    return found


def bare_command(portal: PortalServer) -> list[str]:
    return [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "bare_spider.py"),
            "-a", f"start_url={portal.url}", *FAST]


def ours_command(portal: PortalServer, site: PortalSite, db: Path) -> list[str]:
    """gov_reports with politeness off and the portal's one source allowed every page: its
    default budget (GOV_REPORTS_SOURCE_PAGES, 400) is raised as a registry source with thousands
    of reports raises its own budget_pages, the column's pager of reports/20 pages (250 at
    5,000 reports) is not taken for an endless one (GOV_REPORTS_LIST_MAX_CHAIN, 200), and its
    report URLs, all of one shape, are not taken for a trap (GOV_REPORTS_SHAPE_MAX_URLS, 2,000:
    it had cut the 5,000-report crawl at 2,000 reports)."""
    pages = len(site.pages)
    return [sys.executable, "-m", "scrapy", "crawl", "gov_reports", "-a", f"start_url={portal.url}",
            "-s", f"ARCHIVE_DB={db}", "-s", f"GOV_REPORTS_SOURCE_PAGES={2 * pages}",
            "-s", f"GOV_REPORTS_LIST_MAX_CHAIN={pages}", "-s", f"GOV_REPORTS_SHAPE_MAX_URLS={2 * pages}", *FAST]


def parsed_every_report(db: Path, reports: int) -> int:
    """Reports parsed ok; a crawl cut short by a limit is no figure (exit with why)."""
    parsed = _one(db, "select count(*) from reports where parse_status = 'ok'")
    if parsed != reports:
        sys.exit(f"the crawl parsed {parsed} of {reports} reports: a limit cut it short")
    return parsed


def crawl_figures(reports: int, recrawl: bool = True, runs: int = 1) -> dict[str, float]:
    """`runs` pairs of crawls of a portal of `reports` report pages, each a bare crawl and then a
    gov_reports crawl into a new archive, then a re-crawl of the unchanged portal into the last
    archive. Pages/s are of the requests the portal served each; the ratio is the median of the
    pairs' ratios (each pair ran in the same minute: the bare spider's own speed drifts by a fifth
    between minutes on a shared machine), and its range is printed with it."""
    site = build_site(reports)
    pairs: list[tuple[CrawlRun, CrawlRun]] = []
    with PortalServer(site) as portal, tempfile.TemporaryDirectory() as tmp:
        for number in range(runs):
            db = Path(tmp) / f"bench{number}.db"
            pairs.append((run(bare_command(portal), portal), run(ours_command(portal, site, db), portal)))
            parsed = parsed_every_report(db, reports)
        ratios = sorted(_ratio(pair) for pair in pairs)
        bare, ours = sorted(pairs, key=_ratio)[len(pairs) // 2]  # the median pair: its times are printed
        figures = {
            "reports": reports, "pages": len(site.pages), "runs": runs,
            "parsed_ok": parsed,
            "bare_requests": bare.requests, "requests": ours.requests,
            "bare_seconds": bare.seconds, "seconds": ours.seconds,
            "bare_pages_per_second": bare.requests / bare.seconds, "pages_per_second": ours.requests / ours.seconds,
            "pages_per_second_ratio": ratios[len(ratios) // 2],
            "pages_per_second_ratio_min": ratios[0], "pages_per_second_ratio_max": ratios[-1],
            "bare_cpu_seconds": bare.cpu_seconds, "cpu_seconds": ours.cpu_seconds,
            "cpu_per_page_ratio": _median([(o.cpu_seconds / o.requests) / (b.cpu_seconds / b.requests)
                                           for b, o in pairs]),
            "runs_seconds": [[b.seconds, o.seconds] for b, o in pairs],
            "runs_cpu_seconds": [[b.cpu_seconds, o.cpu_seconds] for b, o in pairs],
            "peak_rss_mib": max(o.largest_kib for _, o in pairs) / 1024,
            "tree_peak_rss_mib": max(o.tree_kib for _, o in pairs) / 1024,
            "bare_peak_rss_mib": max(b.largest_kib for b, _ in pairs) / 1024,
            "raw_bytes": _one(db, "select sum(size) from snapshots"),
            "db_bytes": db.stat().st_size,
        }
        figures["db_to_raw_ratio"] = figures["db_bytes"] / figures["raw_bytes"]
        figures["db_to_raw_by_table"] = table_bytes(db, figures["raw_bytes"])
        if recrawl:
            figures.update(recrawl_figures(portal, site, db))
    return figures


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _ratio(pair: tuple[CrawlRun, CrawlRun]) -> float:
    """Our pages/s over the bare spider's, in one pair of crawls."""
    bare, ours = pair
    return (ours.requests / ours.seconds) / (bare.requests / bare.seconds)


def recrawl_figures(portal: PortalServer, site: PortalSite, db: Path) -> dict[str, float]:
    """The unchanged portal crawled again into the same archive: requests per report (all of
    them, and the report requests alone: list and entry pages must be asked again, since only
    they can show a new report) and the snapshot bytes written."""
    reports = sum(page.kind == "report" for page in site.pages.values())
    stored = _one(db, "select sum(length(stored_body)) from snapshots")
    start = len(portal.requests)
    again = run(ours_command(portal, site, db), portal)
    served = portal.requests[start:]
    report_paths = {path for path, page in site.pages.items() if page.kind == "report"}
    report_requests = sum(urlsplit(target).path in report_paths for _, target, _ in served)
    return {
        "recrawl_requests": again.requests,
        "recrawl_requests_per_report": again.requests / reports,
        "recrawl_report_requests_per_report": report_requests / reports,
        "recrawl_not_modified": sum(status == 304 for *_, status in served),
        "recrawl_snapshot_bytes": _one(db, "select sum(length(stored_body)) from snapshots") - stored,
    }


def growth_figures(sizes: tuple[int, ...] = GROWTH_SIZES) -> dict[str, float]:
    """Peak RSS of a gov_reports crawl (and of the bare spider, Scrapy's own growth) at each
    portal size, and its growth from the smallest to the largest."""
    figures: dict[str, float] = {}
    for reports in sizes:
        site = build_site(reports)
        with PortalServer(site) as portal, tempfile.TemporaryDirectory() as tmp:
            bare = run(bare_command(portal), portal)
            db = Path(tmp) / "growth.db"
            ours = run(ours_command(portal, site, db), portal)
            parsed = parsed_every_report(db, reports)
        figures.update({f"{reports}_parsed_ok": parsed, f"{reports}_requests": ours.requests,
                        f"{reports}_seconds": ours.seconds,
                        f"{reports}_peak_rss_mib": ours.largest_kib / 1024,
                        f"{reports}_tree_peak_rss_mib": ours.tree_kib / 1024,
                        f"{reports}_bare_peak_rss_mib": bare.largest_kib / 1024})
        print_size(figures, reports)  # as it comes: the largest crawl takes long on a shared machine
    small, large = sizes[0], sizes[-1]
    for name in ("peak_rss_mib", "tree_peak_rss_mib", "bare_peak_rss_mib"):
        figures[f"growth_{name}"] = figures[f"{large}_{name}"] - figures[f"{small}_{name}"]
        figures[f"growth_{name}_ratio"] = figures[f"{large}_{name}"] / figures[f"{small}_{name}"]
    return figures


def print_size(f: dict[str, float], reports: int) -> None:
    print(f"{reports:,} reports: {f[f'{reports}_requests']} requests, parsed ok {f[f'{reports}_parsed_ok']}, "
          f"{f[f'{reports}_seconds']:.0f} s")
    print(f"peak RSS, {reports:,} reports, largest process: {f[f'{reports}_peak_rss_mib']:.0f} MiB "
          f"(bare spider {f[f'{reports}_bare_peak_rss_mib']:.0f} MiB) (target <= 400 MB at 5,000)")
    print(f"peak RSS, {reports:,} reports, process tree: {f[f'{reports}_tree_peak_rss_mib']:.0f} MiB "
          f"(target <= 400 MB at 5,000)", flush=True)


def print_growth(f: dict[str, float], sizes: tuple[int, ...] = GROWTH_SIZES) -> None:
    small, large = sizes[0], sizes[-1]
    for name, label in (("peak_rss_mib", "largest process"), ("tree_peak_rss_mib", "process tree"),
                        ("bare_peak_rss_mib", "bare spider")):
        print(f"RSS growth {small:,} -> {large:,} reports, {label}: {f[f'growth_{name}']:+.1f} MiB "
              f"({f[f'growth_{name}_ratio']:.2f}x) (target flat: <= {FLAT_RATIO}x)")


def print_figures(f: dict[str, float]) -> None:
    print(f"portal: {f['pages']} pages, {f['reports']} reports of {len(REPORT.encode()) // 1024} KB; "
          f"parsed ok: {f['parsed_ok']}; bare {f['bare_requests']} requests in {f['bare_seconds']:.1f} s, "
          f"gov_reports {f['requests']} in {f['seconds']:.1f} s")
    spread = (f", {f['runs']} runs {f['pages_per_second_ratio_min']:.2f}-{f['pages_per_second_ratio_max']:.2f}x"
              if f["runs"] > 1 else "")
    print(f"crawl pages/s vs bare spider: {f['pages_per_second_ratio']:.2f}x "
          f"({f['pages_per_second']:.0f} vs {f['bare_pages_per_second']:.0f} pages/s{spread}) (target >= 0.7x)")
    print(f"crawl CPU seconds per page vs bare spider: {f['cpu_per_page_ratio']:.2f}x "
          f"({f['cpu_seconds']:.1f} vs {f['bare_cpu_seconds']:.1f} s, parser processes included) "
          f"(no target: the work behind the pages/s ratio, on {os.cpu_count()} CPUs)")
    print(f"peak RSS: {f['peak_rss_mib']:.0f} MiB largest process, {f['tree_peak_rss_mib']:.0f} MiB process tree "
          f"(bare {f['bare_peak_rss_mib']:.0f} MiB) (target <= 400 MB at 5,000 reports; --growth)")
    print(f"db bytes vs raw bytes: {f['db_to_raw_ratio']:.2f}x ({f['db_bytes']} / {f['raw_bytes']}) (target <= 0.3x)")
    for name, share in f["db_to_raw_by_table"].items():
        print(f"  db bytes vs raw bytes, {name}: {share:.3f}x (target: all together <= 0.3x)")
    print(f"re-crawl requests per report: {f['recrawl_requests_per_report']:.3f}, of which report requests "
          f"{f['recrawl_report_requests_per_report']:.3f} ({f['recrawl_requests']} requests, "
          f"{f['recrawl_not_modified']} answered 304; list and entry pages are always asked again, since only "
          f"they show new reports) (target <= 1)")
    print(f"re-crawl snapshot bytes written: {f['recrawl_snapshot_bytes']} (target 0)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--growth", action="store_true",
                        help=f"Instead: peak RSS of crawls of {' and '.join(f'{n:,}' for n in GROWTH_SIZES)} reports, and its growth.")
    parser.add_argument("--runs", type=int, default=3,
                        help="Pairs of crawls (bare, then gov_reports) whose median ratio is the figure (default 3).")
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    args = parser.parse_args()
    if args.growth:
        f = growth_figures()
        print_growth(f)
    else:
        if args.runs < 1:
            parser.error("--runs must be at least 1")
        f = crawl_figures(args.reports, runs=args.runs)
        print_figures(f)
    if args.json:
        args.json.write_text(json.dumps(f, indent=2))
    print(json.dumps(f))


if __name__ == "__main__":
    main()
