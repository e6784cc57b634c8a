"""A parser process makes the store's rows (cells, checks, the text compressed against its page):
what the writer then stores is exactly what it stores from the parse itself, for every kind of
document, and a write that fails leaves no key id behind that later rows would point at."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import archive.store as store
from archive.parse_pool import ParseOutcome, ParseTask, WorkerOptions, parse_task
from archive.parsed_reports import parse_document, store_result
from archive.parsing.model import Cell, ParsedReport
from archive.store import Archive
from tests.support.fixture_files import document_path, fixture_path

PARSED_AT = "2026-12-07T00:00:00.000Z"
HTML = "text/html; charset=utf-8"
# (name, bytes, content type): HTML pages, one in GBK (its text is compressed against the page
# decoded), text documents, a PDF and a Word file.
DOCUMENTS = [
    ("pingtan_001", fixture_path("pingtan/001.html").read_bytes(), HTML),
    ("pingtan_007", fixture_path("pingtan/007.html").read_bytes(), HTML),
    ("shanghai_021", fixture_path("corpus_021.html").read_bytes(), HTML),
    ("shanghai_021_gbk", fixture_path("corpus_021.html").read_text("utf-8").replace("utf-8", "gbk")
     .replace("UTF-8", "gbk").encode("gbk", "replace"), "text/html; charset=gbk"),
    ("seed_003", fixture_path("seed_003.txt").read_bytes(), "text/plain; charset=utf-8"),
    ("corpus_039", fixture_path("corpus_039.txt").read_bytes(), "text/plain; charset=utf-8"),
    ("hongze_022", document_path("022.pdf").read_bytes(), "application/pdf"),
    ("seed_000", document_path("seed_000.docx").read_bytes(),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]


def _archive(path: Path) -> tuple[Archive, list[ParseTask]]:
    """The same documents in every archive built here: one report each, and a flipbook in two parts
    (pending, its text compressed against its book page, not against a part)."""
    archive = Archive(path)
    tasks = []
    for name, body, content_type in DOCUMENTS:
        snapshot = archive.store_snapshot(url=f"http://x/{name}", body=body, status=200, content_type=content_type)
        tasks.append(ParseTask("report", archive.record_report(snapshot=snapshot, source="s", kind="page",
                                                               title=None, year=None)))
    book = archive.store_snapshot(url="http://x/book/index.html", body=fixture_path("corpus_021.html").read_bytes(),
                                  status=200, content_type=HTML)
    parts = [archive.store_snapshot(url=f"http://x/book/{n}.txt", body=part.encode("utf-8"), status=200,
                                    content_type="text/plain; charset=utf-8").id
             for n, part in enumerate(_halves(fixture_path("seed_003.txt").read_text("utf-8")), start=1)]
    document_id = archive.record_pending_document(snapshot=book, kind="flipbook", source="s", year=2019,
                                                  title="2019年政府信息公开工作年度报告", parts=parts)
    tasks.append(ParseTask("document", document_id))
    archive.commit()
    return archive, tasks


def _halves(text: str) -> list[str]:
    middle = text.index("\n", len(text) // 2)
    return [text[:middle], text[middle:]]


def _stored(archive: Archive) -> dict[str, list[tuple]]:
    """Everything a parse result writes, as rows."""
    fields = ", ".join([*store.PARSED_FIELDS, "metadata", "notes", "parsed_at", "stored_text", "text"])
    queries = {
        "reports": f"select id, {fields} from reports order by id",
        "cells": "select * from report_cells order by report_id, table_key, row_key, col_key",
        "checks": "select * from report_checks order by report_id, identity",
        "sections": "select report_id, section, char_start, char_end, text from report_sections order by 1, 2",
        "documents": "select id, status, report_id from pending_documents order by id",
        "keys": "select * from cell_keys order by id",
    }
    return {name: archive.db.execute(sql).fetchall() for name, sql in queries.items()}


def test_rows_made_by_the_parser_process_store_what_the_parse_itself_stores(tmp_path):
    by_worker, tasks = _archive(tmp_path / "worker.db")
    by_writer, same_tasks = _archive(tmp_path / "writer.db")
    assert tasks == same_tasks
    options = WorkerOptions(str(tmp_path / "worker.db"))
    for task in tasks:
        outcome = parse_task(by_worker, task, options)
        assert outcome.rows is not None and outcome.parsed.cells == [] and outcome.parsed.checks == []
        store_result(by_worker, task, outcome, PARSED_AT)
        document = (by_writer.report_document(task.id) if task.kind == "report"
                    else by_writer.pending_document(task.id).document)
        store_result(by_writer, task, ParseOutcome(parse_document(document)), PARSED_AT)
    worker, writer = _stored(by_worker), _stored(by_writer)
    # Every document gave something to compare: cells from the tables, texts from every document.
    assert len(worker["reports"]) == len(DOCUMENTS) + 1
    assert all(row[-1] for row in worker["reports"]) and len(worker["cells"]) > 1000
    assert worker["documents"] == [(1, "report", len(DOCUMENTS) + 1)]
    assert worker == writer


def test_rows_made_against_another_snapshot_have_their_text_compressed_again(tmp_path):
    archive, tasks = _archive(tmp_path / "a.db")
    first, second = tasks[0].id, tasks[1].id
    parsed = parse_document(archive.report_document(first))
    other = archive.report_document(second).snapshot_id
    rows = archive.parse_rows(parsed, other)
    archive.store_parsed(first, dataclasses.replace(parsed, cells=[], checks=[]), PARSED_AT, rows)
    expected = archive.parse_rows(parsed, archive.report_document(first).snapshot_id)
    stored, text = archive.db.execute("select stored_text, text from reports where id = ?", [first]).fetchone()
    assert (stored, text) == (expected.stored_text, parsed.text)
    assert stored != rows.stored_text


def test_a_write_that_fails_forgets_the_key_ids_it_assigned(tmp_path, monkeypatch):
    archive, tasks = _archive(tmp_path / "a.db")
    report_id = tasks[0].id
    new_key = ParsedReport(cells=[Cell("active", "a_row_no_report_has", "total", "7", 7, None, "ok")])

    def failing(text, sections):  # read while writing, after the cells
        raise RuntimeError("disk full")
        yield

    monkeypatch.setattr(store, "section_spans", failing)
    with pytest.raises(RuntimeError):
        archive.store_parsed(report_id, new_key, PARSED_AT)
    monkeypatch.undo()
    assert archive.db.execute("select count(*) from cell_keys where row_key = 'a_row_no_report_has'").fetchone() == (0,)
    archive.store_parsed(report_id, new_key, PARSED_AT)
    assert archive.db.execute("select row_key, value from report_cells where report_id = ?",
                              [report_id]).fetchall() == [("a_row_no_report_has", 7)]
