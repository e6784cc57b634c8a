"""Datasette benchmark: p50/p95 of the published pages on a generated archive (gen_archive.py).

Run: python benchmarks/bench_datasette.py ARCHIVE.db [--runs N] [--json OUT]

Serves the archive as `gov-reports serve` does (immutable, the project's plugin and settings) on a
free loopback port and requests each page N times: the home page, `report_overview` with its default
facets, a two-character Chinese search, the report view, each canned query, each dashboard chart's
query (HTML, and JSON: the same rows without the HTML), and a CSV export of 100,000 cells. Printed as `name: p50 / p95 ms (target …)`, then JSON.
"""

from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.publish.cli import datasette_command  # noqa: E402

PUBLISH = ROOT / "archive" / "publish"
QUERY_ARGS = {"requests_by_region_year": {"province": ""}, "agency_year_over_year": {"agency": "{agency}"},
              "search_reports": {"q": "复议"}, "coverage_matrix": {"province": "{province}"}}


def pages(db: Path) -> dict[str, str]:
    """Name → path of every page measured."""
    name = db.stem
    connection = sqlite3.connect(db)
    report_id, agency, province = connection.execute(
        "select r.id, r.agency, substr(r.region, 1, instr(r.region || ' ', ' ') - 1) from reports r "
        "where r.id = (select max(id) / 2 from reports)").fetchone()
    cells_below = connection.execute("select report_id from report_cells order by report_id "
                                     "limit 1 offset 100000").fetchone()
    connection.close()
    # A page that reads no data: how loaded the machine is during this run (compare the others to it).
    found = {"baseline /-/versions.json": "/-/versions.json", "home": "/", "report_overview (default facets)": f"/{name}/report_overview",
             "search 复议": f"/{name}/reports?_search=" + urllib.parse.quote("复议"),
             "report view": f"/{name}/-/report/{report_id}"}
    queries = yaml.safe_load((PUBLISH / "queries.yaml").read_text(encoding="utf-8"))
    for query in [*queries, "coverage_matrix"]:
        args = {k: v.format(agency=agency, province=province) for k, v in QUERY_ARGS.get(query, {}).items()}
        found[f"query {query}"] = f"/{name}/{query}?" + urllib.parse.urlencode(args)
        # The same rows as JSON: the query without Datasette's HTML rendering of up to 1,000 rows.
        found[f"query {query} (json)"] = f"/{name}/{query}.json?" + urllib.parse.urlencode(args)
    metadata = yaml.safe_load((PUBLISH / "metadata.yaml").read_text(encoding="utf-8"))
    for chart, spec in metadata["plugins"]["datasette-dashboards"]["overview"]["charts"].items():
        found[f"chart {chart}"] = f"/{name}.json?" + urllib.parse.urlencode({"sql": spec["query"]})
    bound = cells_below[0] if cells_below else 10 ** 9
    found["csv 100k cells"] = f"/{name}/report_cells.csv?_stream=on&_size=max&report_id__lt={bound}"
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[float, int]:
    """Milliseconds and HTTP status of one request (an error page is timed too, and reported)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return (time.perf_counter() - started) * 1000, status


def measure(db: Path, runs: int) -> dict[str, dict[str, float]]:
    port = _free_port()
    server = subprocess.Popen(datasette_command(db, port=port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                _get(base + "/-/versions.json")
                break
            except OSError:
                time.sleep(0.1)
        figures = {}
        for name, path in pages(db).items():
            _, status = _get(base + path)  # warm: SQLite's page cache, Datasette's introspection
            times = sorted(_get(base + path)[0] for _ in range(runs))
            figures[name] = {"p50_ms": statistics.median(times), "status": status,
                             "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]}
        return figures
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    reports = sqlite3.connect(args.db).execute("select count(*) from reports").fetchone()[0]
    figures = measure(args.db, args.runs)
    print(f"archive: {reports} reports, {args.db.stat().st_size / 2 ** 20:.0f} MiB; {args.runs} runs per page")
    for name, f in figures.items():
        failed = "" if f["status"] == 200 else f" HTTP {f['status']} (e.g. the SQL time limit)"
        print(f"datasette {name}: {f['p50_ms']:.0f} / {f['p95_ms']:.0f} ms{failed} (target <= 100 / 300 ms at 1M)")
    result = {"reports": reports, "pages": figures}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
