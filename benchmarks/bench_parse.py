"""Benchmark parse_report on every real report page available, against a bare lxml parse of the same bytes.

Run: python benchmarks/bench_parse.py [--repeat N]
Pages: tests/**/fixtures/**/*.{html,htm,txt} and ../shared/corpus/*.{html,txt} (list pages L* skipped),
deduplicated by content. Prints per-report parse_report time (median of N runs), then the median and
p95 over reports, and the ratio to lxml.html.document_fromstring measured in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.parsing import parse_report  # noqa: E402

# ../shared beside the checkout (a worktree sits one level deeper: the first ancestor that has it).
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared" / "corpus").is_dir()), ROOT.parent / "shared")
SOURCES = (ROOT / "tests", SHARED / "corpus", SHARED / "seeds")
SUFFIXES = {".html", ".htm", ".txt"}


def report_pages() -> list[Path]:
    """Real report documents, one per distinct content."""
    seen: set[str] = set()
    pages: list[Path] = []
    for source in SOURCES:
        if not source.exists():
            continue
        for path in sorted(source.rglob("*")):
            if path.suffix not in SUFFIXES or path.name.startswith("L") or "fixtures" not in path.parts \
                    and source == ROOT / "tests":
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                pages.append(path)
    return pages


def timed(function: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pages = report_pages()
    if not pages:
        sys.exit("no report pages found")
    parse_report(pages[0].read_bytes())  # warm-up: imports, OpenCC dictionaries
    ours, bare = [], []
    print(f"{'page':48} {'bytes':>8} {'parse ms':>9} {'lxml ms':>8} {'ratio':>6}  status")
    for path in pages:
        body = path.read_bytes()
        content_type = "text/html" if path.suffix in (".html", ".htm") else "text/plain"
        status = parse_report(body, content_type=content_type).parse_status
        mine = timed(lambda: parse_report(body, content_type=content_type), args.repeat)
        base = timed(lambda: lxml.html.document_fromstring(body), args.repeat)
        ours.append(mine)
        bare.append(base)
        name = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)[-48:]
        print(f"{name:48} {len(body):>8} {mine * 1000:>9.2f} {base * 1000:>8.3f} {mine / base:>6.0f}  {status}")
    print()
    print(f"reports: {len(pages)}  (repeat {args.repeat}, median per report)")
    print(f"parse_report   median {statistics.median(ours) * 1000:.2f} ms   p95 {p95(ours) * 1000:.2f} ms")
    print(f"lxml parse     median {statistics.median(bare) * 1000:.3f} ms   p95 {p95(bare) * 1000:.3f} ms")
    print(f"ratio          median {statistics.median(m / b for m, b in zip(ours, bare)):.1f}x   "
          f"total {sum(ours) / sum(bare):.1f}x")


if __name__ == "__main__":
    main()
