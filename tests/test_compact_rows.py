"""Cells and checks are stored keyed compactly; the `report_cells` and `report_checks` views give back
exactly the rows the plain tables of schema 2 held, whether written by the store or through the views.
Report texts read back exactly; the positionless search index answers what the positional one did."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace as dataclass_replace

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.compression import compress_text, decompress_text, text_basis
from archive.normalize import normalize_text
from archive.publish.prepare import prepare_database
from archive.publish.search import build_search_index, grams, search_ids, terms
from archive import cell_layouts
from archive.store import CELL_COLUMNS, CHECK_COLUMNS, Archive, cell_row
from tests.support.fixture_files import fixture_path

# The tables of schema 2, the reference the views are compared with (same affinities).
PLAIN = """
create table plain_cells (report_id integer, table_key text, row_key text, col_key text, raw_text text,
  value any, unit text, status text, table_format text, primary key (report_id, table_key, row_key, col_key));
create table plain_checks (report_id integer, identity text, result text, difference any, severity text,
  detail text, primary key (report_id, identity));
"""

KEYS = st.sampled_from(["active", "requests", "review_litigation"])
NUMBERS = st.none() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False, width=32)
RAW = st.none() | st.sampled_from(["", "/", "无", "0", "12", "1,234", "12.50", "-3", " 7 "]) | st.text(max_size=6)


@st.composite
def cell(draw) -> tuple:
    value = draw(NUMBERS)
    # Most printed cells are their value's rendering; the rest are whatever the page printed.
    raw = str(value) if value is not None and draw(st.booleans()) else draw(RAW)
    return (draw(st.integers(1, 4)), draw(KEYS), draw(st.sampled_from(["new_received", "granted", "x"])),
            draw(st.sampled_from(["total", "natural_person", "y"])), raw, value,
            draw(st.sampled_from([None, "件", "万元"])), draw(st.sampled_from(["ok", "blank", "derived", None])),
            draw(st.sampled_from([None, "2019", "2021"])))


@st.composite
def check(draw) -> tuple:
    return (draw(st.integers(1, 4)), draw(st.sampled_from(["I1:total", "I2:total", "S1", "I3:granted"])),
            draw(st.sampled_from(["pass", "fail", "unknown", None])), draw(NUMBERS),
            draw(st.sampled_from(["hard", "soft"])), draw(st.none() | st.text(max_size=8)))


@pytest.fixture(scope="module")
def compact_archive(tmp_path_factory) -> Iterator[Archive]:
    """One archive for every example (opening one is the slow part), with the plain tables beside."""
    archive = Archive(tmp_path_factory.mktemp("compact") / "a.db")
    archive.db.conn.executescript(PLAIN)
    yield archive
    archive.close()


def _unique(rows: list[tuple], key: int) -> list[tuple]:
    return list({row[:key]: row for row in rows}.values())


def _rows(db: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> list[tuple]:
    """The rows with the storage class of their number (an integer is not a real that equals it)."""
    listed, number = ", ".join(columns), "value" if "value" in columns else "difference"
    return db.execute(f"select {listed}, typeof({number}) from {table} order by {listed}").fetchall()


@settings(max_examples=80, deadline=None)
@given(cells=st.lists(cell(), max_size=30), checks=st.lists(check(), max_size=12), through_views=st.booleans())
def test_views_give_back_exactly_the_rows_written(compact_archive, cells, checks, through_views):
    cells, checks = _unique(cells, 4), _unique(checks, 2)
    archive = compact_archive
    db = archive.db.conn
    for table in ("plain_cells", "plain_checks", "report_cell_values", "report_cell_layouts", "report_check_values"):
        db.execute(f"delete from {table}")
    db.executemany(f"insert into plain_cells values ({', '.join('?' * len(CELL_COLUMNS))})", cells)
    db.executemany(f"insert into plain_checks values ({', '.join('?' * len(CHECK_COLUMNS))})", checks)
    if through_views:  # what SQL written against the published tables does (INSTEAD OF triggers)
        db.executemany(f"insert into report_cells ({', '.join(CELL_COLUMNS)}) values "
                       f"({', '.join('?' * len(CELL_COLUMNS))})", cells)
        db.executemany(f"insert into report_checks ({', '.join(CHECK_COLUMNS)}) values "
                       f"({', '.join('?' * len(CHECK_COLUMNS))})", checks)
    else:
        archive.rows.write_cells(cells)
        archive.rows.write_checks(checks)
    assert _rows(db, "report_cells", CELL_COLUMNS) == _rows(db, "plain_cells", CELL_COLUMNS)
    assert _rows(db, "report_checks", CHECK_COLUMNS) == _rows(db, "plain_checks", CHECK_COLUMNS)
    # Updates and deletes through the views act on exactly the rows named.
    for table, plain in (("report_cells", "plain_cells"), ("report_checks", "plain_checks")):
        for name in (table, plain):
            db.execute(f"update {name} set {'value' if name.endswith('cells') else 'difference'} = 5 "
                       "where report_id = 1")
            db.execute(f"delete from {name} where report_id = 2")
    assert _rows(db, "report_cells", CELL_COLUMNS) == _rows(db, "plain_cells", CELL_COLUMNS)
    assert _rows(db, "report_checks", CHECK_COLUMNS) == _rows(db, "plain_checks", CHECK_COLUMNS)


SCHEMA_3_CELLS = fixture_path("cells_schema3.sql").read_text(encoding="utf-8")


def _schema_3_archive(path, cells: list[tuple]) -> None:
    """An archive's cell tables as schema 3 kept them (every cell a row), with the plain table beside."""
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA_3_CELLS + PLAIN)
    connection.executemany(f"insert into report_cells ({', '.join(CELL_COLUMNS)}) values "
                           f"({', '.join('?' * len(CELL_COLUMNS))})", cells)
    connection.executemany(f"insert into plain_cells values ({', '.join('?' * len(CELL_COLUMNS))})", cells)
    connection.execute("pragma user_version = 3")
    connection.commit()
    connection.close()


