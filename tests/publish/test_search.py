"""Chinese full-text search through the character-bigram FTS5 index."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.publish.search import (
    build_search_index,
    fts_query,
    grams,
    search_ids,
    snippet,
)
from archive.normalize import normalize_text
from archive.store import Archive

_CJK = re.compile(r"[\u4e00-\u9fff]+")


def test_grams_split_chinese_runs_into_overlapping_bigrams_and_keep_other_words():
    assert grams("行政复议 2020年 PDF") == "行政 政复 复议 议 2020 年 pdf"


def test_grams_convert_traditional_script_to_simplified():
    assert grams("行政復議") == "行政 政复 复议 议"


def test_fts_query_is_the_and_of_the_bigrams_of_every_term():
    assert fts_query("行政复议") == '"行政" "政复" "复议"'
    assert fts_query("复议 诉讼") == '"复议" "诉讼"'
    assert fts_query("复议复议") == '"复议" "议复"'


def test_fts_query_of_one_character_is_a_prefix_query():
    assert fts_query("复") == '"复"*'


def test_one_character_query_finds_a_character_that_only_ends_a_run(tmp_path):
    db = _archive_with_texts(tmp_path / "a.db", {"http://a/1": "行政复议，", "http://a/2": "議", "http://a/3": "行政"})
    build_search_index(db)
    assert sorted(search_ids(db, "议")) == [1, 2]
    assert sorted(search_ids(db, "政")) == [1, 3]


def test_an_index_of_older_tokens_is_rebuilt(tmp_path):
    db = _archive_with_texts(tmp_path / "a.db", {"http://a/1": "行政复议", "http://a/2": "行政诉讼"})
    assert build_search_index(db) == 2
    db.execute("update report_search set digest = 'of an older tokenizer' where report_id = 1")
    assert build_search_index(db) == 2  # every report: a contentless index is rebuilt whole
    assert sorted(search_ids(db, "讼")) == [2]


def test_the_index_can_be_counted_and_an_unscannable_one_is_rebuilt(tmp_path):
    db = _archive_with_texts(tmp_path / "a.db", {"http://a/1": "行政复议", "http://a/2": "行政诉讼"})
    # The layout of before: no column sizes, which SQLite refuses to scan (and Datasette counts tables).
    db.execute("create virtual table report_search_fts using fts5(title, text, content='', detail=none, "
               "columnsize=0)")
    db["report_search"].create({"report_id": int, "digest": str}, pk="report_id")
    assert build_search_index(db) == 2
    assert db.execute("select count(*) from report_search_fts").fetchone()[0] == 2
    assert sorted(search_ids(db, "诉讼")) == [2]


def test_fts_query_of_punctuation_only_is_none():
    assert fts_query("，。 ") is None


def _archive_with_texts(path, texts: dict[str, str]) -> sqlite_utils.Database:
    archive = Archive(path)
    for url, text in texts.items():
        snapshot = archive.store_snapshot(url=url, body=text.encode(), status=200, content_type="text/plain")
        report_id = archive.record_report(snapshot=snapshot, source=None, kind="page", title=None, year=None)
        archive.db["reports"].update(report_id, {"title": url})
        archive.set_report_text(report_id, text)
    archive.commit()
    return archive.db


def test_two_character_query_finds_exactly_the_reports_containing_it(tmp_path):
    db = _archive_with_texts(tmp_path / "a.db", {
        "http://a/1": "本年度行政复议案件2件",  # contains 复议
        "http://a/2": "本年度未发生行政诉讼",  # does not
        "http://a/3": "被申請行政復議1件",  # traditional script
        "http://a/4": "复 议",  # the two characters, but not adjacent
    })
    assert build_search_index(db) == 4
    assert sorted(search_ids(db, "复议")) == [1, 3]
    assert sorted(search_ids(db, "行政复议案件")) == [1]
    assert sorted(search_ids(db, "行政 诉讼")) == [2]
    assert sorted(search_ids(db, "行政")) == [1, 2, 3]


def test_build_search_index_reindexes_only_changed_and_drops_deleted_reports(tmp_path):
    db = _archive_with_texts(tmp_path / "a.db", {"http://a/1": "行政复议", "http://a/2": "行政诉讼"})
    assert build_search_index(db) == 2
    assert build_search_index(db) == 0
    writer = Archive(tmp_path / "a.db")
    writer.set_report_text(2, "政府信息公开")
    writer.close()
    db.execute("delete from reports where id = 1")
    assert build_search_index(db) == 1
    assert search_ids(db, "复议") == []
    assert search_ids(db, "信息公开") == [2]
    assert db["report_search"].count == 1


def test_snippet_shows_the_text_around_the_first_term():
    text = "一、总体情况\n" + "甲" * 50 + "行政复议" + "乙" * 50
    assert snippet(text, "复议", width=3) == "…甲行政复议乙乙乙…"


def test_search_of_the_fixture_archive_finds_traditional_and_simplified_reports(fixture_archive):
    db = sqlite_utils.Database(fixture_archive.path)
    ids = fixture_archive.ids
    assert set(search_ids(db, "复议")) == {ids[k] for k in (
        "shanghai_2019", "shanghai_2019_v2", "shanghai_2020", "quzhou_2019", "haian_2020", "hongze_2023",
        "pingtan_2020", "hostile")}
    assert set(search_ids(db, "上海市人民政府办公厅")) == {ids["shanghai_2019"], ids["shanghai_2019_v2"],
                                                   ids["shanghai_2020"]}


# Characters the generated texts are made of: Chinese (some traditional), digits, Latin, spaces and
# punctuation, so that runs of Chinese characters of every length occur and break.
ALPHABET = "行政复议诉讼公开申请復議訟开" + "0123456789" + "ab" + " \n，。、"
QUERY_ALPHABET = "行政复议诉讼公开申请復議訟"


@pytest.fixture(scope="module")
def search_archive(tmp_path_factory) -> Iterator[Archive]:
    """One archive for every example: each example replaces its reports."""
    archive = Archive(tmp_path_factory.mktemp("search") / "a.db")
    yield archive
    archive.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(ALPHABET, max_size=60), min_size=1, max_size=8),
       queries=st.lists(st.lists(st.text(QUERY_ALPHABET, min_size=2, max_size=4), min_size=1, max_size=2),
                        min_size=1, max_size=6),
       data=st.data())
def test_search_finds_exactly_the_reports_containing_every_term(search_archive, texts, queries, data):
    archive, db = search_archive, search_archive.db
    db.execute("delete from reports")
    for text in texts:  # the example's own urls: a snapshot is never shared with an earlier example
        url = f"http://s/{db.execute('select count(*) from snapshots').fetchone()[0]}"
        snapshot = archive.store_snapshot(url=url, body=text.encode(), status=200, content_type="text/plain")
        report_id = archive.record_report(snapshot=snapshot, source=None, kind="page", title=None, year=None)
        archive.set_report_text(report_id, text)
    archive.commit()
    build_search_index(db)
    reports = db.execute("select id, text from reports").fetchall()
    # Also terms that surely occur: slices of the texts.
    queries += [[data.draw(st.sampled_from(texts))[start:start + 3]] for start in (0, 5)]
    queries += [[character] for character in data.draw(st.lists(st.sampled_from(QUERY_ALPHABET), max_size=3))]
    for query in queries:
        wanted = sorted(report_id for report_id, text in reports
                        if all(normalize_text(term) in normalize_text(text) for term in query))
        if fts_query(" ".join(query)) is None:  # a slice without a Chinese character: nothing to search
            continue
        if any(not _CJK.fullmatch(term) for term in query):
            continue  # a term that is not all Chinese characters: not this property's concern
        assert sorted(search_ids(db, " ".join(query))) == wanted, query


def test_a_new_report_is_indexed_alone_and_found_with_the_others(tmp_path):
    db = _archive_with_texts(tmp_path / "a.db", {"http://a/1": "行政复议", "http://a/2": "行政诉讼"})
    assert build_search_index(db) == 2
    writer = Archive(tmp_path / "a.db")
    snapshot = writer.store_snapshot(url="http://a/3", body="复议".encode(), status=200, content_type="text/plain")
    report_id = writer.record_report(snapshot=snapshot, source=None, kind="page", title=None, year=None)
    writer.set_report_text(report_id, "申请复议")
    writer.close()
    assert build_search_index(db) == 1
    assert sorted(search_ids(db, "复议")) == [1, report_id]
    assert sorted(search_ids(db, "行政")) == [1, 2]
    assert build_search_index(db) == 0
