"""Memory of `export-warc` against the archive's size: peak RSS of one export of a small and of a
four times larger synthetic archive (random, incompressible bodies); flat means the same peak.

    python benchmarks/bench_warc_export.py [--snapshots N] [--kib K]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(db: Path, snapshots: int, kib: int) -> None:
    from archive.store import Archive, Fetch

    rng = random.Random(16)
    archive = Archive(db, batch_writes=200)
    for number in range(snapshots):
        url = f"http://portal.example/xxgk/{number}.html"
        fetch_id = archive.record_fetch(Fetch(url=url, requested_at="2025-01-01T00:00:00.000Z", status=200,
                                              content_type="application/pdf"))
        archive.store_snapshot(url=url, body=rng.randbytes(kib * 1024), status=200, content_type="application/pdf",
                               fetch_id=fetch_id, headers={"Content-Length": str(kib * 1024)})
        archive.commit_if_due()
    archive.close()


def export(db: Path) -> None:
    from archive.store import Archive
    from archive.webarchive.warc_export import export_warc

    archive = Archive(db)
    started = time.perf_counter()
    summary = export_warc(archive, db.with_suffix(".warc.gz"))
    archive.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{peak:.1f} {time.perf_counter() - started:.2f} {sum(summary.records.values())}")


def measure(snapshots: int, kib: int, work: Path) -> tuple[float, float, int]:
    db = work / f"a{snapshots}.db"
    build(db, snapshots, kib)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, __file__, "--export", str(db)], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--snapshots", type=int, default=200)
    parser.add_argument("--kib", type=int, default=256)
    parser.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        export(args.export)
        return
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as work:
        small = measure(args.snapshots, args.kib, Path(work))
        large = measure(args.snapshots * 4, args.kib, Path(work))
    size = args.snapshots * args.kib / 1024
    print(f"warc_export_peak_rss_mib[{size:.0f} MiB archive]: {small[0]:.1f} ({small[1]:.1f} s, {small[2]} records)")
    print(f"warc_export_peak_rss_mib[{size * 4:.0f} MiB archive]: {large[0]:.1f} ({large[1]:.1f} s, {large[2]} records)")
    print(f"warc_export_peak_rss_growth: {large[0] - small[0]:+.1f} MiB for 4x the archive "
          f"(target < {2 * args.kib / 1024 + 8:.0f} MiB: flat, one body at a time)")


if __name__ == "__main__":
    main()
