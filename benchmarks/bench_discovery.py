"""Benchmark discovery: pages fetched per report found on generated portals, against the minimum.

Run: python benchmarks/bench_discovery.py [--portals N] [--first SEED]
Portals: tests/support/generated_portal.py (seeded; menus 1-5 deep, every list form, decoys, news
areas of hundreds of pages). The spider's decisions run in-process (tests/support/crawl_simulation.py),
with the default budget. The minimum of a portal is the pages on the shortest paths from its home
page to all its reports (reports included); the ratio is summed over portals.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.crawl_simulation import simulate  # noqa: E402
from tests.support.generated_portal import generate_portal  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=200)
    parser.add_argument("--first", type=int, default=0, help="the first seed")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    fetched = minimum = reports = found = decoys = 0
    started = time.perf_counter()
    for seed in range(args.first, args.first + args.portals):
        portal = generate_portal(seed)
        crawl = simulate(portal)
        fetched += len(crawl.fetched)
        minimum += portal.minimum_pages()
        reports += len(portal.reports)
        found += len(portal.reports & crawl.recorded)
        decoys += len(portal.decoys & crawl.recorded)
    seconds = time.perf_counter() - started
    print(f"portals: {args.portals} (seeds {args.first}-{args.first + args.portals - 1}), {reports} reports, "
          f"{seconds:.1f} s")
    print(f"recall: {found / reports:.3f} (target 1.000)")
    print(f"decoys_recorded: {decoys} (target 0)")
    print(f"pages_per_report: {fetched / reports:.2f} (minimum {minimum / reports:.2f})")
    print(f"pages_per_report_vs_minimum: {fetched / minimum:.2f} (target ≤ 2×)")


if __name__ == "__main__":
    main()
