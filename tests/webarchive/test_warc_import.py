"""`import-warc`: another tool's WARC becomes snapshots, fetches and parsed reports; a WARC that
cannot be read is reported with the offset of its bad record and changes nothing."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import shutil
import subprocess
import urllib.error
import urllib.request
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.capture_http import capture_http
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.cli import cli
from demo_portal import PortalServer
from tests.cell_expectations import expected_cells
from tests.support.fixture_files import fixture_path
from tests.support.archive_copies import copy_archive, rows

pytestmark = [pytest.mark.slow, pytest.mark.crawl]



def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture(scope="module")
def captured(site, tmp_path_factory) -> Path:
    """Every page of the fixture portal fetched through warcio's capture_http (not our crawler)."""
    warc = tmp_path_factory.mktemp("captured") / "capture.warc.gz"
    with PortalServer(site) as portal, capture_http(str(warc)):
        for path in sorted(site.pages):
            for _attempt in range(2):  # a 5xx is tried once more, as a crawler retries
                try:
                    urllib.request.urlopen(portal.url.rstrip("/") + path, timeout=10).read()
                    break
                except urllib.error.HTTPError as error:  # captured all the same
                    if error.code < 500:
                        break
    return warc


def _import(db: Path, *warcs: Path):
    return CliRunner().invoke(cli, ["import-warc", *map(str, warcs), "--db", str(db)])


def test_a_capture_made_by_another_tool_is_archived_and_its_reports_parsed(site, captured, tmp_path):
    db = tmp_path / "imported.db"
    result = _import(db, captured)
    assert result.exit_code == 0, result.output
    reports = {(r["kind"], _path(r["url"])) for r in rows(db, "select kind, url from reports")}
    assert reports == {("page", p) for p in site.report_paths()} | {("attachment", p) for p in site.attachment_paths()}
    assert not {p for _, p in reports} & site.decoy_paths()
    bodies = {_path(r["url"]): r["body"] for r in rows(db, "select url, body from snapshots where status = 200")}
    for path in site.report_paths() | site.attachment_paths():
        assert bodies[path] == site.pages[path].body
    expected = json.loads(fixture_path("corpus_021_expected.json").read_text(encoding="utf-8"))["cells"]
    (report,) = rows(db, "select id, parse_status, format, year from reports "
                         "where title = '2019年上海市人民政府办公厅政府信息公开工作年度报告'")
    assert (report["parse_status"], report["format"], report["year"]) == ("ok", "2019", 2019)
    stored = {(c["table_key"], c["row_key"], c["col_key"]): c["value"] for c in rows(
        db, "select table_key, row_key, col_key, value from report_cells where report_id = ? and status != 'derived'",
        report["id"])}
    assert stored == {key: spec["value"] for key, spec in expected_cells(expected).items()}
    statuses = {r["parse_status"] for r in rows(db, "select parse_status from reports")}
    assert statuses == {"ok", "see_attachment", "partial:active+requests", "no_tables"}


def test_the_same_captures_are_parsed_as_the_crawl_parsed_them(crawled, captured, tmp_path):
    db = tmp_path / "imported.db"
    assert _import(db, captured).exit_code == 0
    query = ("select r.kind, r.title, r.year, r.parse_status, r.format, c.table_key, c.row_key, c.col_key, c.value "
             "from reports r left join report_cells c on c.report_id = r.id")
    assert {tuple(r.values()) for r in rows(db, query)} == {tuple(r.values()) for r in rows(crawled.db, query)}


