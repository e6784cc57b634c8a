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
from demo_portal.site import Page, PortalSite  # noqa: E402

REPORT = (ROOT / "demo_portal" / "content" / "shanghai_021.html").read_text(encoding="utf-8")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=WARNING"]


def _html(title: str, main: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<a href='/'>首页</a><a href='/xxgk/'>政府信息公开</a><h1>{title}</h1>{main}</body></html>").encode()


def build_site(reports: int, per_page: int = 20) -> PortalSite:
    pages = {"/index.html": Page("/index.html", _html("示范市人民政府", "<a href='/xxgk/'>政府信息公开</a>"), "text/html; charset=utf-8"),
             "/xxgk/index.html": Page("/xxgk/index.html", _html("政府信息公开", "<a href='/xxgk/zfxxgknb/'>政府信息公开年报</a>"), "text/html; charset=utf-8")}
    items = [(f"/xxgk/zfxxgknb/2020{n % 12 + 1:02d}/t2020_{n}.html", f"示范市第{n}局2019年政府信息公开工作年度报告")
             for n in range(reports)]
    for path, title in items:
        pages[path] = Page(path, _html(title, REPORT), "text/html; charset=utf-8", kind="report")
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)]
    for index, chunk in enumerate(chunks):
        name = "index.html" if index == 0 else f"index_{index}.html"
        following = f"<a href='index_{index + 1}.html'>下一页</a>" if index + 1 < len(chunks) else ""
        listing = "".join(f"<li><a href='{path}'>{title}</a></li>" for path, title in chunk)
        pages[f"/xxgk/zfxxgknb/{name}"] = Page(f"/xxgk/zfxxgknb/{name}", _html("政府信息公开年报", f"<ul>{listing}</ul>{following}"),
                                               "text/html; charset=utf-8", kind="column")
    return PortalSite(pages=pages)


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
