"""Publishing preparation after a few changes: the summary tables kept incrementally vs rebuilt whole.

Run: python benchmarks/bench_summaries.py ARCHIVE.db [--changes N] [--kinds K,K] [--seed S] [--json OUT]

ARCHIVE.db is a generated archive (gen_archive.py, e.g. --reports 20000). Two copies get the same N
seeded changes (benchmarks/archive_changes.py: new reports, new versions of a URL, reparses, status,
place and snapshot changes); one is prepared as after a crawl (its summaries kept from the last
preparation), the other with its summary state removed (every summary rebuilt, as before). Each
preparation is timed whole and in its parts (the summaries, the search index), and the incremental
copy's summary tables are compared row for row with a full rebuild of that copy. Printed as
`name: value (target …)`, then JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import sqlite_utils  # noqa: E402

from archive.publish import prepare, summary_refresh, views  # noqa: E402
from archive.store import Archive  # noqa: E402
from archive_changes import CHANGES, apply_changes, summary_rows  # noqa: E402


def _timed_parts() -> dict[str, float]:
    """Wrap the preparation's parts so that each call adds its time to the returned dict."""
    parts: dict[str, float] = {}
    for module, name, label in ((views, "refresh_summaries", "summaries"),
                                (prepare, "build_search_index", "search index")):
        original = getattr(module, name)

        def timed(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                parts[_label] = parts.get(_label, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)
    return parts


def _prepared(path: Path, *, full: bool, parts: dict[str, float]) -> dict[str, float]:
    """Prepare the archive (from scratch when `full`); its time whole and per part, in seconds."""
    if full:
        with sqlite3.connect(path) as db:
            db.execute("delete from publish_state")
    parts.clear()
    started = time.perf_counter()
    prepare.prepare_database(path)
    return {"preparation": time.perf_counter() - started, **parts}


def _equals_full_rebuild(path: Path) -> bool:
    """Whether the summary tables are those a full rebuild of the same archive gives (the copies'
    own changes differ in their timestamps, so each is compared with itself)."""
    with sqlite3.connect(path) as db:
        kept = summary_rows(db)
    database = sqlite_utils.Database(path)
    summary_refresh.refresh_summaries(database, full=True)
    database.close()
    with sqlite3.connect(path) as db:
        return summary_rows(db) == kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--kinds", default=",".join(CHANGES), help="change kinds, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    kinds = tuple(args.kinds.split(","))
    reports = sqlite3.connect(args.db).execute("select count(*) from reports").fetchone()[0]
    prepare.prepare_database(args.db)  # summaries of this code's definitions, before copying
    parts = _timed_parts()
    figures, applied = {}, []
    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
        copies = {}
        for way in ("incremental", "full"):
            copies[way] = Path(tmp) / f"{way}.db"
            shutil.copy(args.db, copies[way])
            archive = Archive(copies[way])
            applied = apply_changes(archive, random.Random(args.seed), args.changes, kinds)
            archive.close()
        for way in ("incremental", "full"):
            figures[way] = _prepared(copies[way], full=way == "full", parts=parts)
        same = _equals_full_rebuild(copies["incremental"])
    load = os.getloadavg()
    ratio = {name: figures["incremental"][name] / figures["full"][name] for name in figures["full"]}
    print(f"archive: {reports} reports; {args.changes} changes ({', '.join(applied)}); "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    for name in figures["full"]:
        print(f"{name}, incremental: {figures['incremental'][name]:.2f} s; full rebuild: {figures['full'][name]:.2f} s")
    print(f"summaries incremental / full: {ratio['summaries']:.3f} (target <= 0.05)")
    # A reparse still rebuilds the whole search index (a contentless FTS5 index cannot drop a row).
    print(f"preparation incremental / full: {ratio['preparation']:.3f} (target <= 0.05)")
    print(f"summary tables equal to a full rebuild: {same} (target True)")
    result = {"reports": reports, "changes": applied, "load_average": load, "seconds": figures, "ratio": ratio,
              "summaries_equal": same}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