def _response_warc(path: Path, captures: list[tuple[str, str, bytes]]) -> None:
    """(url, WARC-Date, body) responses, as any recorder writes them."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, date, body in captures:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                          http_headers=http, warc_headers_dict={"WARC-Date": date}))


def test_captures_already_archived_are_not_stored_twice(captured, tmp_path):
    db = tmp_path / "a.db"
    assert _import(db, captured).exit_code == 0
    first = rows(db, "select id, url, sha256, body from snapshots")
    fetches = len(rows(db, "select 1 from fetches"))
    again = _import(db, captured)
    assert again.exit_code == 0 and "0 fetches" in again.output and "0 snapshots" in again.output
    assert len(rows(db, "select 1 from snapshots")) == len(first) and len(rows(db, "select 1 from fetches")) == fetches
    # Later captures of the same URL: the same bytes are one more fetch of the snapshot; changed
    # bytes a new snapshot whose previous version is the old one.
    page = next(s for s in first if s["url"].endswith(".html"))
    later = tmp_path / "later.warc.gz"
    _response_warc(later, [(page["url"], "2030-01-01T00:00:00Z", page["body"]),
                           (page["url"], "2030-02-01T00:00:00Z", page["body"] + b"<!-- changed -->")])
    assert _import(db, later).exit_code == 0
    versions = rows(db, "select id, sha256, previous_id, fetched_at from snapshots where url = ? order by id", page["url"])
    assert [(v["sha256"], v["previous_id"], v["fetched_at"]) for v in versions][1:] == \
        [(hashlib.sha256(page["body"] + b"<!-- changed -->").hexdigest(), page["id"], "2030-02-01T00:00:00.000Z")]
    assert versions[0]["id"] == page["id"]
    refetch = rows(db, "select snapshot_id from fetches where url = ? and requested_at = '2030-01-01T00:00:00.000Z'",
                   page["url"])
    assert refetch == [{"snapshot_id": page["id"]}]


def _encoded_warc(path: Path, body: bytes, *, gzipped: bool, chunked: bool) -> None:
    """A response as a proxy recorder stores it: on the wire, gzip and/or chunked."""
    wire = gzip.compress(body) if gzipped else body
    if chunked:
        wire = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (wire[:7], wire[7:]) if part) + b"0\r\n\r\n"
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx")]
    headers += [("Content-Encoding", "gzip")] if gzipped else []
    headers += [("Transfer-Encoding", "chunked")] if chunked else [("Content-Length", str(len(wire)))]
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("http://portal.example/r.html", "response",
                                                      payload=BytesIO(wire), length=len(wire), http_headers=http))


@pytest.mark.parametrize("gzipped,chunked", [(True, False), (False, True), (True, True)])
def test_encoded_bodies_are_stored_decoded_and_exported_identity_with_the_original_headers(tmp_path, gzipped, chunked):
    body = "<html><body>政府信息公开</body></html>".encode() * random.Random(7).randint(3, 40)
    warc = tmp_path / "in.warc.gz"
    _encoded_warc(warc, body, gzipped=gzipped, chunked=chunked)
    db = tmp_path / "a.db"
    assert _import(db, warc).exit_code == 0
    (snapshot,) = rows(db, "select body, headers from snapshots")
    assert snapshot["body"] == body
    headers = json.loads(snapshot["headers"])
    assert ("X-Archive-Orig-Content-Encoding" in headers, "X-Archive-Orig-Transfer-Encoding" in headers) == (gzipped, chunked)
    assert not {"Content-Encoding", "Transfer-Encoding"} & set(headers)
    out = tmp_path / "out.warc.gz"
    assert CliRunner().invoke(cli, ["export-warc", str(out), "--db", str(db)]).exit_code == 0
    with open(out, "rb") as stream:
        responses = [(dict(r.http_headers.headers), r.content_stream().read())
                     for r in ArchiveIterator(stream) if r.rec_type == "response"]
    ((http, payload),) = responses
    assert payload == body
    assert http["Content-Length"] == str(len(body)) and "Content-Encoding" not in http
    assert (http.get("X-Archive-Orig-Content-Encoding"), http.get("X-Archive-Orig-Transfer-Encoding")) == \
        ("gzip" if gzipped else None, "chunked" if chunked else None)


def _offsets(warc: Path) -> list[int]:
    with open(warc, "rb") as stream:
        iterator = ArchiveIterator(stream)
        return [iterator.offset for _ in iterator]


def _state(db: Path) -> dict:
    return {table: rows(db, f"select * from {table} order by rowid")
            for table in ("snapshots", "fetches", "reports", "report_cells", "warc_records")}


def test_corrupted_warcs_are_reported_with_the_offset_and_nothing_changes(exported, tmp_path):
    """Seeded damage of every kind: cut inside a gzip member, a record's header overwritten."""
    data = exported.warc.read_bytes()
    offsets = _offsets(exported.warc)
    db = copy_archive(exported.db, tmp_path)
    before = _state(db)
    rng = random.Random(16)
    for trial in range(12):
        index = rng.randrange(2, len(offsets) - 1)
        start, end = offsets[index], offsets[index + 1]
        if trial % 2:
            damaged = data[:rng.randrange(start + 1, end)]  # truncated inside record `index`
        else:
            damaged = data[:start] + bytes(rng.randrange(256) for _ in range(end - start)) + data[end:]
        bad = tmp_path / f"bad{trial}.warc.gz"
        bad.write_bytes(damaged)
        result = CliRunner().invoke(cli, ["import-warc", str(bad), "--db", str(db)])
        assert result.exit_code == 1, result.output
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"error: {bad}: unreadable WARC at record offset {start}: "), line
        assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
        assert result.stdout.strip() == "0 WARC file(s) imported (nothing new), 1 unreadable"
        assert _state(db) == before


