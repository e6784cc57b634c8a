"""Bodies are stored zstd-compressed (dictionaries per content kind, in the database) and read back
byte for byte; an archive of the uncompressed schema is migrated in place, losing nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zstandard

from archive.compression import (
    DICTIONARY_BYTES,
    DICTIONARY_SAMPLES,
    TEXT_ON_BODY,
    TEXT_ON_BODY_ENOUGH,
    TEXT_PLAIN,
    compress_text,
    decompress_text,
)
from archive.decoding import decode_body
from archive.parsing import parse_report
from archive.publish.prepare import prepare_database
from archive.publish.search import search_ids
from archive.store import Archive, connect_archive
from demo_portal.template_series import report_texts, template_pages
from tests.support.fixture_files import DEMO_CONTENT, FIXTURES

ROOT = Path(__file__).resolve().parent
FIXTURE_DIRS = (FIXTURES, DEMO_CONTENT)
SCHEMA_1 = (ROOT / "fixtures" / "archive_schema1.sql").read_text(encoding="utf-8")
TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".json": "application/json",
         ".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel"}


def _fixtures() -> list[Path]:
    return sorted(p for d in FIXTURE_DIRS for p in d.rglob("*") if p.is_file() and p.suffix != ".sql")


def _content_type(path: Path) -> str:
    return TYPES.get(path.suffix, "application/octet-stream")


def test_every_fixture_round_trips_byte_for_byte_through_dictionary_compression(tmp_path):
    files = _fixtures()
    assert len(files) > 50
    archive = Archive(tmp_path / "a.db", dictionary_samples=4)
    stored = {}
    for path in files * 2:  # the second round is compressed with the dictionaries the first trained
        body = path.read_bytes()
        snapshot = archive.store_snapshot(url=f"http://x/{path.name}?{len(stored)}", body=body, status=200,
                                          content_type=_content_type(path))
        stored[snapshot.id] = body
    archive.close()
    archive = Archive(tmp_path / "a.db")
    connection = connect_archive(tmp_path / "a.db")
    kinds = {kind for (kind,) in connection.execute("select kind from body_dictionaries")}
    assert {"html", "text", "word"} <= kinds
    with_dictionary = connection.execute("select count(*) from snapshots where dictionary_id > 0").fetchone()[0]
    assert with_dictionary >= len(files)
    for snapshot_id, body in stored.items():
        sha256, size, column = connection.execute(
            "select sha256, size, body from snapshots where id = ?", [snapshot_id]).fetchone()
        assert archive.body(snapshot_id) == body == column
        assert (sha256, size) == (hashlib.sha256(body).hexdigest(), len(body))


# A fresh archive per example (about 0.1 s): 30 examples of up to 12 bodies each.
@settings(max_examples=30, deadline=None)
@given(bodies=st.lists(st.binary(max_size=3000) | st.text(max_size=2000).map(str.encode), min_size=1,
                       max_size=12))
def test_generated_bodies_round_trip(tmp_path_factory, bodies):
    path = tmp_path_factory.mktemp("bodies") / "a.db"
    archive = Archive(path, dictionary_samples=3)
    ids = [archive.store_snapshot(url=f"http://x/{n}", body=body, status=200, content_type="text/html").id
           for n, body in enumerate(bodies)]
    archive.close()
    reopened = Archive(path)
    assert [reopened.body(i) for i in ids] == bodies
    reopened.close()


def _schema_1_archive(path: Path) -> dict[int, bytes]:
    """An archive as the uncompressed schema wrote it: raw bodies, section texts, a stored bigram index."""
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA_1)
    bodies = {}
    for number, source in enumerate(sorted((ROOT / "fixtures").glob("corpus_*.txt"))[:12], start=1):
        body = source.read_bytes()
        bodies[number] = body
        connection.execute(
            "insert into snapshots (id, url, fetched_at, status, content_type, encoding, sha256, size, body) "
            "values (?, ?, '2024-01-01T00:00:00.000Z', 200, 'text/plain; charset=utf-8', 'utf-8', ?, ?, ?)",
            [number, f"http://x/{source.name}", hashlib.sha256(body).hexdigest(), len(body), body])
        parsed = parse_report(body, content_type="text/plain; charset=utf-8")
        connection.execute("insert into reports (id, url, snapshot_id, kind, title, text, parse_status) "
                           "values (?, ?, ?, 'page', ?, ?, ?)",
                           [number, f"http://x/{source.name}", number, parsed.title, parsed.text,
                            parsed.parse_status])
        connection.executemany("insert into report_sections (report_id, section, text) values (?, ?, ?)",
                               [(number, name, text) for name, text in parsed.sections.items()])
        connection.executemany("insert into report_cells values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (number, c.table_key, c.row_key, c.col_key, c.raw_text, _number(c.value), c.unit, c.status,
             parsed.table_formats.get(c.table_key)) for c in parsed.cells])
        connection.executemany("insert into report_checks values (?, ?, ?, ?, ?, ?)", [
            (number, c.identity, c.result, _number(c.difference), c.severity, c.detail) for c in parsed.checks])
    connection.execute("create table report_search (report_id integer primary key, title text, text text, "
                       "digest text)")
    connection.execute("insert into report_search (report_id, title, text, digest) values (1, '示范', '复议', 'x')")
    connection.execute("pragma user_version = 1")
    connection.commit()
    connection.close()
    return bodies


def _number(value: Decimal | int | None) -> int | float | None:
    """A cell's number as schema 1 stored it (integral decimals as integers)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@pytest.mark.parametrize("chunk", [500, 5])  # all 12 reports at once, and in three chunks
