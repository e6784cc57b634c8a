"""Build a realistic archive of N reports for the Datasette benchmark (bench_datasette.py).

Run: python benchmarks/gen_archive.py OUT.db --reports N [--seed S] [--text-chars C]

Every report is one real parsed report (the corpus's 2019/2021-format reports, parsed once here)
under a real agency and region (the counties of the division tree and the registry's regions ×
common department names: about one agency per six reports, as with one report a year), a data year
2019-2024, with its cells multiplied by a random integer so that every identity still holds as it
did in the original (checks copied with their results). About one report in twelve has a misprinted
total (its checks re-evaluated, so its identities fail), and one in fifty is a later version of an
earlier report's URL (content changed after publication). Each report has a small HTML snapshot,
a fetch, its sections and its text (the original's text, cut to --text-chars characters to keep a
million-report build within hours on two cores; 0 keeps it whole); the search index and views are
built by the publish side at the end, as after a crawl.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
import time
from dataclasses import replace
from functools import lru_cache
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.divisions import division_tree  # noqa: E402
from archive.parsing import parse_report  # noqa: E402
from archive.parsing.checks import report_checks  # noqa: E402
from archive.parsing.model import Cell  # noqa: E402
from archive.publish.prepare import prepare_database  # noqa: E402
from archive.store import Archive, section_spans  # noqa: E402

DEPARTMENTS = ("人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局",
               "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
               "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局",
               "统计局", "医疗保障局", "城市管理局", "退役军人事务局", "信访局")
LEVELS = ("province", "city", "county", "township", "department")


CONTENT_TYPES = {".html": "text/html", ".txt": "text/plain",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def templates() -> list:
    """Parsed real reports of the test fixtures with a requests table (the generator's patterns)."""
    found = []
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*")):
        if path.suffix not in CONTENT_TYPES:
            continue
        parsed = parse_report(path.read_bytes(), content_type=CONTENT_TYPES[path.suffix])
        if any(c.table_key == "requests" for c in parsed.cells) and not parsed.format.startswith("pre2019"):
            found.append(parsed)
    return found


MISPRINTED, CHANGED = 1 / 12, 1 / 50


def regions() -> list[str]:
    """The registry's regions and every county of the division tree, province first."""
    with (ROOT / "archive" / "data" / "sources.csv").open(encoding="utf-8") as handle:
        found = {row["region"] for row in csv.DictReader(handle) if row["region"]}
    tree = division_tree()
    for division in tree.by_code.values():
        if division.level == "county":
            found.add(" ".join(d.name for d in tree.chain(division)))
    return sorted(found)


def _number(value, factor: int):
    if value is None:
        return None
    scaled = Decimal(str(value)) * factor
    return int(scaled) if scaled == scaled.to_integral_value() else float(scaled)


def generate(out: Path, reports: int, seed: int = 1, text_chars: int = 4000, batch: int = 5000) -> None:
    rng = random.Random(seed)
    patterns, places = templates(), regions()
    archive = Archive(out)  # the archive's schema and its writers of texts, cells and checks
    db = archive.db.conn
    # A throw-away build: no journal, no syncs; the secondary indexes are built once at the end.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -400000")
    indexes = _drop_indexes(db, ("snapshots", "fetches", "reports", "report_cell_values", "report_check_values",
                                 "report_sections"))
    db.executemany("insert or replace into sources (name, region, level, start_url) values (?, ?, ?, ?)",
                   [(f"{place}门户", place, LEVELS[min(len(place.split()), 3) - 1], f"http://portal{n}.example/")
                    for n, place in enumerate(places)])
    crawl = db.execute("insert into crawls (spider, started_at, status) values ('gov_reports', '2025-02-01', "
                       "'finished')").lastrowid
    started = time.perf_counter()
    for first in range(1, reports + 1, batch):
        rows: list[dict] = []
        for n in range(first, min(reports, first + batch - 1) + 1):
            earlier = rows[-1] if rows and rng.random() < CHANGED else None
            rows.append(_report(rng, n, patterns, places, text_chars, earlier))
        _insert(archive, rows, crawl)
        db.commit()
        print(f"\r{min(reports, first + batch - 1)} reports, {time.perf_counter() - started:.0f} s", end="", flush=True)
    print(f"\nindexes, {time.perf_counter() - started:.0f} s", flush=True)
    for sql in indexes:
        db.execute(sql)
    db.commit()
    archive.close()
    print(f"publishing preparation, {time.perf_counter() - started:.0f} s", flush=True)
    prepare_database(out)
    print(f"done, {time.perf_counter() - started:.0f} s")


def _drop_indexes(db: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' secondary indexes (not their keys); returns the statements that rebuild them."""
    found = db.execute(f"select name, sql from sqlite_master where type = 'index' and sql is not null "
                       f"and tbl_name in ({', '.join('?' * len(tables))})", tables).fetchall()
    for name, _ in found:
        db.execute(f"drop index [{name}]")
    return [sql for _, sql in found]


def _report(rng: random.Random, n: int, patterns: list, places: list[str], text_chars: int,
            earlier: dict | None = None) -> dict:
    """Report n: a fresh one, or (earlier given) a later version of the earlier report's URL."""
    parsed = earlier["parsed"] if earlier else rng.choice(patterns)
    place = earlier["place"] if earlier else rng.choice(places)
    agency = earlier["agency"] if earlier else place.split()[-1] + rng.choice(DEPARTMENTS)
    year = earlier["year"] if earlier else rng.randint(2019, 2024)
    cells, checks = _scaled(parsed, rng.randint(1, 9))
    if rng.random() < MISPRINTED:
        cells, checks = _misprint(rng, cells, parsed.table_formats, checks)
    text = parsed.text[:text_chars] if text_chars else parsed.text
    title = f"{agency}{year}年政府信息公开工作年度报告"
    url = earlier["url"] if earlier else f"http://portal.example/xxgk/zfxxgknb/{year}/t{n}.html"
    return {"n": n, "parsed": parsed, "place": place, "agency": agency, "year": year, "cells": cells,
            "checks": checks, "text": text, "title": title, "source": f"{place}门户", "url": url,
            "previous": earlier["n"] if earlier else None,
            "fetched_at": f"2025-{3 if earlier else 2:02d}-01T00:00:00.000Z",
            "published": f"{year + 1}-{rng.choice(('01', '01', '01', '02', '03'))}-{rng.randint(10, 28)}"}


_SCALED: dict[tuple[int, int], tuple[tuple[Cell, ...], tuple]] = {}


def _scaled(parsed, factor: int) -> tuple[tuple[Cell, ...], tuple]:
    """The template's cells and checks with every number multiplied by factor (identities still hold)."""
    key = (id(parsed), factor)
    if key not in _SCALED:
        _SCALED[key] = (tuple(replace(c, value=_number(c.value, factor)) for c in parsed.cells),
                        tuple(replace(c, difference=_number(c.difference, factor)) for c in parsed.checks))
    return _SCALED[key]


def _misprint(rng: random.Random, cells: tuple[Cell, ...], formats: dict, checks: tuple) -> tuple[tuple, tuple]:
    """One printed request total off by a few, and the identities evaluated again on the cells."""
    totals = [i for i, c in enumerate(cells) if c.table_key == "requests" and c.col_key == "total"
              and c.status == "ok" and isinstance(c.value, int)]
    if not totals:
        return cells, checks
    i = rng.choice(totals)
    cells = (*cells[:i], replace(cells[i], value=cells[i].value + rng.randint(1, 5)), *cells[i + 1:])
    return cells, tuple(report_checks(cells, formats))


def _insert(archive: Archive, rows: list[dict], crawl: int) -> None:
    db = archive.db.conn
    snapshots, fetches, reports, cells, checks, sections = [], [], [], [], [], []
    for row in rows:
        n, parsed, url = row["n"], row["parsed"], row["url"]
        body = f"<html><head><title>{row['title']}</title></head><body><h1>{row['title']}</h1></body></html>".encode()
        snapshots.append((n, url, row["fetched_at"], f"{n:064x}", len(body), row["source"], crawl, _frame(body),
                          row["previous"]))
        fetches.append((crawl, url, row["fetched_at"], len(body), n))
        reports.append((n, url, n, row["source"], row["title"], row["agency"], row["place"], row["year"],
                        row["published"], parsed.format, parsed.parse_status))
        cells += [(n, c.table_key, c.row_key, c.col_key, c.raw_text, c.value, c.unit, c.status,
                   parsed.table_formats.get(c.table_key)) for c in row["cells"]]
        checks += [(n, c.identity, c.result, c.difference, c.severity, None) for c in row["checks"]]
        found = {k: v for k, v in parsed.sections.items() if v in row["text"]}
        sections += [(n, name, span["char_start"], span["char_end"], span["text"])
                     for name, span in section_spans(row["text"], found)]
    db.executemany("insert into snapshots (id, url, fetched_at, status, content_type, encoding, sha256, size, "
                   "source, crawl_id, stored_body, dictionary_id, previous_id) values (?, ?, ?, 200, "
                   "'text/html; charset=utf-8', 'utf-8', ?, ?, ?, ?, ?, 0, ?)", snapshots)
    db.executemany("insert into fetches (crawl_id, url, method, requested_at, status, bytes, snapshot_id) "
                   "values (?, ?, 'GET', ?, 200, ?, ?)", fetches)
    db.executemany("insert into reports (id, url, snapshot_id, source, kind, title, agency, region, year, published, "
                   "format, parse_status, first_seen_at, parsed_at) values (?, ?, ?, ?, 'page', ?, ?, ?, ?, ?, "
                   "?, ?, '2025-02-01', '2025-02-01')", reports)
    # Texts compressed against their own page, cells and checks in their compact rows: as the store writes them.
    db.executemany("update reports set stored_text = ? where id = ?",
                   [(archive.stored_text(row["n"], row["text"]), row["n"]) for row in rows])
    archive.rows.write_cells(cells)
    archive.rows.write_checks(checks)
    db.executemany("insert into report_sections (report_id, section, char_start, char_end, text) "
                   "values (?, ?, ?, ?, ?)", sections)


@lru_cache(maxsize=1)
def _compressor():
    import zstandard

    return zstandard.ZstdCompressor(level=3, write_content_size=True)


def _frame(body: bytes) -> bytes:
    return _compressor().compress(body)


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
