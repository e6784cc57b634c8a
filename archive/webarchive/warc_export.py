"""`gov-reports export-warc`: the archive's captures as one WARC 1.1 file, streamed row by row.

Every fetch becomes records: a `request`, then a `response` for the first fetch of a snapshot
(the stored bytes), a `revisit` for a re-fetch of unchanged bytes (identical-payload-digest, or
server-not-modified for a 304), a `response` without body for a redirect hop, a `metadata` record
for a fetch that failed or whose body was not kept. Snapshots no fetch points at get their
`response` too; each report gets a `metadata` record naming its capture and the crawler's reading
(kind, title, year, parts) so an import of the file restores it exactly.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata as package_metadata
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from archive.store import Archive, utc_now
from archive.webarchive.http_blocks import added_names, request_block, response_block

REPORT_RECORD_TYPE = "application/vnd.gov-reports.report+json"
REDIRECTS = (301, 302, 303, 307, 308)
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


class Sha256WARCWriter(WARCWriter):
    """warcio's writer with SHA-256 digests: the payload digest is the archive's own sha256."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def payload_digest(sha256_hex: str) -> str:
    """A stored sha256 (hex) as a WARC digest label (base32, as warcio writes and checks)."""
    return "sha256:" + base64.b32encode(bytes.fromhex(sha256_hex)).decode("ascii")


def sha256_of_digest(digest: str | None) -> str | None:
    """The hex sha256 of a `sha256:` WARC digest (base32 or hex); None for other algorithms."""
    if not digest or not digest.lower().startswith("sha256:"):
        return None
    value = digest.split(":", 1)[1]
    if len(value) == 64:
        return value.lower()
    try:
        return base64.b32decode(value.upper()).hex()
    except ValueError:
        return None


def software() -> str:
    def version(name: str) -> str:
        try:
            return package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            return "dev"
    return f"gov-reports/{version('gov-reports')} warcio/{version('warcio')}"


@dataclass
class ExportSummary:
    path: Path
    records: Counter = field(default_factory=Counter)
    warcinfo_id: str = ""
    pages: int | None = None  # report pages listed (a WACZ's pages.jsonl)

    def line(self) -> str:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(self.records.items()))
        pages = f"{self.pages} report pages, " if self.pages is not None else ""
        return f"{self.path}: {pages}{sum(self.records.values())} records ({counts})"


@dataclass
class _Filters:
    source: str | None = None
    year: int | None = None
    since: str | None = None

    def as_kwargs(self) -> dict:
        return {"source": self.source, "year": self.year, "since": self.since}


