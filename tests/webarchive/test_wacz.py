"""`export-wacz`: a WACZ 1.1 package whose digests hold, whose pages list the reports, and whose
captures pywb replays byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.cli import cli
from tests.support.archive_copies import copy_archive, rows

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

MEMBERS = {"archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl", "datapackage.json",
           "datapackage-digest.json"}


@pytest.fixture(scope="module")
def wacz(crawled, tmp_path_factory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("wacz")
    db = copy_archive(crawled.db, directory)
    result = CliRunner().invoke(cli, ["export-wacz", str(directory / "reports.wacz"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return directory / "reports.wacz", db


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_the_package_has_the_wacz_layout_and_its_digests_hold(wacz):
    path, _ = wacz
    with zipfile.ZipFile(path) as package:
        assert set(package.namelist()) == MEMBERS
        assert package.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        datapackage = json.loads(package.read("datapackage.json"))
        digest = json.loads(package.read("datapackage-digest.json"))
        assert digest == {"path": "datapackage.json", "hash": _sha256(package.read("datapackage.json"))}
        assert datapackage["profile"] == "data-package" and datapackage["wacz_version"] == "1.1.1"
        resources = {r["path"]: r for r in datapackage["resources"]}
        assert set(resources) == MEMBERS - {"datapackage.json", "datapackage-digest.json"}
        for name, resource in resources.items():
            data = package.read(name)
            assert (resource["hash"], resource["bytes"]) == (_sha256(data), len(data))


def test_pages_list_every_report_with_its_title_and_capture(wacz):
    path, db = wacz
    with zipfile.ZipFile(path) as package:
        header, *pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert header["format"] == "json-pages-1.0"
    expected = {(f"report-{r['id']}", r["url"], r["fetched_at"], r["title"]) for r in rows(
        db, "select r.id, s.url, s.fetched_at, r.title from reports r join snapshots s on s.id = r.snapshot_id")}
    assert {(p["id"], p["url"], p["ts"], p["title"]) for p in pages} == expected
    assert len(pages) == len(expected) == 12


def test_every_index_line_points_at_its_record(wacz, tmp_path):
    path, _ = wacz
    with zipfile.ZipFile(path) as package:
        lines = package.read("indexes/index.cdx").decode("utf-8").splitlines()
        warc = tmp_path / "data.warc.gz"
        warc.write_bytes(package.read("archive/data.warc.gz"))
    assert lines == sorted(lines) and len(lines) > 50
    with open(warc, "rb") as stream:
        for line in lines:
            entry = json.loads(line.split(" ", 2)[2])
            stream.seek(int(entry["offset"]))
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
            assert entry["filename"] == "data.warc.gz"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pywb(*args: str) -> list[str]:
    """pywb's console scripts, from the virtualenv of its own that .ci/test-deps makes (pywb's pins
    cannot share this one), or from PYWB_BIN."""
    bin_dir = Path(os.environ.get("PYWB_BIN") or Path(__file__).resolve().parents[2] / ".venv-pywb" / "bin")
    if not (bin_dir / args[0]).exists():
        pytest.fail(f"pywb is not installed in {bin_dir} (run bash .ci/test-deps)")
    return [str(bin_dir / args[0]), *args[1:]]


def _get(url: str, deadline: float, server: subprocess.Popen) -> bytes:
    """The body at `url` once the server answers (it may still be starting)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except urllib.error.HTTPError:
            raise  # the server is up and answered: no capture there
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.3)


def test_pywb_replays_the_report_pages_byte_for_byte(wacz, tmp_path):
    path, db = wacz
    subprocess.run(_pywb("wb-manager", "init", "reports"), cwd=tmp_path, check=True, capture_output=True)
    subprocess.run(_pywb("wb-manager", "add", "--unpack-wacz", "reports", str(path)), cwd=tmp_path, check=True,
                   capture_output=True)
    port = _free_port()
    log = open(tmp_path / "wayback.log", "wb")
    server = subprocess.Popen(_pywb("wayback", "-p", str(port), "-b", "127.0.0.1"), cwd=tmp_path,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        reports = rows(db, "select s.url, s.fetched_at, s.body from reports r join snapshots s on s.id = r.snapshot_id")
        deadline = time.monotonic() + 60
        for report in reports:
            timestamp = "".join(ch for ch in report["fetched_at"] if ch.isdigit())[:14]
            # id_: the archived bytes as captured, without pywb's rewriting.
            replayed = _get(f"http://127.0.0.1:{port}/reports/{timestamp}id_/{report['url']}", deadline, server)
            assert replayed == report["body"], report["url"]
        assert len(reports) == 12
    except urllib.error.URLError as error:
        raise AssertionError(f"wayback did not serve: {error}\n" +
                             (tmp_path / "wayback.log").read_text(errors="replace")[-2000:]) from error
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
