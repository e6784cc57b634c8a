"""Cells, checks and report texts in the compact shape read back exactly as they were written, and the
positionless search index answers exactly what the positional phrase index answered."""

from __future__ import annotations

import sqlite3

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.normalize import normalize_text
from archive.compression import compress_text, decompress_text, text_basis
from archive.publish.search import build_search_index, grams, search_ids, terms
from archive.store import CELL_COLUMNS, CHECK_COLUMNS, Archive

KEYS = st.sampled_from(["a", "b", "requests"])
NUMBERS = st.none() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False, width=32)
RAW = st.none() | st.sampled_from(["", "13", "1,234", "25.1", "251000元", "-"])


@st.composite
def cells(draw) -> list[tuple]:
    keys = draw(st.lists(st.tuples(KEYS, KEYS, KEYS), unique=True, max_size=12))
    rows = []
    for table_key, row_key, col_key in keys:
        value = draw(NUMBERS)
        raw = draw(RAW | st.just(None if value is None else str(value)))
        rows.append((1, table_key, row_key, col_key, raw, value, draw(st.none() | st.just("件")),
                     draw(st.sampled_from(["ok", "empty", "guess"])), draw(st.none() | st.just("2019"))))
    return rows


@st.composite
def checks(draw) -> list[tuple]:
    identities = draw(st.lists(st.sampled_from(["I1:a", "I1:b", "I3:granted"]), unique=True))
    return [(1, identity, draw(st.sampled_from(["pass", "fail", "empty"])), draw(NUMBERS),
             draw(st.sampled_from(["hard", "soft"])), draw(st.none() | st.just("差 2")))
            for identity in identities]


def _typed(rows) -> list[tuple]:
    return sorted(tuple((type(v).__name__, v) for v in row) for row in rows)


def _as_the_tables_kept_them(db, cells: list[tuple], checks: list[tuple]) -> tuple[list, list]:
    """The rows as schema 2's tables returned them (value and difference with NUMERIC affinity)."""
    db.execute("create temp table old_cells (report_id integer, table_key text, row_key text, col_key text, "
               "raw_text text, value any, unit text, status text, table_format text)")
    db.execute("create temp table old_checks (report_id integer, identity text, result text, difference any, "
               "severity text, detail text)")
    db.executemany("insert into old_cells values (?, ?, ?, ?, ?, ?, ?, ?, ?)", cells)
    db.executemany("insert into old_checks values (?, ?, ?, ?, ?, ?)", checks)
    return (db.execute("select * from old_cells").fetchall(), db.execute("select * from old_checks").fetchall())


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(written_cells=cells(), written_checks=checks(), through_view=st.booleans())
def test_cells_and_checks_read_back_through_the_views_exactly(tmp_path_factory, written_cells, written_checks,
                                                              through_view):
    archive = Archive(tmp_path_factory.mktemp("rows") / "a.db")
    if through_view:  # the published names stay writable (INSTEAD OF triggers)
        archive.db.conn.executemany(f"insert into report_cells ({', '.join(CELL_COLUMNS)}) values "
                                    f"({', '.join('?' * len(CELL_COLUMNS))})", written_cells)
        archive.db.conn.executemany(f"insert into report_checks ({', '.join(CHECK_COLUMNS)}) values "
                                    f"({', '.join('?' * len(CHECK_COLUMNS))})", written_checks)
    else:
        archive.rows.write_cells(written_cells)
        archive.rows.write_checks(written_checks)
    read_cells = archive.db.execute(f"select {', '.join(CELL_COLUMNS)} from report_cells").fetchall()
    read_checks = archive.db.execute(f"select {', '.join(CHECK_COLUMNS)} from report_checks").fetchall()
    kept_cells, kept_checks = _as_the_tables_kept_them(archive.db.conn, written_cells, written_checks)
    assert _typed(read_cells) == _typed(kept_cells)
    assert _typed(read_checks) == _typed(kept_checks)
    archive.db.execute("delete from report_cells where table_key = 'a'")
    assert _typed(archive.db.execute("select * from report_cells").fetchall()) == _typed(
        [row for row in kept_cells if row[1] != "a"])
    archive.close()


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