def test_a_bad_file_among_good_ones_is_skipped_and_the_good_ones_imported(exported, captured, tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(exported.warc.read_bytes()[:-40])
    db = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["import-warc", str(bad), str(captured), "--db", str(db)])
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and f"{bad}: unreadable WARC at record offset {_offsets(exported.warc)[-1]}" in result.stderr
    assert {r["url"] for r in rows(db, "select distinct url from fetches")} == \
        {r["url"] for r in rows(db, "select distinct w.target_uri as url from warc_records w "
                                    "where w.warc_file = 'capture.warc.gz' and w.warc_type = 'response'")}


def test_a_record_that_reads_but_makes_no_sense_is_skipped_alone(tmp_path):
    """A status line that is no status: that record is reported with its offset, the rest archived."""
    warc = tmp_path / "odd.warc.gz"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, status in (("http://portal.example/odd", "abc Broken"), ("http://portal.example/ok", "200 OK")):
            http = StatusAndHeaders(status, [("Content-Type", "text/plain")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(b"body"), length=4,
                                                          http_headers=http))
    db = tmp_path / "a.db"
    result = _import(db, warc)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {warc}: unreadable WARC at record offset {_offsets(warc)[0]}: ValueError")
    assert line.endswith("(this record skipped, nothing archived from it)")
    assert [r["url"] for r in rows(db, "select url from snapshots")] == ["http://portal.example/ok"]
    assert rows(db, "select status from crawls") == [{"status": "finished, 1 records not archived"}]


def test_an_uncompressed_warc_is_read_and_one_cut_short_is_refused(tmp_path):
    warc = tmp_path / "plain.warc"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        for number in range(3):
            body = f"<html><body>page {number}</body></html>".encode() * 50
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://portal.example/{number}.html", "response",
                                                          payload=BytesIO(body), length=len(body), http_headers=http))
    offsets = _offsets(warc)
    cut = tmp_path / "cut.warc"
    cut.write_bytes(warc.read_bytes()[:offsets[2] + 300])
    db = tmp_path / "a.db"
    refused = _import(db, cut)
    assert refused.exit_code == 1 and f"unreadable WARC at record offset {offsets[2]}:" in refused.stderr
    assert not db.exists() or rows(db, "select 1 from snapshots") == []
    assert _import(db, warc).exit_code == 0
    assert len(rows(db, "select 1 from snapshots")) == 3


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed (capture_http covers the feature)")
def test_a_wget_warc_file_is_archived_and_its_reports_parsed(site, tmp_path):
    """GNU wget's --warc-file (WARC/1.0, request before response, sha1 digests) of the portal."""
    with PortalServer(site) as portal:
        subprocess.run(["wget", "--recursive", "--level=6", "--quiet", "--delete-after", "--no-directories",
                        "--retry-on-http-error=500", "--waitretry=0", "-e", "robots=off",
                        f"--warc-file={tmp_path / 'portal'}", portal.url],
                       cwd=tmp_path, timeout=120, check=False)  # exit 8: the portal's 404s
    db = tmp_path / "a.db"
    result = _import(db, tmp_path / "portal.warc.gz")
    assert result.exit_code == 0, result.output
    reports = {(r["kind"], _path(r["url"])) for r in rows(db, "select kind, url from reports")}
    assert reports == {("page", p) for p in site.report_paths()} | {("attachment", p) for p in site.attachment_paths()}
    fetches = rows(db, "select f.requested_at, s.fetched_at from fetches f join snapshots s on s.id = f.snapshot_id")
    assert fetches and all(f["requested_at"] <= f["fetched_at"] for f in fetches)
