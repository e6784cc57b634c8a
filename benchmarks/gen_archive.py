"""Build a realistic archive of N reports for the Datasette benchmark (bench_datasette.py).

Run: python benchmarks/gen_archive.py OUT.db --reports N [--seed S] [--text-chars C]

Every report is one real parsed report (the corpus's 2019/2021-format reports, parsed once here)
under a real agency and region (the bundled registry's regions × common department names), a data
year 2019-2024, with its cells multiplied by a random integer so that every identity still holds as
it did in the original (checks copied with their results). Each report has a small HTML snapshot,
a fetch, its sections and its text (the original's text, cut to --text-chars characters to keep a
million-report build within hours on two cores; 0 keeps it whole); the search index and views are
built by the publish side at the end, as after a crawl.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.parsing import parse_report  # noqa: E402
from archive.publish.prepare import prepare_database  # noqa: E402
from archive.store import Archive, section_spans  # noqa: E402

DEPARTMENTS = ("人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局",
               "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
               "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局",
               "统计局", "医疗保障局", "城市管理局", "退役军人事务局", "信访局")
LEVELS = ("province", "city", "county", "township", "department")


def templates() -> list:
    """Parsed real reports with tables (the generator's patterns)."""
    found = []
    for path in sorted((ROOT / "tests" / "fixtures").glob("corpus_*")):
        if path.suffix not in (".txt", ".html"):
            continue
        parsed = parse_report(path.read_bytes(), content_type="text/html" if path.suffix == ".html" else "text/plain")
        if parsed.cells and parsed.format in ("2019", "2021"):
            found.append(parsed)
    return found


def regions() -> list[str]:
    with (ROOT / "archive" / "data" / "sources.csv").open(encoding="utf-8") as handle:
        return sorted({row["region"] for row in csv.DictReader(handle) if row["region"]})


def _number(value, factor: int):
    if value is None:
        return None
    scaled = Decimal(str(value)) * factor
    return int(scaled) if scaled == scaled.to_integral_value() else float(scaled)


def generate(out: Path, reports: int, seed: int = 1, text_chars: int = 4000, batch: int = 2000) -> None:
    rng = random.Random(seed)
    patterns, places = templates(), regions()
    archive = Archive(out)  # the archive's schema and its writers of texts, cells and checks
    db = archive.db.conn
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA journal_mode = WAL")
    db.executemany("insert or replace into sources (name, region, level, start_url) values (?, ?, ?, ?)",
                   [(f"{place}门户", place, LEVELS[min(len(place.split()), 4)], f"http://portal{n}.example/")
                    for n, place in enumerate(places)])
    crawl = db.execute("insert into crawls (spider, started_at, status) values ('gov_reports', '2025-02-01', "
                       "'finished')").lastrowid
    started = time.perf_counter()
    for first in range(1, reports + 1, batch):
        rows = [_report(rng, n, patterns, places, text_chars) for n in range(first, min(reports, first + batch - 1) + 1)]
        _insert(archive, rows, crawl)
        db.commit()
        print(f"\r{min(reports, first + batch - 1)} reports, {time.perf_counter() - started:.0f} s", end="", flush=True)
    archive.close()
    print()
    prepare_database(out)


def _report(rng: random.Random, n: int, patterns: list, places: list[str], text_chars: int) -> dict:
    parsed = rng.choice(patterns)
    place = rng.choice(places)
    agency = place.split()[-1] + rng.choice(DEPARTMENTS)
    year = rng.randint(2019, 2024)
    factor = rng.randint(1, 9)
    text = parsed.text[:text_chars] if text_chars else parsed.text
    title = f"{agency}{year}年政府信息公开工作年度报告"
    return {"n": n, "parsed": parsed, "place": place, "agency": agency, "year": year, "factor": factor,
            "text": text, "title": title, "source": f"{place}门户",
            "published": f"{year + 1}-{rng.choice(('01', '01', '01', '02', '03'))}-{rng.randint(10, 28)}"}


def _insert(archive: Archive, rows: list[dict], crawl: int) -> None:
    db = archive.db.conn
    for row in rows:
        n, parsed = row["n"], row["parsed"]
        body = f"<html><head><title>{row['title']}</title></head><body><h1>{row['title']}</h1></body></html>".encode()
        url = f"http://portal.example/xxgk/zfxxgknb/{row['year']}/t{n}.html"
        db.execute("insert into snapshots (id, url, fetched_at, status, content_type, encoding, sha256, size, "
                   "source, crawl_id, stored_body, dictionary_id) values (?, ?, '2025-02-01T00:00:00.000Z', 200, "
                   "'text/html; charset=utf-8', 'utf-8', ?, ?, ?, ?, ?, 0)",
                   [n, url, f"{n:064x}", len(body), row["source"], crawl, _frame(body)])
        db.execute("insert into fetches (crawl_id, url, method, requested_at, status, bytes, snapshot_id) "
                   "values (?, ?, 'GET', '2025-02-01T00:00:00.000Z', 200, ?, ?)", [crawl, url, len(body), n])
        db.execute("insert into reports (id, url, snapshot_id, source, kind, title, agency, region, year, published, "
                   "format, parse_status, first_seen_at, parsed_at) values (?, ?, ?, ?, 'page', ?, ?, ?, ?, ?, "
                   "?, ?, '2025-02-01', '2025-02-01')",
                   [n, url, n, row["source"], row["title"], row["agency"], row["place"], row["year"],
                    row["published"], parsed.format, parsed.parse_status])
        # Compressed against the report's own page, as the store writes every text.
        db.execute("update reports set stored_text = ? where id = ?", [archive.stored_text(n, row["text"]), n])
        archive.rows.write_cells(
            (n, c.table_key, c.row_key, c.col_key, c.raw_text, _number(c.value, row["factor"]), c.unit, c.status,
             parsed.table_formats.get(c.table_key)) for c in parsed.cells)
        archive.rows.write_checks((n, c.identity, c.result, _number(c.difference, row["factor"]), c.severity, None)
                                  for c in parsed.checks)
        sections = {k: v for k, v in parsed.sections.items() if v in row["text"]}
        db.executemany("insert into report_sections (report_id, section, char_start, char_end, text) "
                       "values (?, ?, ?, ?, ?)",
                       [(n, name, span["char_start"], span["char_end"], span["text"])
                        for name, span in section_spans(row["text"], sections)])



def _frame(body: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor(level=3, write_content_size=True).compress(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--text-chars", type=int, default=4000)
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists")
    generate(args.out, args.reports, args.seed, args.text_chars)


if __name__ == "__main__":
    main()
