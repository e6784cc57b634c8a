"""Benchmark parse_report on every real report page available, against a bare parse of the same bytes.

Run: python benchmarks/bench_parse.py [--repeat N] [--json FILE]
Pages: tests/**/fixtures/**/*.{html,htm,txt}, ../shared/corpus and ../shared/seeds (list pages L*
skipped), deduplicated by content. Per report: parse_report time (median of N runs), read cold (the
label and cell normalization caches are cleared before every run, so no report profits from an
earlier reading of itself: normalizations are remembered per document only; older checkouts'
caches are cleared before every run).

Baselines, measured in the same run on the same bytes:
- every document: lxml.html.document_fromstring (the bare lxml parse of issue 13);
- text documents also: the least an honest text reader does, decode (UTF-8, else GB18030) +
  NFKC + split into lines, since lxml's parse of a text file is nearly free and says little.
Ratios are printed per group (HTML, text) and over all reports, median and total, as
`name: value (target …)`; --json writes the same figures and the per-report rows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import archive.normalize  # noqa: E402
from archive.parsing import parse_report  # noqa: E402
from archive.parsing.values import clean_raw  # noqa: E402

TARGET_HTML = 3.0  # issue 13: parse time per report vs bare lxml parse, median and total

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


def text_baseline(body: bytes) -> list[str]:
    """Decode, NFKC, split into lines: the least an honest reader of a text document does."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("gb18030", errors="replace")
    return unicodedata.normalize("NFKC", text).splitlines()


def cold_parse(body: bytes, content_type: str) -> None:
    getattr(archive.normalize, "clear_caches", lambda: None)()  # older checkouts' process-wide caches
    getattr(clean_raw, "cache_clear", lambda: None)()
    parse_report(body, content_type=content_type)


def ratios(rows: list[dict], base: str) -> dict[str, float]:
    """Median of per-report ratios and ratio of totals, parse_report vs the `base` timing."""
    if not rows:
        return {"median": float("nan"), "total": float("nan")}
    return {"median": statistics.median(r["parse"] / r[base] for r in rows),
            "total": sum(r["parse"] for r in rows) / sum(r[base] for r in rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    pages = report_pages()
    if not pages:
        sys.exit("no report pages found")
    parse_report(pages[0].read_bytes())  # warm-up: imports, OpenCC dictionaries
    rows: list[dict] = []
    print(f"{'page':48} {'bytes':>8} {'parse ms':>9} {'lxml ms':>8} {'ratio':>6}  status")
    for path in pages:
        body = path.read_bytes()
        html = path.suffix in (".html", ".htm")
        content_type = "text/html" if html else "text/plain"
        status = parse_report(body, content_type=content_type).parse_status
        row = {"page": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), "bytes": len(body),
               "kind": "html" if html else "text", "status": status,
               "parse": timed(lambda: cold_parse(body, content_type), args.repeat),
               "lxml": timed(lambda: lxml.html.document_fromstring(body), args.repeat)}
        if not html:
            row["text_baseline"] = timed(lambda: text_baseline(body), args.repeat)
        rows.append(row)
        print(f"{row['page'][-48:]:48} {len(body):>8} {row['parse'] * 1000:>9.2f} {row['lxml'] * 1000:>8.3f} "
              f"{row['parse'] / row['lxml']:>6.0f}  {status}")
    html_rows = [r for r in rows if r["kind"] == "html"]
    text_rows = [r for r in rows if r["kind"] == "text"]
    figures = {
        "parse_vs_lxml_html": ratios(html_rows, "lxml"),
        "parse_vs_lxml_text": ratios(text_rows, "lxml"),
        "parse_vs_text_baseline_text": ratios(text_rows, "text_baseline"),
        "parse_vs_lxml_all": ratios(rows, "lxml"),
    }
    parse_ms = [r["parse"] * 1000 for r in rows]
    print()
    print(f"reports: {len(rows)} ({len(html_rows)} HTML, {len(text_rows)} text; repeat {args.repeat}, "
          f"median per report, read cold)")
    print(f"parse_report median {statistics.median(parse_ms):.2f} ms   p95 {p95(parse_ms):.2f} ms")
    for name, figure in figures.items():
        target = f"target <= {TARGET_HTML:g}x" if name == "parse_vs_lxml_html" else "target: as low as possible"
        print(f"{name}_median: {figure['median']:.1f}x ({target})")
        print(f"{name}_total: {figure['total']:.1f}x ({target})")
    if args.json:
        args.json.write_text(json.dumps({"repeat": args.repeat, "figures": figures, "reports": rows},
                                        ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
