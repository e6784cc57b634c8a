"""Generated archives and headers: whatever the store holds survives export and import."""

from __future__ import annotations

import pytest

import json
import sqlite3
import string
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from archive.store import Archive, Fetch
from archive.webarchive.http_blocks import response_block, stored_headers
from archive.webarchive.warc_export import export_warc
from archive.webarchive.warc_import import import_warcs
from archive.webarchive.warc_reading import check_warc

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

TOKEN = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=20).filter(
    lambda name: not name.lower().startswith("x-archive-orig-"))
VALUE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40).map(str.strip)


@st.composite
def header_dicts(draw) -> dict[str, str]:
    names = draw(st.lists(TOKEN, max_size=8, unique_by=str.lower))
    names += draw(st.lists(st.sampled_from(["Content-Length", "Content-Encoding", "Transfer-Encoding"]),
                           unique=True))
    unique = list({name.lower(): name for name in names}.values())
    return {name: draw(VALUE) for name in unique}


@given(status=st.sampled_from([200, 203, 206, 301, 404, 500, 599]), headers=header_dicts(),
       length=st.integers(0, 10**7))
def test_headers_written_then_read_are_the_ones_received(status, headers, length):
    block = response_block(status, headers, content_type=None, length=length)
    assert int(block.get_statuscode()) == status
    assert block.get_header("Content-Length") == str(length)
    assert not {"content-encoding", "transfer-encoding"} & {name.lower() for name, _ in block.headers}
    kept = stored_headers(block)
    if not any(name.lower() == "content-length" for name in headers):
        headers = {**headers, "Content-Length": str(length)}
    assert kept == headers


FETCH = st.tuples(st.sampled_from(["a", "b", "c/d.html", "e.pdf"]),  # URL path
                  st.sampled_from(["new", "same", "304", "404", "error", "redirect"]),
                  st.binary(max_size=300))


@settings(max_examples=40, deadline=None)
@given(st.lists(FETCH, min_size=1, max_size=12))
@example([("a", "new", b""), ("a", "new", b"\x00"), ("a", "new", b"")])  # bytes back after a change
def test_any_archive_survives_export_and_import(fetches):
    with tempfile.TemporaryDirectory() as work:
        source, target = Path(work) / "a.db", Path(work) / "b.db"
        archive = Archive(source)
        for number, (path, kind, body) in enumerate(fetches):
            url, at = f"http://portal.example/{path}", f"2025-01-01T00:00:{number:02d}.{number:03d}Z"
            latest = archive.latest_snapshot_row(url)
            if kind in ("same", "304") and latest is not None:
                body = archive.snapshot_body(latest["id"])
            status = {"304": 304 if latest else 200, "404": 404, "redirect": 302, "error": None}.get(kind, 200)
            fetch_id = archive.record_fetch(Fetch(url=url, requested_at=at, status=status,
                                                  error="TimeoutError: t" if kind == "error" else None))
            if status in (200, 304):
                archive.store_snapshot(url=url, body=body, status=200, content_type="application/octet-stream",
                                       fetch_id=fetch_id, fetched_at=at,
                                       headers={"Server": "cms"} if number % 3 else None)
        archive.commit()
        warc = Path(work) / "a.warc.gz"
        export_warc(archive, warc)
        archive.close()
        assert check_warc(warc) is None
        restored = Archive(target)
        summary = import_warcs(restored, [warc])
        restored.close()
        assert summary.problems == []
        query = "select url, fetched_at, sha256, size, status, content_type, headers from snapshots"
        assert _rows(target, query) == _rows(source, query)
        fetched = "select url, requested_at, status, error, snapshot_id is not null from fetches"
        assert _rows(target, fetched) == _rows(source, fetched)


def _rows(db: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return sorted(tuple(json.loads(v) if isinstance(v, str) and v.startswith("{") else v for v in row)
                      for row in connection.execute(sql))
    finally:
        connection.close()