class WarcExport:
    """One WARC file being written from one archive; record ids go back into the archive."""

    def __init__(self, archive: Archive, out: BinaryIO, filename: str, filters: _Filters,
                 recorded_as: str | None = None):
        self.archive = archive
        self.out = out
        self.filename = filename
        self.recorded_as = recorded_as or filename
        self.filters = filters
        self.writer = Sha256WARCWriter(out, gzip=True, warc_version="1.1")
        self.summary = ExportSummary(Path(filename))

    # -- records --------------------------------------------------------------------------------
    def _write(self, record, *, fetch_id: int | None = None, snapshot_id: int | None = None) -> str:
        offset = self.out.tell()
        self.writer.write_record(record)
        headers = record.rec_headers
        record_id = headers.get_header("WARC-Record-ID")
        kind = headers.get_header("WARC-Type")
        self.summary.records[kind] += 1
        self.archive.record_warc_records([{
            "record_id": record_id, "warc_type": kind, "warc_file": self.recorded_as, "record_offset": offset,
            "direction": "export", "target_uri": headers.get_header("WARC-Target-URI"),
            "warc_date": headers.get_header("WARC-Date"), "fetch_id": fetch_id, "snapshot_id": snapshot_id,
            "warcinfo_id": self.summary.warcinfo_id or record_id, "recorded_at": utc_now(),
        }])
        return record_id

    def _headers(self, date: str, **extra: str | None) -> dict[str, str]:
        headers = {"WARC-Date": date, "WARC-Warcinfo-ID": self.summary.warcinfo_id}
        headers.update({name: value for name, value in extra.items() if value})
        return {name.replace("_", "-"): value for name, value in headers.items()}

    def write_warcinfo(self) -> None:
        info = {"software": software(), "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "description": "政府信息公开工作年度报告 archive: captures exactly as stored",
                "isPartOf": self.archive.path.name,
                "gov-reports-filters": json.dumps({k: v for k, v in self.filters.as_kwargs().items() if v},
                                                  ensure_ascii=False)}
        record = self.writer.create_warcinfo_record(self.filename, info)
        self.summary.warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        self._write(record)

    def _request(self, url: str, request: str | None, date: str, concurrent_to: str):
        block, body = request_block(url, request)
        return self.writer.create_warc_record(
            url, "request", payload=BytesIO(body), length=len(body), http_headers=block,
            warc_headers_dict=self._headers(date, WARC_Concurrent_To=concurrent_to))

    def _capture(self, snapshot: dict):
        """The snapshot's own record: its bytes, or a digest revisit when the file already holds them."""
        date, digest = snapshot["fetched_at"], payload_digest(snapshot["sha256"])
        headers = json.loads(snapshot["headers"]) if snapshot["headers"] else None
        block = response_block(snapshot["status"], headers, content_type=snapshot["content_type"],
                               length=snapshot["size"])
        extra = {"GovReports_Source": snapshot["source"], "GovReports_Request": snapshot["request"],
                 "GovReports_Added_Headers": added_names(block, headers)}
        earlier = self.archive.exported_record_with_sha256(self.summary.warcinfo_id, snapshot["sha256"])
        if earlier is not None:
            record = self.writer.create_revisit_record(
                snapshot["url"], digest, earlier["target_uri"], earlier["warc_date"], http_headers=block,
                warc_headers_dict=self._headers(date, WARC_Refers_To=earlier["record_id"], **extra))
        else:
            body = self.archive.snapshot_body(snapshot["id"])
            record = self.writer.create_warc_record(
                snapshot["url"], "response", payload=BytesIO(body), length=len(body), http_headers=block,
                warc_headers_dict=self._headers(date, WARC_Payload_Digest=digest, **extra))
        return record

    def _refetch(self, fetch: dict):
        """A later fetch of a snapshot already in the file: a revisit with this fetch's headers,
        referring to the response record that holds the bytes."""
        original = self.archive.exported_record_with_sha256(self.summary.warcinfo_id, fetch["sha256"])
        block = response_block(fetch["status"], _fetch_headers(fetch), content_type=None, length=None)
        record = self.writer.create_revisit_record(
            fetch["url"], payload_digest(fetch["sha256"]), original["target_uri"], original["warc_date"],
            http_headers=block,
            warc_headers_dict=self._headers(fetch["requested_at"], WARC_Refers_To=original["record_id"]))
        if fetch["status"] == 304:
            record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        return record

    def _redirect(self, fetch: dict):
        """A redirect hop: status and Location; its body was not kept (WARC-Truncated says so)."""
        location = self.archive.redirect_target(fetch["id"], fetch["url"])
        block = response_block(fetch["status"], _fetch_headers(fetch), content_type=None, length=0,
                               location=location)
        truncated = "unspecified" if fetch["bytes"] else None
        record = self.writer.create_warc_record(
            fetch["url"], "response", payload=BytesIO(b""), length=0, http_headers=block,
            warc_headers_dict=self._headers(fetch["requested_at"], WARC_Truncated=truncated))
        return record

    def _failure(self, fetch: dict):
        """A fetch with no stored body (an error, or a status whose body was not kept)."""
        fields = {"fetch-status": fetch["status"], "fetch-error": fetch["error"],
                  "requested-at": fetch["requested_at"], "bytes": fetch["bytes"],
                  "duration-ms": fetch["duration_ms"], "content-type": fetch["content_type"]}
        text = "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value is not None)
        payload = text.encode("utf-8")
        record = self.writer.create_warc_record(
            fetch["url"], "metadata", payload=BytesIO(payload), length=len(payload),
            warc_content_type="application/warc-fields", warc_headers_dict=self._headers(fetch["requested_at"]))
        return record

    def _report(self, report: dict) -> None:
        reading = {key: report[key] for key in ("kind", "title", "year", "source", "parent_url", "link_text")}
        payload = json.dumps({"report": {**reading, "url": report["url"], "parts": report["parts"]}},
                             ensure_ascii=False).encode("utf-8")
        record = self.writer.create_warc_record(
            report["url"], "metadata", payload=BytesIO(payload), length=len(payload),
            warc_content_type=REPORT_RECORD_TYPE,
            warc_headers_dict=self._headers(utc_now(), WARC_Refers_To=report["record_id"]))
        self._write(record, snapshot_id=report["snapshot_id"])

    # -- the walk -------------------------------------------------------------------------------
    def fetch(self, fetch: dict) -> None:
        """The fetch's request record, then what it got (the request first, as it happened)."""
        snapshot_id = fetch["snapshot_id"]
        if snapshot_id is not None:
            captured = self.archive.exported_capture(self.summary.warcinfo_id, snapshot_id) is not None
            if not captured and fetch["status"] == fetch["snapshot_status"]:
                record = self._capture(_snapshot_of(fetch))
            else:
                if not captured:  # first seen through a 304: its bytes go in first
                    self._write(self._capture(_snapshot_of(fetch)), snapshot_id=snapshot_id)
                record = self._refetch(fetch)
        elif fetch["status"] in REDIRECTS:
            record = self._redirect(fetch)
        else:
            record = self._failure(fetch)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        request = self._request(fetch["url"], fetch["request"] if snapshot_id else _method(fetch),
                                fetch["requested_at"], record_id)
        record.rec_headers.add_header("WARC-Concurrent-To", request.rec_headers.get_header("WARC-Record-ID"))
        self._write(request, fetch_id=fetch["id"])
        self._write(record, fetch_id=fetch["id"], snapshot_id=snapshot_id)

    def run(self) -> ExportSummary:
        self.write_warcinfo()
        for fetch in self.archive.iter_export_fetches(**self.filters.as_kwargs()):
            self.fetch(fetch)
        for snapshot in self.archive.iter_unfetched_snapshots(**self.filters.as_kwargs()):
            self._write(self._capture(snapshot), snapshot_id=snapshot["id"])
        for report in self.archive.iter_exported_reports(self.summary.warcinfo_id):
            self._report(report)
        self.archive.commit()
        return self.summary


