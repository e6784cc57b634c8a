"""Random changes to an archive, as crawls, reparses and coverage refreshes make them, and the summary
tables read back for comparison; shared by tests/publish/test_summary_refresh.py and
benchmarks/bench_summaries.py.

Seeded (one `random.Random` drives every choice). New reports, new versions of a URL, reparses
(changed, deleted and fewer cells, changed check results, moved agency or year) and parse status
changes go through the store as the crawl and parse stage write them; places and source regions
are written as a coverage refresh or a registry update writes them. A test and benchmark aid.
"""

from __future__ import annotations

import random
import sqlite3
from decimal import Decimal

from archive.parsing.model import Cell, Check, ParsedReport
from archive.publish.summary_refresh import TABLES
from archive.store import Archive

RESULTS = ("pass", "fail", "fail_total_blank", "fail_parts_blank", "unknown", "empty")


def _number(value):
    return Decimal(str(value)) if isinstance(value, float) else value


def donor_parse(archive: Archive, rng: random.Random, donor: int) -> ParsedReport:
    """The parse results of report `donor`, changed: some cells and checks dropped, some values and
    results changed, sometimes another agency or data year."""
    db = archive.db
    title, agency, region, year, published, fmt = db.execute(
        "select title, agency, region, year, published, format from reports where id = ?", [donor]).fetchone()
    cells, formats = [], {}
    for table_key, row_key, col_key, raw, value, unit, status, table_format in db.execute(
            "select table_key, row_key, col_key, raw_text, value, unit, status, table_format from report_cells "
            "where report_id = ?", [donor]):
        if rng.random() < 0.1:
            continue  # a cell the new reading does not find
        value = _number(value)
        if isinstance(value, int) and rng.random() < 0.2:
            value += rng.randint(-3, 7)
            raw = str(value)
        cells.append(Cell(table_key, row_key, col_key, raw if raw is not None else "", value, unit, status))
        formats[table_key] = table_format
    checks = [Check(identity, rng.choice(RESULTS) if rng.random() < 0.2 else result, _number(difference),
                    severity, detail)
              for identity, result, difference, severity, detail in db.execute(
                  "select identity, result, difference, severity, detail from report_checks where report_id = ?",
                  [donor]) if rng.random() > 0.05]
    if rng.random() < 0.1:
        cells, checks = [], []
    if rng.random() < 0.2:
        agency = (agency or "") + rng.choice(("办公室", "人民政府"))
    if rng.random() < 0.2 and year is not None:
        year += rng.choice((-1, 1))
    return ParsedReport(title=title, agency=agency, region=region, year=year, published=published,
                        format=fmt or "unknown", table_formats={k: v for k, v in formats.items() if v},
                        text=f"{title} 第{rng.randint(1, 10**6)}次读取", parse_status=rng.choice(("ok", "ok", "partial")),
                        cells=cells, checks=checks)


def _random_report(archive: Archive, rng: random.Random) -> int:
    (top,) = archive.db.execute("select max(id) from reports").fetchone()
    return archive.db.execute("select id from reports where id >= ? order by id limit 1",
                              [rng.randint(1, top)]).fetchone()[0]


def _snapshot(archive: Archive, rng: random.Random, url: str, source: str | None):
    body = f"<html><body>{url} {rng.random()}</body></html>".encode()
    return archive.store_snapshot(url=url, body=body, status=200, content_type="text/html; charset=utf-8",
                                  source=source)


def new_report(archive: Archive, rng: random.Random, url: str | None = None) -> None:
    donor = _random_report(archive, rng)
    source, title, year = archive.db.execute("select source, title, year from reports where id = ?",
                                             [donor]).fetchone()
    url = url or f"http://changes.example/{rng.randint(1, 10**9)}.html"
    report = archive.record_report(snapshot=_snapshot(archive, rng, url, source), source=source, kind="page",
                                   title=title, year=year)
    if rng.random() < 0.9:  # else left pending, as a crawl stopped before parsing it leaves it
        archive.store_parsed(report, donor_parse(archive, rng, donor))


def _new_version(archive: Archive, rng: random.Random) -> None:
    (url,) = archive.db.execute("select url from reports where id = ?", [_random_report(archive, rng)]).fetchone()
    new_report(archive, rng, url)


def _reparse(archive: Archive, rng: random.Random) -> None:
    report = _random_report(archive, rng)
    donor = report if rng.random() < 0.7 else _random_report(archive, rng)
    archive.store_parsed(report, donor_parse(archive, rng, donor))


def _status(archive: Archive, rng: random.Random) -> None:
    archive.set_parse_status(_random_report(archive, rng), rng.choice(("error", "pending", "ok", "partial")))


def _place(archive: Archive, rng: random.Random) -> None:
    db = archive.db
    report = _random_report(archive, rng)
    if rng.random() < 0.7:
        (province,) = db.execute("select province from report_summary where id = ?",
                                 [_random_report(archive, rng)]).fetchone()
        db["report_places"].upsert({"report_id": report, "province": province,
                                    "level": rng.choice(("county", "city", None))}, pk="report_id")
    else:
        (source,) = db.execute("select source from reports where id = ?", [report]).fetchone()
        if source is not None:
            db.execute("update sources set region = ?, level = ? where name = ?",
                       [rng.choice(("北京市", "浙江省 杭州市", None)), rng.choice(("city", "county")), source])
    db.conn.commit()


def _bare_snapshot(archive: Archive, rng: random.Random) -> None:
    """A new snapshot of a report URL that no report reads (yet)."""
    url, source = archive.db.execute("select url, source from reports where id = ?",
                                     [_random_report(archive, rng)]).fetchone()
    _snapshot(archive, rng, url, source)


CHANGES = {"new_report": new_report, "new_version": _new_version, "reparse": _reparse, "status": _status,
           "place": _place, "snapshot": _bare_snapshot}


WEIGHTS = {"new_report": 2, "new_version": 2, "reparse": 4, "status": 1, "place": 1, "snapshot": 1}


def apply_changes(archive: Archive, rng: random.Random, count: int, kinds: tuple[str, ...] = tuple(CHANGES)) -> list[str]:
    """`count` random changes of those kinds (reparses most often); returns the kinds applied."""
    kinds = rng.choices(kinds, weights=[WEIGHTS[kind] for kind in kinds], k=count)
    for kind in kinds:
        CHANGES[kind](archive, rng)
    archive.commit()
    return kinds


def summary_rows(connection: sqlite3.Connection) -> dict[str, list[str]]:
    """Every summary table's rows, as a sorted list (a multiset), each row as its repr."""
    return {table: sorted(repr(tuple(row)) for row in connection.execute(f"select * from [{table}]"))
            for table in TABLES}
