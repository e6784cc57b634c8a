"""Fuzz the readers for a fixed time: mutated real reports (HTML, text, DOCX, XLSX) through parse_report.

Run: python benchmarks/fuzz_readers.py [--seconds 60] [--seed 12] [--input-seconds 10]
Every input must come back as a ParsedReport (never an exception) within --input-seconds (SIGALRM
per input); prints `name: value (target …)` lines: inputs tried, failures, slowest input, p99.
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.mutations import mutate, mutate_package, real_documents  # noqa: E402
from archive.parsing import parse_report  # noqa: E402

CORPUS = [*real_documents("corpus_021.html"), *real_documents("corpus_0*.txt")[:12],
          *(path for pattern in ("seed_*.docx", "seed_*.xlsx", "seed_*.doc", "022.pdf") for path in real_documents(pattern))]
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".docx": None, ".xlsx": None,
                 ".doc": None, ".pdf": None}


class InputTimeout(BaseException):  # not Exception: parse_report turns those into a status
    pass


def _alarm(signum, frame):
    raise InputTimeout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--input-seconds", type=int, default=10)
    parser.add_argument("--keep", help="a folder to write inputs that ran over into")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    corpus = [(path.suffix, path.read_bytes()) for path in CORPUS]
    signal.signal(signal.SIGALRM, _alarm)
    times: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        suffix, body = rng.choice(corpus)
        mutated = mutate_package(body, rng) if suffix in (".docx", ".xlsx") else mutate(body, rng)
        started = time.perf_counter()
        signal.alarm(args.input_seconds)
        try:
            parsed = parse_report(mutated, content_type=CONTENT_TYPES[suffix])
            if not isinstance(parsed.parse_status, str) or parsed.parse_status.startswith("error:"):
                failures.append(f"{suffix}: status {parsed.parse_status!r} {parsed.notes[:1]}")
        except InputTimeout:
            failures.append(f"{suffix}: over {args.input_seconds} s ({len(mutated)} bytes)")
            if args.keep:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                (Path(args.keep) / f"slow_{len(failures)}{suffix}").write_bytes(mutated)
        except Exception as error:  # noqa: BLE001 - the contract: parse_report never raises
            failures.append(f"{suffix}: {type(error).__name__}: {error}")
        finally:
            signal.alarm(0)
        times.append(time.perf_counter() - started)
    times.sort()
    print(f"fuzz_readers/inputs_tried: {len(times)} (target: as many as {args.seconds:.0f} s allow)")
    print(f"fuzz_readers/failures: {len(failures)} (target 0: every input a ParsedReport in time)")
    print(f"fuzz_readers/slowest_input_seconds: {times[-1]:.2f} (target < {args.input_seconds})")
    print(f"fuzz_readers/p99_input_seconds: {times[int(len(times) * 0.99) - 1 if len(times) > 1 else 0]:.3f}")
    print(f"fuzz_readers/median_input_seconds: {statistics.median(times):.3f}")
    for failure in failures[:20]:
        print("  failure:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
