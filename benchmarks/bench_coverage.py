"""Benchmark division placement and the coverage rebuild a crawl runs at its end.

Run: python benchmarks/bench_coverage.py [--reports N]
Places generated agency names (full chains of random counties plus a department), then builds an
archive of N reports from such agencies over five data years and times `refresh_coverage` on it.
Prints `name: value (target …)` lines.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.coverage import refresh_coverage  # noqa: E402
from archive.divisions import division_tree  # noqa: E402
from archive.sources import Source  # noqa: E402
from archive.store import Archive  # noqa: E402

DEPARTMENTS = ("人民政府", "人民政府办公室", "教育局", "财政局", "生态环境局")


def agencies(count: int, seed: int = 14) -> list[str]:
    tree = division_tree()
    rng = random.Random(seed)
    counties = sorted((d for d in tree.by_code.values() if d.level == "county"), key=lambda d: d.code)
    return ["".join(d.name for d in tree.chain(rng.choice(counties))) + rng.choice(DEPARTMENTS)
            for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=5000)
    args = parser.parse_args()
    tree = division_tree()
    names = agencies(2000)
    started = time.perf_counter()
    for name in names:
        tree.place(name)
    per_name = (time.perf_counter() - started) / len(names)
    print(f"place per agency name: {per_name * 1e6:.0f} µs (target < 200 µs)")

    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(Path(folder) / "bench.db", batch_writes=5000)
        source = Source("bench", "", "unknown", "http://bench.gov.cn/")
        archive.upsert_sources([source])
        crawl = archive.start_crawl("bench", {})
        publishers = agencies(max(args.reports // 5, 1), seed=15)
        for number in range(args.reports):
            url = f"http://bench.gov.cn/{number}.html"
            snapshot = archive.store_snapshot(url=url, body=str(number).encode(), status=200,
                                              content_type="text/html", source="bench", crawl_id=crawl)
            year = 2019 + number % 5
            report = archive.record_report(snapshot=snapshot, source="bench", kind="page", title=None, year=year)
            archive.db["reports"].update(report, {"agency": publishers[number // 5 % len(publishers)],
                                                  "published": f"{year + 1}-02-15"})
        archive.commit()
        started = time.perf_counter()
        rows = refresh_coverage(archive, date(2025, 6, 1), registry=[])
        took = time.perf_counter() - started
        archive.close()
    print(f"refresh_coverage of {args.reports} reports ({rows} publisher-years): {took:.2f} s (target < 5 s)")


if __name__ == "__main__":
    main()