def _snapshot_of(fetch: dict) -> dict:
    return {"id": fetch["snapshot_id"], "url": fetch["url"], "fetched_at": fetch["snapshot_fetched_at"],
            "status": fetch["snapshot_status"], "content_type": fetch["snapshot_content_type"],
            "sha256": fetch["sha256"], "size": fetch["size"], "headers": fetch["headers"],
            "request": fetch["request"], "source": fetch["snapshot_source"]}


def _fetch_headers(fetch: dict) -> dict[str, str]:
    """The response headers a fetch row kept (the fetch log keeps no others)."""
    names = {"Content-Type": "content_type", "ETag": "etag", "Last-Modified": "last_modified"}
    return {name: fetch[column] for name, column in names.items() if fetch[column]}


def _method(fetch: dict) -> str | None:
    return None if fetch["method"] in (None, "GET") else fetch["method"]


def export_warc(archive: Archive, path: Path, *, source: str | None = None, year: int | None = None,
                since: str | None = None, recorded_as: str | None = None) -> ExportSummary:
    """Write the archive's captures (optionally one source, data year, or fetched since) to `path`;
    `recorded_as` names the file in `warc_records` (a WARC inside a WACZ: OUT.wacz#archive/…)."""
    with open(path, "wb") as out:
        export = WarcExport(archive, out, path.name, _Filters(source, year, since), recorded_as)
        summary = export.run()
    summary.path = path
    return summary
