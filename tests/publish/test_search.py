"""Chinese full-text search through the character-bigram FTS5 index."""

from __future__ import annotations

import sqlite_utils

from archive.publish.search import (
    build_search_index,
    fts_query,
    grams,
    search_ids,
    snippet,
)
from archive.store import Archive


def test_grams_split_chinese_runs_into_overlapping_bigrams_and_keep_other_words():
    assert grams("行政复议 2020年 PDF") == "行政 政复 复议 2020 年 pdf"


def test_grams_convert_traditional_script_to_simplified():
    assert grams("行政復議") == "行政 政复 复议"


def test_fts_query_is_the_and_of_the_bigrams_of_every_term():
    assert fts_query("行政复议") == '"行政" "政复" "复议"'
    assert fts_query("复议 诉讼") == '"复议" "诉讼"'
    assert fts_query("复议复议") == '"复议" "议复"'


def test_fts_query_of_one_character_is_a_prefix_query():
    assert fts_query("复") == '"复"*'


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
