"""Every report and cell names the capture it came from; the report view says how to cite it."""

from __future__ import annotations

import pytest

import asyncio
import sqlite3

import lxml.html
from datasette.app import Datasette

from archive.publish.citation import capture_citation
from archive.publish.cli import PLUGINS_DIR, SETTINGS, TEMPLATES_DIR, prepare_database
from archive.store import Archive
from tests.support.archive_copies import copy_archive, rows

pytestmark = [pytest.mark.slow, pytest.mark.crawl]


def test_every_cell_names_its_snapshot_url_time_and_warc_record(exported):
    cells = rows(exported.db, "select * from cell_captures")
    assert len(cells) == len(rows(exported.db, "select 1 from report_cells")) > 1000
    expected = {r["report_id"]: r for r in rows(
        exported.db, "select r.id as report_id, s.id as snapshot_id, s.url, s.fetched_at, s.sha256, w.record_id "
                     "from reports r join snapshots s on s.id = r.snapshot_id join warc_records w on "
                     "w.snapshot_id = s.id and w.warc_type in ('response', 'revisit') and w.direction = 'export'")}
    for cell in cells:
        capture = expected[cell["report_id"]]
        assert (cell["snapshot_id"], cell["url"], cell["fetched_at"], cell["sha256"], cell["warc_record_id"]) == \
            (capture["snapshot_id"], capture["url"], capture["fetched_at"], capture["sha256"], capture["record_id"])
    assert {c["warc_file"] for c in cells} == {"archive.warc.gz"}


def test_before_any_export_the_capture_is_named_without_a_record(crawled, tmp_path):
    db = copy_archive(crawled.db, tmp_path)
    Archive(db).close()  # an archive opened by this version has the views
    captures = rows(db, "select * from report_captures")
    assert len(captures) == 12 and {c["warc_record_id"] for c in captures} == {None}


def test_the_citation_names_the_capture_and_its_record(exported):
    (report,) = rows(exported.db, "select r.id, r.title, r.agency, s.id as sid, s.url, s.fetched_at, s.sha256 "
                                  "from reports r join snapshots s on s.id = r.snapshot_id "
                                  "where r.title = '2019年上海市人民政府办公厅政府信息公开工作年度报告'")
    (record,) = rows(exported.db, "select warc_record_id from report_captures where report_id = ?", report["id"])
    connection = sqlite3.connect(exported.db)
    citation = capture_citation(connection, report["id"])
    connection.close()
    assert citation.text() == (
        f"{report['agency']}. {report['title']}. Captured {report['fetched_at']} from {report['url']}. "
        f"gov-reports snapshot {report['sid']}, sha256:{report['sha256']}. "
        f"WARC-Record-ID {record['warc_record_id']} in archive.warc.gz.")


def test_the_report_view_shows_cite_this_capture(exported, tmp_path):
    db = copy_archive(exported.db, tmp_path)
    prepare_database(db)
    datasette = Datasette(immutables=[str(db)], plugins_dir=str(PLUGINS_DIR), template_dir=str(TEMPLATES_DIR),
                          settings=dict(SETTINGS))
    (report,) = rows(db, "select report_id, snapshot_id, sha256, warc_record_id from report_captures "
                         "where report_id = (select min(id) from reports)")
    response = asyncio.new_event_loop().run_until_complete(
        datasette.client.get(f"/{db.stem}/-/report/{report['report_id']}"))
    assert response.status_code == 200
    page = lxml.html.document_fromstring(response.text)
    assert page.get_element_by_id("cite").text_content() == "Cite this capture"
    assert page.find_class("cite-warc")[0].text_content() == f"{report['warc_record_id']} in archive.warc.gz"
    assert page.find_class("cite-snapshot")[0].text_content() == f"{report['snapshot_id']} · sha256 {report['sha256']}"
    assert report["warc_record_id"] in page.find_class("cite-text")[0].text_content()
