"""Body compression: pages of one template with report texts their dictionary never saw.

Run: python benchmarks/bench_compression.py [--pages N] [--json OUT]

The crawl benchmark's portal repeats one real page under 2,000 titles, so its bodies say little about
a real portal's: this one builds a portal's series (demo_portal/template_series.py: one real page's
head and foot around the demo portal's real report texts, lines shuffled). An archive (the store's
own path, `Archive.store_snapshot`) trains its html dictionary on the first pages, made from six of
the texts; the pages measured are made from the other five. Baselines, on the same pages in the same
run: zstd at the same level without a dictionary, and gzip at level 6 (a WARC record's
compression). Printed as `name: value (target …)`, then JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import zstandard

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.compression import DICTIONARY_SAMPLES, LEVEL  # noqa: E402
from archive.store import Archive  # noqa: E402
from demo_portal.template_series import report_texts, template_pages  # noqa: E402

TRAINED_ON = 6  # texts the dictionary's samples are made from; the rest make the pages measured


def archive_figures(trained_on: list[bytes], measured: list[bytes]) -> tuple[int, float]:
    """Stored bytes of the measured pages and seconds per page, through a fresh archive."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "a.db")
        for n, body in enumerate(trained_on):
            archive.store_snapshot(url=f"http://x/train/{n}", body=body, status=200, content_type="text/html")
        archive.commit()
        started = time.perf_counter()
        for n, body in enumerate(measured):
            archive.store_snapshot(url=f"http://x/page/{n}", body=body, status=200, content_type="text/html")
        seconds = (time.perf_counter() - started) / len(measured)
        archive.close()
        connection = sqlite3.connect(Path(tmp) / "a.db")
        stored, with_dictionary = connection.execute(
            "select sum(length(stored_body)), sum(dictionary_id > 0) from snapshots where url like 'http://x/page/%'"
        ).fetchone()
        connection.close()
    if with_dictionary != len(measured):
        sys.exit(f"{len(measured) - with_dictionary} measured page(s) were stored without a dictionary")
    return stored, seconds


def timed(compress, bodies: list[bytes]) -> tuple[int, float]:
    started = time.perf_counter()
    size = sum(len(compress(body)) for body in bodies)
    return size, (time.perf_counter() - started) / len(bodies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="pages measured")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    texts = report_texts()
    trained_on = template_pages(texts[:TRAINED_ON], DICTIONARY_SAMPLES, seed=1)
    measured = template_pages(texts[TRAINED_ON:], args.pages, seed=2)
    raw = sum(map(len, measured))
    stored, store_seconds = archive_figures(trained_on, measured)
    plain, plain_seconds = timed(zstandard.ZstdCompressor(level=LEVEL).compress, measured)
    gzipped, gzip_seconds = timed(lambda body: gzip.compress(body, 6), measured)
    figures = {"pages": len(measured), "page_bytes": raw // len(measured), "level": LEVEL,
               "dictionary_ratio": stored / raw, "zstd_ratio": plain / raw, "gzip_ratio": gzipped / raw,
               "dictionary_gain": plain / stored, "store_ms": store_seconds * 1000,
               "zstd_ms": plain_seconds * 1000, "gzip_ms": gzip_seconds * 1000}
    print(f"pages: {figures['pages']} of {figures['page_bytes']} bytes, zstd level {LEVEL}, dictionary trained "
          f"on {len(trained_on)} pages of {TRAINED_ON} other texts")
    print(f"bodies vs raw, with the trained dictionary: {figures['dictionary_ratio']:.3f}x "
          "(target: the whole database <= 0.3x)")
    print(f"bodies vs raw, zstd without a dictionary: {figures['zstd_ratio']:.3f}x (baseline)")
    print(f"bodies vs raw, gzip -6: {figures['gzip_ratio']:.3f}x (baseline: a WARC record)")
    print(f"dictionary gain over zstd alone: {figures['dictionary_gain']:.2f}x (target: as high as possible)")
    print(f"store_snapshot per page: {figures['store_ms']:.2f} ms (zstd alone {figures['zstd_ms']:.2f} ms, "
          f"gzip {figures['gzip_ms']:.2f} ms; target: under the page's parse)")
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