# Reports of one form: blanks of the form most empty cells have, and empty cells of others.
LAID_OUT = st.lists(st.tuples(st.integers(1, 5), st.sampled_from(["requests", "review_litigation"]),
                              st.sampled_from(["granted", "new_received", "x"]), st.sampled_from(["total", "y", "z"]),
                              st.sampled_from(["", None, "/", "3"]), st.sampled_from([None, None, 3]),
                              st.sampled_from([None, "件"]), st.sampled_from(["blank", "blank", "ok", None]),
                              st.sampled_from(["2019", "2021"])), max_size=60)


@settings(max_examples=40, deadline=None)
@given(cells=LAID_OUT | st.lists(cell(), max_size=30))
def test_a_schema_3_archive_leaves_its_blank_cells_to_layouts_and_its_cells_read_back_unchanged(tmp_path_factory,
                                                                                               cells):
    cells = _unique(cells, 4)
    path = tmp_path_factory.mktemp("schema3") / "a.db"
    _schema_3_archive(path, cells)
    archive = Archive(path)  # opening migrates
    db = archive.db.conn
    assert db.execute("pragma user_version").fetchone() == (4,)
    assert _rows(db, "report_cells", CELL_COLUMNS) == _rows(db, "plain_cells", CELL_COLUMNS)
    assert db.execute("select name from sqlite_master where name = 'report_cell_values_key'").fetchall() == []
    # Every empty cell of its report's blank form is left to the layout; every other cell is a row.
    empty = sum(c[5] is None and _stored_raw(c[4], c[5]) is None for c in cells)
    left = db.execute("select count(*) from report_cells c where not exists (select 1 from report_cell_values v "
                      "join cell_keys k on k.id = v.key_id where v.report_id = c.report_id and k.table_key is "
                      "c.table_key and k.row_key is c.row_key and k.col_key is c.col_key)").fetchone()[0]
    assert left <= empty and (left > 0) == (empty > 0)
    assert db.execute("select count(*) from report_cell_values v join report_cell_layouts l using (report_id) "
                      "where v.form_id = l.blank_form_id and v.value is null and v.raw_text is null").fetchone() == (0,)
    archive.close()
    Archive(path).close()  # opening again finds nothing to migrate
    connection = sqlite3.connect(path)
    assert _rows(connection, "report_cells", CELL_COLUMNS) == _rows(connection, "plain_cells", CELL_COLUMNS)
    connection.close()


def _stored_raw(raw: str | None, value: object) -> str | None:
    """The raw text a cell's row keeps (store.cell_row): None when it is the value's rendering."""
    return cell_row("t", "r", "c", raw, value, None, "ok", None)[-1]


def test_a_migration_whose_cells_would_read_back_otherwise_leaves_the_archive_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    cells = [(1, "requests", "granted", "total", "", None, None, "blank", "2019"),
             (1, "requests", "granted", "y", "4", 4, None, "ok", "2019")]
    _schema_3_archive(path, cells)
    real = cell_layouts.split_cells
    # A layout that forgets the report's valued cell: the view would lose it.
    monkeypatch.setattr("archive.store.split_cells",
                        lambda rows, *args: dataclass_replace(real(rows, *args), stored=[]))
    with pytest.raises(RuntimeError, match="differ once laid out; the archive is left unmigrated"):
        Archive(path)
    connection = sqlite3.connect(path)
    assert connection.execute("select report_id, key_id, value from report_cell_values order by 2").fetchall() == [
        (1, 1, None), (1, 2, 4)]
    assert "report_cell_layouts" not in connection.execute(
        "select sql from sqlite_master where name = 'report_cells'").fetchone()[0]
    connection.close()


