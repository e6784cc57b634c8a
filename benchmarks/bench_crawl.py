"""Crawl benchmark: the gov_reports spider against a large loopback portal, against a bare spider.

Run: python benchmarks/bench_crawl.py [--reports N]

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
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo_portal.server import PortalServer  # noqa: E402
from demo_portal.bulk import REPORT, build_bulk_site as build_site  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=WARNING"]


def run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one crawl process (its parser workers included: the
    largest process of the tree)."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"crawl failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss


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


def crawl_figures(reports: int, recrawl: bool = True) -> dict[str, float]:
    """One bare crawl and one gov_reports crawl of a portal of `reports` report pages, then a
    re-crawl of the unchanged portal."""
    site = build_site(reports)
    with PortalServer(site) as portal, tempfile.TemporaryDirectory() as tmp:
        bare = run([sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "bare_spider.py"),
                    "-a", f"start_url={portal.url}", *FAST])
        db = Path(tmp) / "bench.db"
        ours_command = [sys.executable, "-m", "scrapy", "crawl", "gov_reports", "-a", f"start_url={portal.url}",
                        "-s", f"ARCHIVE_DB={db}", *FAST]
        ours = run(ours_command)
        figures = {
            "reports": reports, "pages": len(site.pages),
            "parsed_ok": _one(db, "select count(*) from reports where parse_status = 'ok'"),
            "bare_seconds": bare[0], "seconds": ours[0],
            "bare_pages_per_second": len(site.pages) / bare[0], "pages_per_second": len(site.pages) / ours[0],
            "pages_per_second_ratio": bare[0] / ours[0],
            "peak_rss_mib": ours[1] / 1024, "bare_peak_rss_mib": bare[1] / 1024,
            "raw_bytes": _one(db, "select sum(size) from snapshots"),
            "db_bytes": db.stat().st_size,
        }
        figures["db_to_raw_ratio"] = figures["db_bytes"] / figures["raw_bytes"]
        figures["db_to_raw_by_table"] = table_bytes(db, figures["raw_bytes"])
        if recrawl:
            requests, stored = _one(db, "select count(*) from fetches"), _one(db, "select sum(length(stored_body)) from snapshots")
            run(ours_command)
            figures["recrawl_requests_per_report"] = (_one(db, "select count(*) from fetches") - requests) / reports
            figures["recrawl_snapshot_bytes"] = _one(db, "select sum(length(stored_body)) from snapshots") - stored
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    args = parser.parse_args()
    f = crawl_figures(args.reports)
    print(f"portal: {f['pages']} pages, {args.reports} reports of {len(REPORT.encode()) // 1024} KB; "
          f"parsed ok: {f['parsed_ok']}; bare {f['bare_seconds']:.1f} s, gov_reports {f['seconds']:.1f} s")
    print(f"crawl pages/s vs bare spider: {f['pages_per_second_ratio']:.2f}x "
          f"({f['pages_per_second']:.0f} vs {f['bare_pages_per_second']:.0f} pages/s) (target >= 0.7x)")
    print(f"peak RSS: {f['peak_rss_mib']:.0f} MiB (bare {f['bare_peak_rss_mib']:.0f} MiB) (target <= 400 MB at 5,000 reports)")
    print(f"db bytes vs raw bytes: {f['db_to_raw_ratio']:.2f}x ({f['db_bytes']} / {f['raw_bytes']}) (target <= 0.3x)")
    for name, share in f["db_to_raw_by_table"].items():
        print(f"  db bytes vs raw bytes, {name}: {share:.3f}x (target: all together <= 0.3x)")
    print(f"re-crawl requests per report: {f['recrawl_requests_per_report']:.2f} (target <= 1)")
    print(f"re-crawl snapshot bytes written: {f['recrawl_snapshot_bytes']} (target 0)")
    if args.json:
        args.json.write_text(json.dumps(f, indent=2))
    print(json.dumps(f))


if __name__ == "__main__":
    main()
