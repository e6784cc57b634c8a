"""Every benchmark document's full parse output, compared with another checkout's (e.g. a worktree of main).

Run: python benchmarks/parse_outputs.py --against CHECKOUT [--save FILE]
Parses the documents bench_parse.py times (cells, statuses, metadata, sections, text, notes, checks
with their details) with this checkout's code and, in a child process, with CHECKOUT's code (made
with `git worktree add --detach /tmp/main main`), and prints `outputs_differing: N (target 0)` with the
first difference of each differing document. Exits 1 when any differs.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def outputs(checkout: Path) -> dict[str, dict]:
    """Page → everything parse_report returned for it, read with `checkout`'s archive package."""
    sys.path.insert(0, str(checkout))
    sys.path.insert(1, str(ROOT / "benchmarks"))
    from archive.parsing import parse_report
    from bench_parse import report_pages

    result = {}
    for path in report_pages():
        content_type = "text/html" if path.suffix in (".html", ".htm") else "text/plain"
        parsed = parse_report(path.read_bytes(), content_type=content_type)
        result[str(path)] = json.loads(json.dumps(dataclasses.asdict(parsed), default=str, ensure_ascii=False))
    return result


def first_difference(mine: object, theirs: object, where: str = "") -> str | None:
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for key in sorted(set(mine) | set(theirs), key=str):
            found = first_difference(mine.get(key), theirs.get(key), f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(mine, list) and isinstance(theirs, list):
        for i, (a, b) in enumerate(zip(mine, theirs)):
            found = first_difference(a, b, f"{where}[{i}]")
            if found:
                return found
        return None if len(mine) == len(theirs) else f"{where}: {len(mine)} items vs {len(theirs)}"
    return None if mine == theirs else f"{where}: {mine!r:.200} vs {theirs!r:.200}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="the checkout to compare with")
    parser.add_argument("--checkout", type=Path, help=argparse.SUPPRESS)  # child: dump this checkout's outputs
    parser.add_argument("--save", type=Path, help="also write this checkout's outputs here")
    args = parser.parse_args()
    if args.checkout:
        json.dump(outputs(args.checkout), sys.stdout, ensure_ascii=False)
        return
    if not args.against:
        parser.error("--against CHECKOUT is required")
    child = subprocess.run([sys.executable, __file__, "--checkout", str(args.against.resolve())],
                           capture_output=True, text=True, check=True)
    theirs = json.loads(child.stdout)
    mine = outputs(ROOT)
    if args.save:
        args.save.write_text(json.dumps(mine, ensure_ascii=False, indent=1))
    differing = {page: first_difference(mine.get(page), theirs.get(page)) for page in sorted(set(mine) | set(theirs))}
    differing = {page: difference for page, difference in differing.items() if difference}
    for page, difference in differing.items():
        print(f"{page}: {difference}")
    print(f"documents: {len(mine)}")
    print(f"outputs_differing: {len(differing)} (target 0)")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
