"""`export-warc`: a WARC 1.1 file other tools validate, holding the archive's bytes exactly."""

from __future__ import annotations

import pytest

import json
import subprocess
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path

from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.cli import cli
from archive.webarchive.warc_export import sha256_of_digest
from tests.support.archive_copies import copy_archive, rows

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

WARCIO = [sys.executable, "-m", "warcio.cli"]


def _records(warc: Path) -> list[dict]:
    """Every record: type, WARC headers, HTTP status/headers, payload (decoded as warcio serves it)."""
    found = []
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            http = record.http_headers
            found.append({
                "type": record.rec_type, "headers": dict(record.rec_headers.headers),
                "status": int(http.get_statuscode()) if http and record.rec_type in ("response", "revisit") else None,
                "http": dict(http.headers) if http else {}, "payload": record.content_stream().read()})
    return found


def test_warcio_check_and_index_accept_the_file(exported):
    check = subprocess.run([*WARCIO, "check", "-v", str(exported.warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest fail" not in check.stdout and check.stdout.count("digest pass") > 0
    index = subprocess.run([*WARCIO, "index", "-f", "warc-type,warc-target-uri", str(exported.warc)],
                           capture_output=True, text=True, check=True)
    types = Counter(json.loads(line)["warc-type"] for line in index.stdout.splitlines())
    assert types == exported.summary.records
    assert types["warcinfo"] == 1


def test_every_fetch_has_its_request_and_every_snapshot_its_bytes(exported):
    records = _records(exported.warc)
    fetches = rows(exported.db, "select count(*) as n from fetches")[0]["n"]
    assert sum(r["type"] == "request" for r in records) == fetches
    snapshots = {row["id"]: row for row in rows(exported.db, "select id, url, sha256, body, fetched_at from snapshots")}
    captures = [r for r in records if r["type"] == "response" and r["status"] == 200]
    assert len(captures) == len({s["sha256"] for s in snapshots.values()})  # identical bytes once
    by_digest = {s["sha256"]: s["body"] for s in snapshots.values()}
    for record in captures:
        digest = sha256_of_digest(record["headers"]["WARC-Payload-Digest"])
        assert record["payload"] == by_digest[digest]
        assert int(record["http"]["Content-Length"]) == len(record["payload"])
        assert not {"Content-Encoding", "Transfer-Encoding"} & set(record["http"])
    assert {(r["headers"]["WARC-Target-URI"], r["headers"]["WARC-Date"]) for r in records
            if r["type"] in ("response", "revisit") and r["status"] == 200} == \
        {(s["url"], s["fetched_at"]) for s in snapshots.values()} | \
        {(f["url"], f["requested_at"]) for f in rows(
            exported.db, "select f.url, f.requested_at from fetches f join snapshots s on s.id = f.snapshot_id "
                         "where f.status = 200 and f.id > (select min(id) from fetches g where g.snapshot_id = s.id)")}


def test_headers_are_the_ones_received_with_the_wire_length_kept_as_original(exported):
    records = _records(exported.warc)
    stored = {(row["url"], row["fetched_at"]): json.loads(row["headers"]) for row in rows(
        exported.db, "select url, fetched_at, headers from snapshots where headers is not null")}
    checked = 0
    for record in records:
        key = (record["headers"].get("WARC-Target-URI"), record["headers"].get("WARC-Date"))
        if record["type"] not in ("response", "revisit") or key not in stored:
            continue
        received = stored[key]
        expected = {(name if name.lower() != "content-length" else "X-Archive-Orig-" + name): value
                    for name, value in received.items()}
        assert {k: v for k, v in record["http"].items() if k != "Content-Length"} == expected
        checked += 1
    assert checked == len(stored)


def test_redirect_hops_are_3xx_responses_with_their_location(exported):
    hops = [r for r in _records(exported.warc) if r["type"] == "response" and 300 <= r["status"] < 400]
    fetched = rows(exported.db, "select url, status, redirect_chain from fetches")
    expected = {}
    for fetch in fetched:
        chain = json.loads(fetch["redirect_chain"] or "[]") + [fetch["url"]]
        for source, target in pairwise(chain):
            expected[source] = target
    assert len(hops) == sum(f["status"] in (301, 302, 303, 307, 308) for f in fetched) == 3
    assert all(hop["http"]["Location"] == expected[hop["headers"]["WARC-Target-URI"]] for hop in hops)
    assert all(hop["payload"] == b"" for hop in hops)


def test_refetches_of_unchanged_bytes_are_revisits_of_the_first_response(exported):
    records = _records(exported.warc)
    by_id = {r["headers"]["WARC-Record-ID"]: r for r in records}
    revisits = [r for r in records if r["type"] == "revisit"]
    not_modified = rows(exported.db, "select count(*) as n from fetches where status = 304")[0]["n"]
    assert sum(r["status"] == 304 for r in revisits) == not_modified > 0
    for revisit in revisits:
        original = by_id[revisit["headers"]["WARC-Refers-To"]]
        assert original["type"] == "response"
        assert original["headers"]["WARC-Payload-Digest"] == revisit["headers"]["WARC-Payload-Digest"]
        assert revisit["headers"]["WARC-Refers-To-Target-URI"] == original["headers"]["WARC-Target-URI"]
        profile = revisit["headers"]["WARC-Profile"]
        assert profile.endswith("server-not-modified" if revisit["status"] == 304 else "identical-payload-digest")


def test_failed_fetches_are_metadata_records(exported):
    failures = [r for r in _records(exported.warc) if r["type"] == "metadata"
                and r["headers"]["Content-Type"] == "application/warc-fields"]
    expected = rows(exported.db, "select url, status, error from fetches where snapshot_id is null "
                                 "and (status is null or status < 300 or status >= 400)")
    assert sorted((r["headers"]["WARC-Target-URI"], _field(r, "fetch-status")) for r in failures) == \
        sorted((f["url"], str(f["status"]) if f["status"] is not None else None) for f in expected)
    assert {_field(r, "fetch-status") for r in failures} >= {"404", "500"}


def _field(record: dict, name: str) -> str | None:
    for line in record["payload"].decode("utf-8").splitlines():
        if line.startswith(name + ": "):
            return line.split(": ", 1)[1]
    return None


def test_record_ids_are_stored_back_in_the_archive(exported):
    written = {r["headers"]["WARC-Record-ID"]: r["type"] for r in _records(exported.warc)}
    stored = {row["record_id"]: row["warc_type"] for row in rows(
        exported.db, "select record_id, warc_type from warc_records where direction = 'export' and warcinfo_id = ?",
        exported.summary.warcinfo_id)}
    assert stored == written
    # Every report can name its capture's record.
    captures = rows(exported.db, "select report_id, warc_record_id from report_captures")
    assert captures and all(written[c["warc_record_id"]] in ("response", "revisit") for c in captures)


def test_filters_limit_the_export(crawled, tmp_path):
    db = copy_archive(crawled.db, tmp_path)
    runner = CliRunner()
    year = runner.invoke(cli, ["export-warc", str(tmp_path / "y.warc.gz"), "--db", str(db), "--year", "2019"])
    assert year.exit_code == 0, year.output
    urls = {r["headers"]["WARC-Target-URI"] for r in _records(tmp_path / "y.warc.gz") if r["type"] == "response"}
    assert urls == {row["url"] for row in rows(db, "select url from reports where year = 2019")}
    late = runner.invoke(cli, ["export-warc", str(tmp_path / "s.warc.gz"), "--db", str(db),
                               "--since", "2999-01-01"])
    assert late.exit_code == 0 and "1 records (1 warcinfo)" in late.output
    source = rows(db, "select source from fetches where source is not null limit 1")[0]["source"]
    named = runner.invoke(cli, ["export-warc", str(tmp_path / "n.warc.gz"), "--db", str(db), "--source", source])
    requests = sum(r["type"] == "request" for r in _records(tmp_path / "n.warc.gz"))
    assert named.exit_code == 0 and requests == rows(
        db, "select count(*) as n from fetches where source = ?", source)[0]["n"]
