"""The search index kept as parse results are stored: index_grams, SearchIndexWriter."""

from __future__ import annotations

import sqlite3
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.parse_pool import ParseTask, parse_task, WorkerOptions
from archive.parsed_reports import store_result
from archive.publish.search import (TOKENIZER, SearchIndexWriter, build_search_index, grams, index_grams, search_entry,
                                    search_ids)
from archive.store import Archive

# Chinese in both scripts and every kind of run end, Latin words in both cases, digits, the
# underscore that splits a word, full-width letters (NFKC), combining marks, punctuation, spaces.
_PIECES = st.sampled_from(["行政", "复议", "復議", "訟", "公开", "年", "Ａｂ", "PDF", "pdf", "2020", "x_y", "_",
                           "é", "e\u0301", "İ", "，", "。", " ", "\n", "\u3000", "·", "（一）"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_index_grams_are_the_tokens_of_grams_as_often(text):
    assert Counter(index_grams(text).split()) == Counter(grams(text).split())


def test_index_grams_give_bigrams_and_run_ends_in_text_order_then_words():
    assert index_grams("行政复议 2020年 PDF，诉讼").split() == ["行政", "政复", "复议", "议", "年", "诉讼", "讼",
                                                            "2020", "pdf"]
    assert (index_grams("").split(), index_grams("PDF 2020").split(), index_grams("年").split()) == (
        [], ["pdf", "2020"], ["年"])


def _fts_index(texts: list[str]) -> tuple[list, list]:
    """The segments and sizes of a positionless FTS5 index (the archive's) holding `texts`."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"create virtual table f using fts5(text, content='', detail=none, tokenize='{TOKENIZER}')")
    conn.executemany("insert into f (rowid, text) values (?, ?)", enumerate(texts, 1))
    return (conn.execute("select * from f_data order by id").fetchall(),
            conn.execute("select * from f_docsize order by id").fetchall())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=40).map("".join), min_size=1, max_size=4))
def test_an_index_of_index_grams_is_byte_for_byte_an_index_of_grams(texts):
    assert _fts_index([index_grams(text) for text in texts]) == _fts_index([grams(text) for text in texts])


def _stored_report(archive: Archive, url: str, text: str) -> int:
    snapshot = archive.store_snapshot(url=url, body=text.encode(), status=200, content_type="text/plain")
    return archive.record_report(snapshot=snapshot, source=None, kind="page", title=None, year=None)


def _parse_and_store(archive: Archive, report_id: int, index: SearchIndexWriter) -> None:
    archive.commit()
    outcome = parse_task(Archive(archive.path, readonly=True), ParseTask("report", report_id),
                         WorkerOptions(str(archive.path), search=True))
    assert outcome.search is not None
    with archive.unit():
        store_result(archive, ParseTask("report", report_id), outcome, index=index)
    archive.commit()


def test_reports_are_indexed_as_they_are_stored_and_nothing_is_left_for_the_end(tmp_path, caplog):
    archive = Archive(tmp_path / "a.db")
    first = _stored_report(archive, "http://a/1", "某市2023年政府信息公开工作年度报告\n本年度行政复议案件2件")
    second = _stored_report(archive, "http://a/2", "某县2023年政府信息公开工作年度报告\n本年度未发生行政诉讼")
    index = SearchIndexWriter(archive.db, batch=2)
    _parse_and_store(archive, first, index)
    assert not archive.db["report_search"].exists()  # held until the batch is full
    _parse_and_store(archive, second, index)
    assert archive.db["report_search"].count == 2
    assert build_search_index(archive.db) == 0  # the digests are those of the stored title and text
    assert search_ids(archive.db, "复议") == [first]
    assert sorted(search_ids(archive.db, "某县")) == [second]
    # Parsed again (a reparse): an indexed report is left to build_search_index, never indexed twice.
    caplog.clear()
    _parse_and_store(archive, first, index)
    assert index.flush() == 0
    assert [r.message for r in caplog.records if r.name == "archive.publish.search"] == []
    assert archive.db.execute("select count(*) from report_search_fts_docsize").fetchone()[0] == 2
    archive.set_report_text(first, "申请公开")
    archive.commit()
    assert build_search_index(archive.db) == 2
    assert search_ids(archive.db, "复议") == []
    assert search_ids(archive.db, "申请") == [first]


def test_a_batch_the_index_cannot_take_is_left_whole_for_the_end(tmp_path):
    archive = Archive(tmp_path / "a.db")
    assert build_search_index(archive.db) == 0  # the index's tables, empty
    archive.db.execute("create trigger refuse before insert on report_search when new.report_id = 2 "
                       "begin select raise(abort, 'full'); end")
    texts = {_stored_report(archive, f"http://a/{n}", text): text for n, text in enumerate(["行政复议", "行政诉讼"])}
    for report_id, text in texts.items():
        archive.set_report_text(report_id, text)
    index = SearchIndexWriter(archive.db, batch=5)
    with archive.unit():
        for report_id, text in texts.items():
            index.add(report_id, search_entry(archive.db["reports"].get(report_id)["title"], text))
        assert index.flush() == 0
    archive.commit()
    # Neither the tokens (the first report's went in first) nor the digests; the reports' own rows stay.
    assert archive.db.execute("select count(*) from report_search_fts_docsize").fetchone()[0] == 0
    assert archive.db["report_search"].count == 0
    assert archive.db["reports"].count == 2
    archive.db.execute("drop trigger refuse")
    assert build_search_index(archive.db) == 2
    assert search_ids(archive.db, "复议") == [1]
    assert search_ids(archive.db, "诉讼") == [2]
    assert index.flush() == 0  # nothing held back


def test_a_report_parsed_twice_in_one_batch_is_indexed_as_last_stored(tmp_path):
    archive = Archive(tmp_path / "a.db")
    report_id = _stored_report(archive, "http://a/1", "行政复议")
    title = archive.db["reports"].get(report_id)["title"]
    index = SearchIndexWriter(archive.db, batch=5)
    index.add(report_id, search_entry(title, "行政复议"))
    archive.set_report_text(report_id, "行政诉讼")
    index.add(report_id, search_entry(title, "行政诉讼"))
    assert index.flush() == 1
    archive.commit()
    assert build_search_index(archive.db) == 0
    assert search_ids(archive.db, "诉讼") == [report_id]
    assert search_ids(archive.db, "复议") == []


def test_parser_processes_make_search_tokens_only_when_asked(tmp_path):
    archive = Archive(tmp_path / "a.db")
    report_id = _stored_report(archive, "http://a/1", "某市2023年政府信息公开工作年度报告\n本年度行政复议案件2件")
    archive.commit()
    reader, task = Archive(archive.path, readonly=True), ParseTask("report", report_id)
    assert parse_task(reader, task, WorkerOptions(str(archive.path))).search is None
    asked = parse_task(reader, task, WorkerOptions(str(archive.path), search=True))
    assert asked.parsed.title == "某市2023年政府信息公开工作年度报告"
    assert asked.search == search_entry("某市2023年政府信息公开工作年度报告", asked.parsed.text)


def test_a_batch_is_written_once_its_tokens_reach_the_character_budget(tmp_path):
    archive = Archive(tmp_path / "a.db")
    ids = [_stored_report(archive, f"http://a/{n}", "行政复议" * 10) for n in range(3)]
    entries = [search_entry(archive.db["reports"].get(i)["title"], "行政复议" * 10) for i in ids]
    size = len(entries[0].title) + len(entries[0].text)
    index = SearchIndexWriter(archive.db, batch=50, batch_chars=2 * size)
    index.add(ids[0], entries[0])
    assert not archive.db["report_search"].exists()
    index.add(ids[1], entries[1])  # two reports' tokens: the budget
    assert archive.db["report_search"].count == 2
    index.add(ids[2], entries[2])
    assert archive.db["report_search"].count == 2
    assert index.flush() == 1


def test_a_report_parsed_again_in_a_batch_counts_once_against_its_budget(tmp_path):
    archive = Archive(tmp_path / "a.db")
    first, second = (_stored_report(archive, f"http://a/{n}", "行政复议") for n in range(2))
    entry = search_entry(archive.db["reports"].get(first)["title"], "行政复议")
    index = SearchIndexWriter(archive.db, batch=50, batch_chars=2 * (len(entry.title) + len(entry.text)))
    index.add(first, entry)
    index.add(first, entry)  # the same report again: still one report's tokens held
    assert not archive.db["report_search"].exists()
    index.add(second, search_entry(archive.db["reports"].get(second)["title"], "行政复议"))
    assert archive.db["report_search"].count == 2
