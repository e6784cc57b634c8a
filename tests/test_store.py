"""The archive keeps bytes exactly, never overwrites, and stays consistent when a writer dies."""

import hashlib
import multiprocessing
import os
import signal
import sqlite3

import pytest

from archive.store import Archive, Fetch, StoredSnapshot, Validators, connect_archive, utc_now

GBK_PAGE = "<html><head><meta charset='gbk'></head><body>政府信息公开工作年度报告</body></html>".encode("gbk")


def test_snapshot_bytes_are_kept_exactly(tmp_path):
    archive = Archive(tmp_path / "a.db")
    body = b"\xef\xbb\xbf<html>\r\n\x00\xff" + GBK_PAGE
    snapshot = archive.store_snapshot(url="http://x/1", body=body, status=200, content_type="text/html")
    archive.close()
    row = connect_archive(tmp_path / "a.db").execute(
        "select body, sha256, size from snapshots where id = ?", [snapshot.id]).fetchone()
    assert row == (body, hashlib.sha256(body).hexdigest(), len(body))


def test_same_bytes_add_no_snapshot_and_changed_bytes_keep_the_old(tmp_path):
    archive = Archive(tmp_path / "a.db")
    first = archive.store_snapshot(url="http://x/r", body=b"v1", status=200, content_type="text/html")
    again = archive.store_snapshot(url="http://x/r", body=b"v1", status=200, content_type="text/html")
    changed = archive.store_snapshot(url="http://x/r", body=b"v2", status=200, content_type="text/html")
    other_url = archive.store_snapshot(url="http://x/s", body=b"v1", status=200, content_type="text/html")
    assert (first.is_new, again.is_new, changed.is_new, other_url.is_new) == (True, False, True, True)
    assert again.id == first.id
    rows = list(archive.db.query("select url, body, previous_id from snapshots order by id"))
    assert rows == [
        {"url": "http://x/r", "body": b"v1", "previous_id": None},
        {"url": "http://x/r", "body": b"v2", "previous_id": first.id},
        {"url": "http://x/s", "body": b"v1", "previous_id": None},
    ]


def test_encoding_recorded_for_gbk_page(tmp_path):
    archive = Archive(tmp_path / "a.db")
    snapshot = archive.store_snapshot(url="http://x/g", body=GBK_PAGE, status=200, content_type="text/html")
    pdf = archive.store_snapshot(url="http://x/p.pdf", body=b"%PDF-1.4", status=200,
                                 content_type="application/pdf")
    encodings = {r["id"]: r["encoding"] for r in archive.db.query("select id, encoding from snapshots")}
    assert encodings == {snapshot.id: "gb18030", pdf.id: None}


def test_fetch_links_to_snapshot(tmp_path):
    archive = Archive(tmp_path / "a.db")
    fetch_id = archive.record_fetch(Fetch(url="http://x/r", requested_at=utc_now(), status=200, bytes=2,
                                          redirect_chain=("http://x/old",)))
    failed = archive.record_fetch(Fetch(url="http://x/dead", requested_at=utc_now(),
                                        error="DNSLookupError: no such host"))
    snapshot = archive.store_snapshot(url="http://x/r", body=b"v1", status=200, content_type=None,
                                      fetch_id=fetch_id)
    rows = list(archive.db.query("select id, status, error, redirect_chain, snapshot_id from fetches"))
    assert rows == [
        {"id": fetch_id, "status": 200, "error": None, "redirect_chain": '["http://x/old"]',
         "snapshot_id": snapshot.id},
        {"id": failed, "status": None, "error": "DNSLookupError: no such host", "redirect_chain": None,
         "snapshot_id": None},
    ]


def test_report_recorded_once_per_snapshot(tmp_path):
    archive = Archive(tmp_path / "a.db")
    snapshot = archive.store_snapshot(url="http://x/r", body=b"v1", status=200, content_type=None)
    first = archive.record_report(snapshot=snapshot, source="s", kind="page", title="t", year=2023)
    second = archive.record_report(snapshot=snapshot, source="s", kind="page", title="t", year=2023)
    assert first == second
    assert archive.report_urls() == {"http://x/r"}


def _write_then_die(path: str, committed: int, ready) -> None:
    archive = Archive(path, batch_writes=10_000, batch_seconds=3600)
    for n in range(committed):
        archive.store_snapshot(url=f"http://x/{n}", body=b"x" * n, status=200, content_type=None)
    archive.commit()
    for n in range(committed, committed + 25):  # an open batch that is never committed
        archive.store_snapshot(url=f"http://x/{n}", body=b"y" * n, status=200, content_type=None)
    ready.set()
    signal.pause()


def test_kill_9_keeps_committed_batches_and_drops_the_open_one(tmp_path):
    path = str(tmp_path / "a.db")
    ready = multiprocessing.Event()
    writer = multiprocessing.Process(target=_write_then_die, args=(path, 40, ready))
    writer.start()
    assert ready.wait(30)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join()
    db = sqlite3.connect(path)
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert db.execute("select count(*), max(size) from snapshots").fetchone() == (40, 39)
    archive = Archive(path)  # reopens and goes on writing after the crash
    archive.store_snapshot(url="http://x/0", body=b"", status=200, content_type=None)
    archive.close()
    assert sqlite3.connect(path).execute("select count(*) from snapshots").fetchone() == (40,)


