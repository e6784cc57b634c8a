"""Crawl benchmark: the gov_reports spider against a large loopback portal, against a bare spider.

Run: python benchmarks/bench_crawl.py [--reports N]

The portal is the demo portal's shape with N report pages (each the real 上海市政府办公厅 2019 report
page, corpus 021, under its own title) in a paged column. Both spiders fetch the same pages with the
same loopback settings; the baseline only follows links, while gov_reports also logs every fetch,
archives every body, classifies pages and parses every report. Printed: wall time, pages per second,
peak RSS of each crawl process, and the ratios of gov_reports to the baseline.
"""

from __future__ import annotations

import argparse
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
    """Wall seconds and peak RSS (KiB) of one crawl process."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"crawl failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=300)
    args = parser.parse_args()
    site = build_site(args.reports)
    with PortalServer(site) as portal, tempfile.TemporaryDirectory() as tmp:
        bare = run([sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "bare_spider.py"),
                    "-a", f"start_url={portal.url}", *FAST])
        db = Path(tmp) / "bench.db"
        ours = run([sys.executable, "-m", "scrapy", "crawl", "gov_reports", "-a", f"start_url={portal.url}",
                    "-s", f"ARCHIVE_DB={db}", *FAST])
        archived = sqlite3.connect(db).execute("select count(*) from reports where parse_status = 'ok'").fetchone()[0]
    pages = len(site.pages)
    print(f"portal: {pages} pages, {args.reports} reports of {len(REPORT.encode()) // 1024} KB; parsed ok: {archived}")
    print(f"{'':12} {'seconds':>8} {'pages/s':>8} {'peak RSS MiB':>13}")
    for name, (seconds, rss) in (("bare spider", bare), ("gov_reports", ours)):
        print(f"{name:12} {seconds:8.2f} {pages / seconds:8.1f} {rss / 1024:13.1f}")
    print(f"ratio gov_reports / bare: time {ours[0] / bare[0]:.2f}x, peak RSS {ours[1] / bare[1]:.2f}x")


if __name__ == "__main__":
    main()
