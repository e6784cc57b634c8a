"""`gov-reports import-warc`: the responses of any WARC (ours, Browsertrix, Heritrix, wget) archived
as snapshots and fetches, then read like crawled pages.

A file is checked whole first (`check_warc`): one that cannot be read is reported with the offset
of the failing record and skipped before anything is written. Bodies are stored decoded, as the
crawler stores them. Reports come from the file's own report records when it has them (a WARC this
project exported: the crawler's reading travels with the capture); otherwise every new capture is
classified and parsed by `archive.webarchive.captured_reports`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.parsed_reports import parse_stored_report
from archive.store import Archive, Fetch, Snapshot, sha256_hex, utc_now
from archive.webarchive.captured_reports import record_captured_reports
from archive.webarchive.http_blocks import stored_headers, without_added
from archive.webarchive.warc_export import REPORT_RECORD_TYPE
from archive.webarchive.warc_reading import WarcProblem, archive_time, check_warc, problem_message, record_sha256


@dataclass
class ImportSummary:
    files: int = 0
    counts: Counter = field(default_factory=Counter)
    problems: list[WarcProblem] = field(default_factory=list)

    def line(self) -> str:
        counts = ", ".join(f"{n} {name}" for name, n in sorted(self.counts.items()))
        return f"{self.files} WARC file(s) imported ({counts or 'nothing new'}), {len(self.problems)} unreadable"


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


class FileImport:
    """One readable WARC file going into the archive."""

    def __init__(self, archive: Archive, path: Path, crawl_id: int, counts: Counter):
        self.archive = archive
        self.path = path
        self.crawl_id = crawl_id
        self.counts = counts
        self.warcinfo_id: str | None = None
        self.report_records = 0
        self.last_request: tuple[str, str, str] | None = None  # (record id, target URI, date)
        self.problems: list[WarcProblem] = []

    def _keep(self, record, offset: int, *, snapshot_id: int | None = None, fetch_id: int | None = None) -> None:
        headers = record.rec_headers
        self.archive.record_warc_records([{
            "record_id": headers.get_header("WARC-Record-ID"), "warc_type": record.rec_type,
            "warc_file": self.path.name, "warcinfo_id": self.warcinfo_id, "record_offset": offset,
            "direction": "import", "target_uri": headers.get_header("WARC-Target-URI"),
            "warc_date": headers.get_header("WARC-Date"), "fetch_id": fetch_id, "snapshot_id": snapshot_id,
            "payload_digest": headers.get_header("WARC-Payload-Digest"), "recorded_at": utc_now(),
        }])

    def _requested_at(self, record) -> str:
        """When the request was sent: the date of the request record just before this response
        (ours, wget's), else the response's own date."""
        headers = record.rec_headers
        date = headers.get_header("WARC-Date")
        if self.last_request is not None:
            request_id, uri, request_date = self.last_request
            if request_id == headers.get_header("WARC-Concurrent-To") or uri == headers.get_header("WARC-Target-URI"):
                date = request_date
        return archive_time(date) or utc_now()

    def _fetch(self, record, status: int, headers: dict[str, str], size: int | None) -> Fetch:
        request = record.rec_headers.get_header("GovReports-Request")
        return Fetch(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            requested_at=self._requested_at(record),
            method=(request or "GET").split(" ")[0], status=status, bytes=size,
            source=record.rec_headers.get_header("GovReports-Source"),
            content_type=_header(headers, "Content-Type"), etag=_header(headers, "ETag"),
            last_modified=_header(headers, "Last-Modified"), flags=("warc",))

    def response(self, record, offset: int) -> None:
        status = int(record.http_headers.get_statuscode() or 0)
        headers = stored_headers(record.http_headers)
        if not 200 <= status < 300:  # a redirect hop or an error: the fetch log keeps it, as in a crawl
            fetch = self._fetch(record, status, headers, None)
            if self.archive.add_fetch_once(fetch, self.crawl_id):
                self.counts["fetches"] += 1
            self._keep(record, offset)
            return
        body = record.content_stream().read()
        self._store(record, offset, status, headers, body)

    def _store(self, record, offset: int, status: int, headers: dict[str, str], body: bytes) -> None:
        fetch = self._fetch(record, status, headers, len(body))  # Content-Type even when the export supplied it
        headers = without_added(headers, record.rec_headers.get_header("GovReports-Added-Headers"))
        fetched_at = archive_time(record.rec_headers.get_header("WARC-Date")) or fetch.requested_at
        snapshot, added = self.archive.import_capture(
            fetch=fetch, body=body, headers=headers or None, fetched_at=fetched_at,
            request=record.rec_headers.get_header("GovReports-Request"), crawl_id=self.crawl_id)
        self.counts["snapshots"] += snapshot.is_new
        self.counts["fetches"] += added
        self.counts["duplicates"] += not snapshot.is_new
        self._keep(record, offset, snapshot_id=snapshot.id)

    def revisit(self, record, offset: int) -> None:
        """Unchanged bytes fetched again: the body is the one the revisit refers to, already archived."""
        headers = record.rec_headers
        snapshot_id = self.archive.revisited_snapshot(
            record_sha256(record), headers.get_header("WARC-Refers-To"), headers.get_header("WARC-Payload-Digest"))
        if snapshot_id is None:
            self.counts["revisits without their capture"] += 1
            return
        status = int(record.http_headers.get_statuscode() or 0) if record.http_headers else 200
        http = stored_headers(record.http_headers) if record.http_headers else {}
        body = self.archive.snapshot_body(snapshot_id)
        if status == 304:  # not a new body: only a fetch of what this URL already has
            known = self.archive.snapshot_with_digest(headers.get_header("WARC-Target-URI"), sha256_hex(body),
                                                      headers.get_header("GovReports-Request"))
            if known is None:
                self.counts["revisits without their capture"] += 1
                return
        self._store(record, offset, status, http, body)

    def metadata(self, record, offset: int) -> None:
        """Our report records restore the crawler's reading of a capture; failed fetches return
        to the fetch log; other metadata is not archived."""
        content_type = record.rec_headers.get_header("Content-Type") or ""
        payload = record.content_stream().read()
        if content_type.startswith(REPORT_RECORD_TYPE):
            self.report_records += 1
            self._report(json.loads(payload)["report"], record.rec_headers.get_header("WARC-Refers-To"))
        elif content_type.startswith("application/warc-fields"):
            fields = dict(line.split(": ", 1) for line in payload.decode("utf-8").splitlines() if ": " in line)
            if "requested-at" in fields and ("fetch-error" in fields or "fetch-status" in fields):
                fetch = Fetch(url=record.rec_headers.get_header("WARC-Target-URI"),
                              requested_at=fields["requested-at"], error=fields.get("fetch-error"),
                              status=int(fields["fetch-status"]) if "fetch-status" in fields else None,
                              flags=("warc",))
                self.counts["fetches"] += self.archive.add_fetch_once(fetch, self.crawl_id)
        self._keep(record, offset)

    def _report(self, reading: dict, refers_to: str | None) -> None:
        snapshot_id = self.archive.warc_record_snapshot(refers_to) if refers_to else None
        if snapshot_id is None or self.archive.report_id_of_snapshot(snapshot_id) is not None:
            return
        parts = [self.archive.warc_record_snapshot(part) for part in reading.get("parts") or []]
        report_id = self.archive.record_report(
            snapshot=Snapshot(snapshot_id, reading["url"], "", is_new=False), source=reading.get("source"),
            kind=reading["kind"], title=reading.get("title"), year=reading.get("year"),
            parent_url=reading.get("parent_url"), link_text=reading.get("link_text"))
        if parts and None not in parts:
            self.archive.record_report_parts(report_id, parts)
        self.archive.commit()
        parse_stored_report(self.archive, report_id, utc_now())
        self.counts["reports"] += 1

    def record(self, record, offset: int) -> None:
        if record.rec_type == "warcinfo":
            self.warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
            self._keep(record, offset)
        elif record.rec_type == "response" and record.http_headers is not None \
                and record.http_headers.protocol.upper().startswith("HTTP"):
            self.response(record, offset)
        elif record.rec_type == "request":
            headers = record.rec_headers
            self.last_request = (headers.get_header("WARC-Record-ID"), headers.get_header("WARC-Target-URI"),
                                 headers.get_header("WARC-Date"))
        elif record.rec_type == "revisit":
            self.revisit(record, offset)
        elif record.rec_type == "metadata":
            self.metadata(record, offset)

    def run(self) -> None:
        with open(self.path, "rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                offset = iterator.offset
                try:
                    self.record(record, offset)
                except Exception as error:  # a record read whole but not understood (a status "abc"…)
                    self.problems.append(WarcProblem(self.path, offset, problem_message(error), "this record"))
                    self.counts["records not archived"] += 1
        self.archive.commit()
        if not self.report_records:
            self.counts["reports"] += record_captured_reports(self.archive, self.crawl_id)


def import_warcs(archive: Archive, paths: list[Path]) -> ImportSummary:
    """Import each readable file; unreadable ones are reported in the summary and change nothing."""
    summary = ImportSummary()
    for path in paths:
        problem = check_warc(path)
        if problem is not None:
            summary.problems.append(problem)
            continue
        crawl_id = archive.start_crawl("import-warc", {"warc": str(path)})
        counts = Counter()
        importer = FileImport(archive, path, crawl_id, counts)
        importer.run()
        summary.problems += importer.problems
        status = f"finished, {len(importer.problems)} records not archived" if importer.problems else "finished"
        archive.finish_crawl(crawl_id, status, dict(counts))
        summary.counts.update(counts)
        summary.files += 1
    return summary