def test_a_cell_printed_as_its_value_keeps_no_raw_text_and_repeated_forms_are_stored_once(tmp_path):
    archive = Archive(tmp_path / "a.db")
    archive.rows.write_cells([(1, "requests", "granted", "total", "12", 12, None, "ok", "2021"),
                              (1, "requests", "granted", "natural_person", "", None, None, "blank", "2021"),
                              (2, "requests", "granted", "total", "1,2", 12, None, "ok", "2021"),
                              (2, "requests", "granted", "natural_person", "/", None, None, "not_applicable", "2021")])
    db = archive.db
    # Report 1's empty cell is a blank of its layout, not a row; report 2's "/" is printed, so a row.
    assert db.execute("select report_id, key_id, raw_text from report_cell_values order by 1, 2").fetchall() == [
        (1, 1, None), (2, 1, "1,2"), (2, 2, "/")]
    assert db.execute("select count(*) from cell_keys").fetchone() == (2,)
    # Both reports show the same two keys: one layout, the blank form only where a blank is left to it.
    assert db.execute("select id, key_ids from cell_layouts").fetchall() == [(1, "1,2")]
    assert db.execute("select * from cell_layout_keys order by 2").fetchall() == [(1, 1), (1, 2)]
    assert db.execute("select * from report_cell_layouts order by 1").fetchall() == [(1, 1, 2), (2, 1, None)]
    assert db.execute("select status from cell_forms order by id").fetchall() == [("ok",), ("blank",),
                                                                                  ("not_applicable",)]
    assert db.execute("select raw_text from report_cells order by report_id, col_key").fetchall() == [
        ("",), ("12",), ("/",), ("1,2",)]
    archive.close()


def test_cells_and_checks_are_keyed_without_rowids_and_only_checks_and_layouts_have_secondary_indexes(tmp_path):
    archive = Archive(tmp_path / "a.db")
    db = archive.db
    assert {name: sql.endswith("without rowid") for name, sql in db.execute(
        "select name, sql from sqlite_master where name in ('report_cell_values', 'report_check_values', "
        "'cell_layout_keys')")} == {"report_cell_values": True, "report_check_values": True, "cell_layout_keys": True}
    assert sorted(db.execute("select tbl_name, name from sqlite_master where type = 'index' and tbl_name in "
                             "('report_cell_values', 'report_check_values', 'cell_layout_keys', 'report_cell_layouts') "
                             "and sql is not null")) == [
        ("cell_layout_keys", "cell_layout_keys_key"), ("report_cell_layouts", "report_cell_layouts_layout"),
        ("report_check_values", "report_check_values_identity")]
    assert db.execute("select type from sqlite_master where name in ('report_cells', 'report_checks')").fetchall() == [
        ("view",), ("view",)]
    archive.close()


def _row_indexes(path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [name for (name,) in connection.execute(
            "select name from sqlite_master where name in ('report_cell_values_key', 'report_check_values_identity') "
            "order by name")]
    finally:
        connection.close()


BOTH = ["report_check_values_identity"]


def test_row_indexes_are_deferred_only_while_there_are_no_cells_and_any_open_for_writing_rebuilds_them(tmp_path):
    path = tmp_path / "a.db"
    archive = Archive(path)
    assert archive.defer_row_indexes() is True
    assert _row_indexes(path) == []
    archive.rows.write_cells([(1, "requests", "granted", "total", "12", 12, None, "ok", "2021"),
                              (2, "requests", "granted", "total", "7", 7, None, "ok", "2021")])
    archive.rows.write_checks([(1, "I1:total", "pass", 0, "hard", None), (2, "I1:total", "fail", 3, "hard", None)])
    archive.restore_row_indexes()
    assert _row_indexes(path) == BOTH
    assert archive.db.execute("select report_id from report_check_values indexed by report_check_values_identity "
                              "where identity_id = 1 order by report_id").fetchall() == [(1,), (2,)]
    assert archive.defer_row_indexes() is False  # cells are there: kept row by row
    assert _row_indexes(path) == BOTH
    for name in BOTH:  # as a crawl killed before its drain leaves them
        archive.db.execute(f"drop index {name}")
    archive.close()
    Archive(path, readonly=True).close()
    assert _row_indexes(path) == []  # a reader changes nothing
    Archive(path).close()
    assert _row_indexes(path) == BOTH
    connection = sqlite3.connect(path)
    for name in BOTH:
        connection.execute(f"drop index {name}")
    connection.commit()
    connection.close()
    prepare_database(path)  # what `gov-reports serve` and every command that writes end with
    assert _row_indexes(path) == BOTH


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=400), body=st.binary(max_size=600) | st.text(max_size=600).map(str.encode),
       encoding=st.sampled_from([None, "utf-8", "gb18030", "big5", "no-such-codec"]))
