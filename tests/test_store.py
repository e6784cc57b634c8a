"""The archive keeps bytes exactly, never overwrites, and stays consistent when a writer dies."""

import hashlib
import multiprocessing
import os
import signal
import sqlite3

from archive.store import Archive, Fetch, utc_now

GBK_PAGE = "<html><head><meta charset='gbk'></head><body>政府信息公开工作年度报告</body></html>".encode("gbk")


def test_snapshot_bytes_are_kept_exactly(tmp_path):
    archive = Archive(tmp_path / "a.db")
    body = b"\xef\xbb\xbf<html>\r\n\x00\xff" + GBK_PAGE
    snapshot = archive.store_snapshot(url="http://x/1", body=body, status=200, content_type="text/html")
    archive.close()
    row = sqlite3.connect(tmp_path / "a.db").execute(
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
