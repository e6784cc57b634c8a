"""`gov-reports merge OUT IN…`: archives combined without duplicates; merging again changes nothing."""

from __future__ import annotations

import pytest

import random
from pathlib import Path

from click.testing import CliRunner

from archive.cli import cli
from archive.parsed_reports import parse_stored_report
from archive.store import Archive, Fetch, connect_archive, utc_now

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parent
PAGES = sorted((ROOT / "fixtures").glob("corpus_*.txt"))


def _crawl(path: Path, urls: list[int], minute: int) -> None:
    """An archive of fetches, snapshots and parsed reports of the given pages (by number)."""
    archive = Archive(path)
    crawl_id = archive.start_crawl("gov_reports", {"n": len(urls)})
    for n in urls:
        url = f"http://x/{n}.html"
        at = f"2024-01-01T00:{minute:02d}:{n:02d}.000Z"  # each crawl fetches at its own time
        fetch_id = archive.record_fetch(Fetch(url=url, requested_at=at, status=200, bytes=10), crawl_id)
        body = PAGES[n % len(PAGES)].read_bytes()
        snapshot = archive.store_snapshot(url=url, body=body, status=200, content_type="text/plain; charset=utf-8",
                                          crawl_id=crawl_id, fetch_id=fetch_id,
                                          fetched_at=at)
        report_id = archive.record_report(snapshot=snapshot, source="s", kind="page", title=None, year=None)
        archive.commit()
        parse_stored_report(archive, report_id)
        if n % 3 == 0:  # a recorded fact about the report, kept by a merge
            archive.record_report_event(report_id, url, "removed", fetch_id, crawl_id)
    archive.record_fetch(Fetch(url="http://x/missing", requested_at=utc_now(), error="timeout"), crawl_id)
    archive.finish_crawl(crawl_id, "finished", {})
    archive.close()


def _content(path: Path) -> dict:
    """What an archive holds, without its ids."""
    db = connect_archive(path)
    try:
        return {
            "snapshots": sorted(db.execute("select url, sha256, body, size from snapshots")),
            "fetches": sorted(db.execute("select f.url, f.requested_at, f.status, f.error, s.sha256 from fetches f "
                                         "left join snapshots s on s.id = f.snapshot_id")),
            "reports": sorted(db.execute("select r.url, s.sha256, r.title, r.parse_status, r.text from reports r "
                                         "join snapshots s on s.id = r.snapshot_id")),
            "cells": sorted(db.execute("select r.url, c.table_key, c.row_key, c.col_key, c.value, c.status "
                                       "from report_cells c join reports r on r.id = c.report_id")),
            "checks": sorted(db.execute("select r.url, c.identity, c.result from report_checks c "
                                        "join reports r on r.id = c.report_id")),
            "sections": sorted(db.execute("select r.url, t.section, t.text from report_section_texts t "
                                          "join reports r on r.id = t.report_id")),
            "crawls": db.execute("select count(*) from crawls").fetchone()[0],
            "events": sorted(db.execute("select e.url, e.kind, r.url, f.requested_at from report_events e "
                                        "join reports r on r.id = e.report_id join fetches f on f.id = e.fetch_id")),
        }
    finally:
        db.close()


def _merge(*paths: Path) -> str:
    result = CliRunner().invoke(cli, ["merge", *map(str, paths)])
    assert result.exit_code == 0, result.output
    return result.output


def test_merging_an_archive_with_itself_adds_nothing(tmp_path):
    _crawl(tmp_path / "a.db", [1, 2, 3], 1)
    before = _content(tmp_path / "a.db")
    _merge(tmp_path / "out.db", tmp_path / "a.db")
    merged = _content(tmp_path / "out.db")
    assert merged == before
    assert "nothing new" in _merge(tmp_path / "out.db", tmp_path / "a.db", tmp_path / "a.db")
    assert _content(tmp_path / "out.db") == before
    assert "the output itself" in _merge(tmp_path / "a.db", tmp_path / "a.db")
    assert _content(tmp_path / "a.db") == before


def test_overlapping_archives_merge_into_their_union_without_duplicates(tmp_path):
    rng = random.Random(7)
    for seed in range(5):
        numbers = list(range(12))
        rng.shuffle(numbers)
        first, second = sorted(numbers[:7]), sorted(numbers[4:])
        a, b, whole = (tmp_path / f"{name}{seed}.db" for name in ("a", "b", "whole"))
        _crawl(a, first, 1)
        _crawl(b, second, 2)
        _crawl(whole, sorted(set(first) | set(second)), 3)
        out = tmp_path / f"out{seed}.db"
        _merge(out, a, b)
        merged, expected = _content(out), _content(whole)
        shared = len(set(first) & set(second))
        # The pages both crawled are one snapshot and one report; each crawl's fetches are kept.
        assert {k: v for k, v in merged.items() if k not in ("fetches", "crawls", "events")} == \
            {k: v for k, v in expected.items() if k not in ("fetches", "crawls", "events")}
        assert merged["events"] == sorted(_content(a)["events"] + _content(b)["events"])
        assert len(merged["fetches"]) == len(expected["fetches"]) + shared + 1
        assert merged["crawls"] == 2
        _merge(out, b, a)
        assert _content(out) == merged


def test_a_merge_that_fails_forgets_the_key_ids_it_assigned(tmp_path, monkeypatch):
    from archive.store import ArchiveMerge

    _crawl(tmp_path / "a.db", [1, 2], 1)
    target = Archive(tmp_path / "t.db")

    def fail(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ArchiveMerge, "_report_events", fail)  # after the reports and their cells
    with pytest.raises(RuntimeError):
        target.merge_from(tmp_path / "a.db")
    assert target.db.execute("select count(*) from reports").fetchone()[0] == 0
    assert target.db.execute("select count(*) from cell_keys").fetchone()[0] == 0
    # A report stored by the same writer afterwards gets key rows for its cells.
    snapshot = target.store_snapshot(url="http://x/1.html", body=PAGES[1].read_bytes(), status=200,
                                     content_type="text/plain; charset=utf-8")
    report_id = target.record_report(snapshot=snapshot, source="s", kind="page", title=None, year=None)
    target.commit()
    parse_stored_report(target, report_id)
    values = target.db.execute("select count(*) from report_cell_values where report_id = ?", [report_id]).fetchone()[0]
    shown = target.db.execute("select count(*) from report_cells where report_id = ?", [report_id]).fetchone()[0]
    assert shown == values > 20
    target.close()