def test_report_texts_round_trip_against_any_body(text, body, encoding):
    basis = text_basis(body + text.encode("utf-8"), encoding)
    assert decompress_text(compress_text(text, basis), lambda: basis) == text


ALPHABET = "行政复议诉讼公开復議 aAb_1，"


def _phrase_reference(db: sqlite3.Connection, query: str) -> set[int]:
    """What the positional index (detail=full, each term a phrase) answered before."""
    expression = " ".join('"' + " ".join(t.tokens) + '"' + ("*" if t.prefix else "") for t in terms(query))
    if not expression:
        return set()
    db.execute("create virtual table if not exists reference using fts5(title, text, "
               "tokenize='unicode61 remove_diacritics 0')")
    if not db.execute("select count(*) from reference").fetchone()[0]:
        db.executemany("insert into reference (rowid, title, text) values (?, ?, ?)",
                       [(i, grams(title or ""), grams(text or "")) for i, title, text in
                        db.execute("select id, title, text from reports").fetchall()])
    return {row[0] for row in db.execute("select rowid from reference where reference match ?", [expression])}


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.text(ALPHABET, max_size=30), min_size=1, max_size=8),
       queries=st.lists(st.text(ALPHABET, min_size=1, max_size=5), min_size=1, max_size=6))
def test_search_answers_exactly_what_the_phrase_index_did(tmp_path_factory, texts, queries):
    archive = Archive(tmp_path_factory.mktemp("search") / "a.db")
    for n, text in enumerate(texts):
        snapshot = archive.store_snapshot(url=f"http://x/{n}", body=(text * 2).encode(), status=200,
                                          content_type="text/plain; charset=utf-8")
        report_id = archive.record_report(snapshot=snapshot, source=None, kind="page", title=text[:3], year=None)
        archive.set_report_text(report_id, text)
    archive.commit()
    build_search_index(archive.db)
    for query in queries:
        found = search_ids(archive.db, query)
        assert len(found) == len(set(found))
        assert set(found) == _phrase_reference(archive.db.conn, query), query
        if query.strip() and all("\u4e00" <= c <= "\u9fff" for c in query) and len(query) > 1:
            # a Chinese query without spaces: exactly the reports whose title or text holds it
            wanted = normalize_text(query)
            assert set(found) == {i for i, title, text in archive.db.execute("select id, title, text from reports")
                                  if any(wanted in normalize_text(x or "") for x in (title, text))}, query
    archive.close()


def test_a_report_parsed_again_to_other_tables_has_exactly_its_new_cells_and_no_layout_is_left_unused(tmp_path):
    from archive.parsing.model import Cell, ParsedReport

    archive = Archive(tmp_path / "a.db")
    ids = []
    for n in range(2):
        snapshot = archive.store_snapshot(url=f"http://x/{n}", body=b"<p>%d</p>" % n, status=200, content_type=None)
        ids.append(archive.record_report(snapshot=snapshot, source="s", kind="page", title=None, year=None))
    blank, granted = Cell("requests", "granted", "total", "", None, None, "blank"), \
        Cell("requests", "granted", "natural_person", "3", 3, None, "ok")
    shown = Cell("active", "regulations", "issued", "", None, None, "blank")
    for report_id in ids:
        archive.store_parsed(report_id, ParsedReport(cells=[blank, granted]))
    assert archive.db.execute("select count(*) from cell_layouts").fetchone() == (1,)
    archive.store_parsed(ids[0], ParsedReport(cells=[shown]))  # the other report keeps the first layout
    archive.store_parsed(ids[1], ParsedReport(cells=[shown, granted]))
    cells = archive.db.execute("select report_id, table_key, row_key, col_key, raw_text, value, status "
                               "from report_cells order by 1, 2, 3, 4").fetchall()
    assert cells == [(ids[0], "active", "regulations", "issued", "", None, "blank"),
                     (ids[1], "active", "regulations", "issued", "", None, "blank"),
                     (ids[1], "requests", "granted", "natural_person", "3", 3, "ok")]
    # The first layout is used by no report now: dropped with its keys; the two new ones are kept.
    layouts = archive.db.execute("select key_ids from cell_layouts order by id").fetchall()
    assert len(layouts) == 2 and archive.db.execute(
        "select count(*) from cell_layout_keys where layout_id not in (select id from cell_layouts)").fetchone() == (0,)
    assert archive.db.execute("select count(*) from report_cell_values").fetchone() == (1,)  # the 3 alone
    archive.close()
