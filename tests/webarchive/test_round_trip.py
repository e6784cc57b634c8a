"""Export, then import into an empty archive: the same captures and the same parsed report."""

from __future__ import annotations

import pytest


from click.testing import CliRunner

from archive.cli import cli
from tests.support.archive_copies import rows

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

SNAPSHOTS = "select url, fetched_at, sha256, status, content_type, encoding, headers, request, source from snapshots"
REPORTS = ("select r.url, r.kind, r.title, r.year, r.source, r.parse_status, r.format, r.parent_url, "
           "s.url as capture_url, s.sha256 from reports r join snapshots s on s.id = r.snapshot_id")
CELLS = ("select r.url, r.kind, c.table_key, c.row_key, c.col_key, c.raw_text, c.value, c.status, c.unit "
         "from report_cells c join reports r on r.id = c.report_id")
CHECKS = ("select r.url, r.kind, c.identity, c.result, c.difference from report_checks c "
          "join reports r on r.id = c.report_id")


def _set(db, sql: str) -> set[tuple]:
    return {tuple(row.values()) for row in rows(db, sql)}


def test_export_then_import_gives_the_same_snapshots_and_cells(exported, tmp_path):
    target = tmp_path / "restored.db"
    result = CliRunner().invoke(cli, ["import-warc", str(exported.warc), "--db", str(target)])
    assert result.exit_code == 0, result.output
    assert _set(target, SNAPSHOTS) == _set(exported.db, SNAPSHOTS)
    assert len(rows(target, SNAPSHOTS)) == len(rows(exported.db, SNAPSHOTS))
    assert _set(target, REPORTS) == _set(exported.db, REPORTS)
    cells = _set(exported.db, CELLS)
    assert len(cells) > 1000 and _set(target, CELLS) == cells
    assert _set(target, CHECKS) == _set(exported.db, CHECKS)
    # Every fetch comes back: captures, re-fetches (304), redirect hops and failures.
    fetches = "select url, requested_at, status, error from fetches"
    assert _set(target, fetches) - _set(exported.db, fetches) == set()
    assert len(rows(target, fetches)) == len(rows(exported.db, fetches))


def test_importing_the_export_into_its_own_archive_changes_nothing(exported, tmp_path):
    from tests.support.archive_copies import copy_archive

    db = copy_archive(exported.db, tmp_path)
    before = {table: _set(db, f"select * from {table}") for table in ("snapshots", "fetches", "reports", "report_cells")}
    result = CliRunner().invoke(cli, ["import-warc", str(exported.warc), "--db", str(db)])
    assert result.exit_code == 0, result.output
    captures = exported.summary.records["revisit"] + len(rows(
        db, "select 1 from warc_records w join snapshots s on s.id = w.snapshot_id where w.direction = 'export' "
            "and w.warc_type = 'response'"))
    assert result.output.strip() == f"1 WARC file(s) imported ({captures} duplicates, 0 fetches, 0 snapshots), 0 unreadable"
    for table, content in before.items():
        assert _set(db, f"select * from {table}") == content, table


def _book_page(number: int, lines: list[str]) -> bytes:
    text = "\n".join(lines)
    return (f"<html><head><title>Page {number} - book</title></head><body><p>Basic HTML Version</p>"
            f"<pre><code>{text}</code></pre><p>P. {number}</p></body></html>").encode("utf-8")


def test_a_flipbook_report_keeps_its_parts_through_export_and_import(tmp_path):
    """A report read from several snapshots: its report record names every part's capture."""
    from archive.parsed_reports import parse_stored_report
    from archive.store import Archive, Snapshot, utc_now
    from archive.webarchive.warc_export import export_warc
    from archive.webarchive.warc_import import import_warcs
    from tests.support.archive_copies import rows as read
    from tests.support.fixture_files import fixture_path

    lines = fixture_path("corpus_022.txt").read_text(encoding="utf-8").splitlines()
    half = len(lines) // 2
    base = "http://flip.example/book/files/basic-html/"
    source = Archive(tmp_path / "a.db")
    pages = [source.store_snapshot(url=f"{base}page{n}.html", body=_book_page(n, part), status=200,
                                   content_type="text/html; charset=utf-8", fetched_at=f"2025-02-0{n}T00:00:00.000Z")
             for n, part in ((1, lines[:half]), (2, lines[half:]))]
    report_id = source.record_report(snapshot=Snapshot(pages[0].id, base, pages[0].sha256, is_new=False),
                                     source=None, kind="flipbook", title="洪泽区人民政府2023年政府信息公开工作年度报告",
                                     year=2023)
    source.record_report_parts(report_id, [page.id for page in pages])
    source.commit()
    parse_stored_report(source, report_id, utc_now())
    export_warc(source, tmp_path / "book.warc.gz")
    source.close()
    target = Archive(tmp_path / "b.db")
    import_warcs(target, [tmp_path / "book.warc.gz"])
    target.close()
    parts = ("select p.part_no, s.url, s.sha256 from report_parts p join snapshots s on s.id = p.snapshot_id "
             "join reports r on r.id = p.report_id where r.kind = 'flipbook'")
    assert read(tmp_path / "b.db", parts) == read(tmp_path / "a.db", parts) and len(read(tmp_path / "a.db", parts)) == 2
    cells = _set(tmp_path / "a.db", CELLS)
    assert len(cells) > 50 and _set(tmp_path / "b.db", CELLS) == cells
    assert _set(tmp_path / "b.db", REPORTS) == _set(tmp_path / "a.db", REPORTS)