def test_the_encoding_the_crawler_decoded_with_is_recorded_as_given(tmp_path):
    archive = Archive(tmp_path / "a.db")
    given = archive.store_snapshot(url="http://x/g", body=GBK_PAGE, status=200, content_type="text/html",
                                   encoding="gbk")
    pdf = archive.store_snapshot(url="http://x/p.pdf", body=b"%PDF-1.4", status=200,
                                 content_type="application/pdf", encoding="utf-8")
    assert (archive.snapshot(given.id).encoding, archive.snapshot(pdf.id).encoding) == ("gbk", None)


def test_snapshot_reads_back_what_was_stored(tmp_path):
    archive = Archive(tmp_path / "a.db")
    stored = archive.store_snapshot(url="http://x/g", body=GBK_PAGE, status=203, content_type="text/html",
                                    headers={"ETag": '"v1"'})
    assert archive.snapshot(stored.id) == StoredSnapshot(
        id=stored.id, url="http://x/g", status=203, content_type="text/html", encoding="gb18030",
        headers={"ETag": '"v1"'}, body=GBK_PAGE)
    with pytest.raises(KeyError):
        archive.snapshot(stored.id + 1)


def test_validators_are_the_latest_a_snapshot_was_served_with_per_request(tmp_path):
    archive = Archive(tmp_path / "a.db")

    def fetched(body: bytes, request: str | None = None, **validators: str) -> int:
        fetch_id = archive.record_fetch(Fetch(url="http://x/r", requested_at=utc_now(), status=200, **validators))
        return archive.store_snapshot(url="http://x/r", body=body, status=200, content_type=None,
                                      fetch_id=fetch_id, request=request, fetched_at="2025-01-01T00:00:00.000Z").id

    assert archive.validators("http://x/r") is None
    first = fetched(b"v1", etag='"1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    assert fetched(b"v1", etag='"1b"') == first  # same bytes, a newer ETag; Last-Modified kept
    posted = fetched(b"answer", request="POST a=1", etag='"p"')
    assert archive.validators("http://x/r") == Validators(
        snapshot_id=first, fetched_at="2025-01-01T00:00:00.000Z", etag='"1b"',
        last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    assert archive.validators("http://x/r", "POST a=1") == Validators(posted, "2025-01-01T00:00:00.000Z", '"p"', None)


def test_report_document_is_its_snapshot_or_its_parts_in_order(tmp_path):
    archive = Archive(tmp_path / "a.db")
    pages = [archive.store_snapshot(url=f"http://x/book/page{n}.html", body=f"p{n}".encode(), status=200,
                                    content_type="text/html") for n in (1, 2, 3)]
    page = archive.record_report(snapshot=pages[0], source="s", kind="page", title="t", year=None)
    book = archive.record_report(snapshot=pages[1], source="s", kind="flipbook", title="b", year=None)
    assert archive.record_report_parts(book, [pages[2].id, pages[1].id])
    assert not archive.record_report_parts(book, [pages[2].id, pages[1].id])
    plain, parts = archive.report_document(page), archive.report_document(book)
    assert (plain.title, plain.in_parts, [s.body for s in plain.snapshots]) == ("t", False, [b"p1"])
    assert (parts.title, parts.in_parts, [s.body for s in parts.snapshots]) == ("b", True, [b"p3", b"p2"])
    with pytest.raises(KeyError):
        archive.report_document(book + 1)


def test_parse_statuses_are_counted(tmp_path):
    archive = Archive(tmp_path / "a.db")
    ids = [archive.record_report(snapshot=archive.store_snapshot(url=f"http://x/{n}", body=b"%d" % n, status=200,
                                                                 content_type=None),
                                 source="s", kind="page", title=None, year=None) for n in range(4)]
    archive.set_parse_status(ids[1], "ok")
    archive.set_parse_status(ids[2], "ok")
    assert archive.report_ids() == ids
    assert archive.parse_status_counts() == {"ok": 2, "pending": 2}


def test_parse_results_in_units_join_the_batch_and_say_whether_values_changed(tmp_path):
    from archive.parsing.model import Cell, Check, ParsedReport

    archive = Archive(tmp_path / "a.db", batch_writes=10_000, batch_seconds=3600)
    ids = []
    for n in range(3):
        snapshot = archive.store_snapshot(url=f"http://x/{n}", body=b"<p>%d</p>" % n, status=200, content_type=None)
        ids.append(archive.record_report(snapshot=snapshot, source="s", kind="page", title=None, year=None))
    archive.commit()
    cell = Cell("active", "r", "c", "12", 12, None, "ok")
    check = Check("I1:x", "pass", 0)
    reader = sqlite3.connect(tmp_path / "a.db")
    first = []
    for report_id, parsed in zip(ids[:2], [ParsedReport(cells=[cell]), ParsedReport(checks=[check])]):
        with archive.unit():
            first.append(archive.store_parsed(report_id, parsed))
    # Not committed one by one: the batch is still open (10,000 writes or an hour).
    assert reader.execute("select count(*) from reports where parse_status = 'ok'").fetchone() == (0,)
    archive.commit()
    first.append(archive.store_parsed(ids[2], ParsedReport()))  # outside a unit: committed by itself
    assert reader.execute("select count(*) from reports where parse_status = 'ok'").fetchone() == (3,)
    again = [archive.store_parsed(ids[0], ParsedReport(cells=[cell])),
             archive.store_parsed(ids[1], ParsedReport(checks=[check, Check("I2:y", "fail", 3)])),
             archive.store_parsed(ids[2], ParsedReport(cells=[cell]))]
    archive.close()
    assert (first, again) == ([True, True, False], [False, True, True])