def test_an_archive_of_the_uncompressed_schema_is_migrated_in_place_losing_nothing(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr("archive.store.MIGRATION_CHUNK", chunk)
    path = tmp_path / "old.db"
    bodies = _schema_1_archive(path)
    old = sqlite3.connect(path)
    sections = old.execute("select report_id, section, text from report_sections order by rowid").fetchall()
    reports = old.execute("select id, url, snapshot_id, title, text from reports order by id").fetchall()
    rows = {table: old.execute(f"select *, typeof({number}) from {table} order by 1, 2, 3, 4").fetchall()
            for table, number in (("report_cells", "value"), ("report_checks", "difference"))}
    assert len(rows["report_cells"]) > 500 and len(rows["report_checks"]) > 100
    old.close()
    size_before = path.stat().st_size
    archive = Archive(path)  # opening migrates
    assert [archive.body(i) for i in bodies] == list(bodies.values())
    assert archive.db.execute("pragma user_version").fetchone() == (4,)
    archive.close()
    connection = connect_archive(path)
    assert connection.execute("select id, body, sha256 from snapshots order by id").fetchall() == [
        (i, body, hashlib.sha256(body).hexdigest()) for i, body in bodies.items()]
    assert connection.execute("select report_id, section, text from report_section_texts "
                              "order by position").fetchall() == sections
    assert connection.execute("select count(*) from report_sections where text is not null").fetchone() == (0,)
    assert connection.execute("select id, url, snapshot_id, title, text from reports order by id").fetchall() == reports
    for table, number in (("report_cells", "value"), ("report_checks", "difference")):
        assert connection.execute(f"select *, typeof({number}) from {table} order by 1, 2, 3, 4").fetchall() == rows[table]
    assert connection.execute("select count(*) from report_cell_values where raw_text is null").fetchone()[0] > 250
    connection.close()
    assert path.stat().st_size < size_before
    assert Archive(path).body(1) == bodies[1]  # a second open finds nothing to migrate
    prepare_database(path)  # the stored bigram index gives way to the contentless one
    db = Archive(path).db
    assert "title" not in db["report_search"].columns_dict
    assert sorted(search_ids(db, "复议")) == [report_id for report_id, *_, text in reports if "复议" in text]


@pytest.mark.slow  # stores every fixture three times over
def test_every_fixture_text_round_trips_through_compression_against_its_page(tmp_path):
    files = _fixtures()
    archive = Archive(tmp_path / "a.db", dictionary_samples=4)
    texts = {}
    for number, path in enumerate(files):
        body = path.read_bytes()
        snapshot = archive.store_snapshot(url=f"http://x/{number}", body=body, status=200,
                                          content_type=_content_type(path))
        report_id = archive.record_report(snapshot=snapshot, source=None, kind="page", title=None, year=None)
        # The page's own text (what a parse keeps of it) and one that shares nothing with it.
        decoded = decode_body(body, _content_type(path)).text
        for text in (decoded, decoded[::-1] + "\u3000复议\n", ""):
            archive.set_report_text(report_id, text)
            assert archive.db.execute("select text from reports where id = ?", [report_id]).fetchone() == (text,)
        archive.set_report_text(report_id, decoded)
        texts[report_id] = decoded
    archive.close()
    connection = connect_archive(tmp_path / "a.db")
    assert dict(connection.execute("select id, text from reports")) == texts
    on_page = connection.execute("select count(*) from reports where substr(stored_text, 1, 1) = ?",
                                 [bytes([TEXT_ON_BODY])]).fetchone()[0]
    assert on_page > len(files) // 3  # most pages' texts are stored as a difference from the page


def _both_ways(text: str, basis: bytes) -> tuple[bytes, bytes]:
    """A text compressed plain and against `basis`, each as the store marks it."""
    level = 9
    plain = zstandard.ZstdCompressor(level=level, write_checksum=True).compress(text.encode())
    dictionary = zstandard.ZstdCompressionDict(basis, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    delta = zstandard.ZstdCompressor(level=level, write_checksum=True, dict_data=dictionary).compress(text.encode())
    return bytes([TEXT_PLAIN]) + plain, bytes([TEXT_ON_BODY]) + delta


def test_a_report_text_is_stored_the_smaller_way_and_compressed_once_when_its_page_holds_it():
    """Every HTML fixture's parsed text: stored as the smaller of its two compressions (the one-pass
    shortcut never chose the larger); a text sharing nothing with its page is stored plain."""
    pages = [p for p in _fixtures() if p.suffix == ".html"]
    assert len(pages) >= 5
    shortcut = 0
    for path in pages:
        body = path.read_bytes()
        text = parse_report(body, content_type="text/html").text
        basis = decode_body(body, "text/html").text.encode()
        plain, delta = _both_ways(text, basis)
        stored = compress_text(text, basis)
        assert (stored, decompress_text(stored, lambda: basis)) == (min(plain, delta, key=len), text), path.name
        shortcut += len(delta) <= TEXT_ON_BODY_ENOUGH * len(text.encode())
    assert 0 < shortcut < len(pages)  # both paths taken
    unrelated = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(3000))
    assert compress_text(unrelated, basis)[0] == TEXT_PLAIN


@settings(max_examples=25, deadline=None)
@given(pages=st.lists(st.binary(max_size=400) | st.text(max_size=400).map(str.encode), min_size=1, max_size=6),
       texts=st.lists(st.text(max_size=300), min_size=6, max_size=6))
def test_generated_texts_round_trip_against_generated_pages(tmp_path_factory, pages, texts):
    archive = Archive(tmp_path_factory.mktemp("texts") / "a.db")
    ids = []
    for number, (page, text) in enumerate(zip(pages, texts)):
        snapshot = archive.store_snapshot(url=f"http://x/{number}", body=page, status=200, content_type="text/html")
        ids.append(archive.record_report(snapshot=snapshot, source=None, kind="page", title=None, year=None))
        archive.set_report_text(ids[-1], text)
    assert [archive.db.execute("select text from reports where id = ?", [i]).fetchone()[0] for i in ids] == \
        texts[:len(ids)]
    archive.close()


def test_a_trained_dictionary_is_the_size_asked_and_compresses_pages_of_texts_it_never_saw(tmp_path):
    texts = report_texts()
    assert len(texts) == 11
    trained_on, unseen = template_pages(texts[:6], DICTIONARY_SAMPLES, 1), template_pages(texts[6:], 20, 2)
    archive = Archive(tmp_path / "a.db")
    for n, body in enumerate(trained_on + unseen):
        archive.store_snapshot(url=f"http://x/{n}", body=body, status=200, content_type="text/html")
    archive.close()
    connection = connect_archive(tmp_path / "a.db")
    (dictionary_id, size), = connection.execute("select id, length(data) from body_dictionaries")
    assert size == DICTIONARY_BYTES  # zstd's default trainer parameters gave 38 KB of the 112 asked for
    stored, raw = connection.execute("select sum(length(stored_body)), sum(size) from snapshots "
                                     "where dictionary_id = ?", [dictionary_id]).fetchone()
    assert connection.execute("select count(*) from snapshots where dictionary_id = ?",
                              [dictionary_id]).fetchone()[0] == len(unseen)
    assert stored / raw < 0.12  # 0.093; 0.151 with the default parameters


def test_the_body_level_setting_compresses_bodies_and_any_level_reads_back(tmp_path):
    from scrapy.utils.test import get_crawler

    from crawler.archiving import ArchiveExtension

    body = (FIXTURES / "unseen" / "pingtan_2025.html").read_bytes()
    sizes = {}
    for level in (1, 19):
        crawler = get_crawler(settings_dict={"ARCHIVE_BODY_LEVEL": level})
        archive = ArchiveExtension(crawler, str(tmp_path / f"{level}.db")).open()
        snapshot_id = archive.store_snapshot(url="http://x/r", body=body, status=200, content_type="text/html").id
        archive.close()
        connection = connect_archive(tmp_path / f"{level}.db")
        stored, read = connection.execute("select stored_body, body from snapshots where id = ?", [snapshot_id]).fetchone()
        assert read == body
        sizes[level] = len(stored)
    assert sizes[19] < sizes[1] * 0.9


def test_an_archive_refuses_a_level_zstd_does_not_have(tmp_path):
    from archive.store import ArchiveError

    with pytest.raises(ArchiveError, match=r"body level: expected a zstd level from 1 \(fastest\) to 22 "
                                           r"\(smallest\), got 23"):
        Archive(tmp_path / "a.db", body_level=23)
    assert not (tmp_path / "a.db").exists()
