"""The SQLite archive: fetch log, byte-exact snapshots, the reports found and their parse results
(format-spec §6.5). Every SQL statement on these tables is here.

Append-only by design: a snapshot row is never updated or deleted; the same bytes fetched again
from the same URL add a `fetches` row pointing at the existing snapshot, changed bytes add a new
snapshot. Parse results are derived data, replaced wholesale for a report. Writes are batched into
transactions (WAL mode), so a crash loses at most the last uncommitted batch and never leaves a
half-written row.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlite_utils

from archive.decoding import decode_body
from archive.formats import is_text
from archive.sources import Source

if TYPE_CHECKING:  # the parser's result type; the store only reads its fields
    from archive.parsing.model import ParsedReport

SCHEMA_VERSION = 1
# Where the crawl writes and the commands read when no path is given (crawler/settings.py ARCHIVE_DB).
DEFAULT_ARCHIVE_PATH = "archive.db"
# The `reports` columns a parse fills (the crawler's title and year stay when the parser finds none).
PARSED_FIELDS = ("title", "agency", "region", "year", "published", "index_no", "format", "text",
                 "parse_status")


def utc_now() -> str:
    """ISO 8601 UTC timestamp with milliseconds, the format of every *_at column."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class Fetch:
    """One HTTP request and its outcome: a response status or an error."""

    url: str
    requested_at: str
    method: str = "GET"
    status: int | None = None
    error: str | None = None
    bytes: int | None = None
    duration_ms: float | None = None
    source: str | None = None
    redirect_chain: tuple[str, ...] = ()
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """A distinct body fetched from a URL, exactly as received."""

    id: int
    url: str
    sha256: str
    is_new: bool


@dataclass(frozen=True)
class StoredSnapshot:
    """An archived body with what it was served with."""

    id: int
    url: str
    status: int | None
    content_type: str | None
    encoding: str | None
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Validators:
    """A URL's latest snapshot and the validators (ETag, Last-Modified) its bytes were served with."""

    snapshot_id: int
    fetched_at: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class ReportDocument:
    """What a report is parsed from: its snapshot, or its parts in order (a flipbook's pages)."""

    report_id: int
    title: str | None
    snapshots: tuple[StoredSnapshot, ...]
    in_parts: bool


@dataclass
class _Batch:
    """Commit policy: whichever comes first, a number of writes or an age in seconds."""

    max_writes: int = 50
    max_seconds: float = 2.0
    writes: int = 0
    opened: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        return self.writes >= self.max_writes or time.monotonic() - self.opened >= self.max_seconds


class Archive:
    """Read and write one archive database; one writer at a time (the crawl), any number of readers."""

    def __init__(self, path: str | Path, *, batch_writes: int = 50, batch_seconds: float = 2.0):
        self.path = Path(path)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.enable_wal()
        # NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the
        # last commits), which is the failure the crawl has to survive.
        self.db.execute("PRAGMA synchronous = NORMAL")
        ensure_schema(self.db)
        self._batch = _Batch(max_writes=batch_writes, max_seconds=batch_seconds)
        _install_fault_hook(self.db.conn)

    # -- transactions -------------------------------------------------------------------------
    def _write(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.begin()
            self._batch = _Batch(self._batch.max_writes, self._batch.max_seconds)
        self._batch.writes += 1

    def commit_if_due(self) -> None:
        if self.db.conn.in_transaction and self._batch.due() and not self._holding:
            self.db.commit()

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    # -- crawls -------------------------------------------------------------------------------
    def start_crawl(self, spider: str, args: dict) -> int:
        self._write()
        crawl_id = self.db["crawls"].insert(
            {"spider": spider, "started_at": utc_now(), "args": json.dumps(args, ensure_ascii=False),
             "status": "running"}
        ).last_pk
        self.commit()
        return crawl_id

    def finish_crawl(self, crawl_id: int, status: str, stats: dict) -> None:
        self._write()
        self.db["crawls"].update(
            crawl_id,
            {"finished_at": utc_now(), "status": status,
             "stats": json.dumps(stats, ensure_ascii=False, default=str)},
        )
        self.commit()

    def counts(self) -> dict[str, int]:
        """Rows of what a crawl adds: fetches, snapshots, reports."""
        return {table: self.db[table].count for table in ("fetches", "snapshots", "reports")}

    # -- sources ------------------------------------------------------------------------------
    def upsert_sources(self, sources: list[Source]) -> None:
        """The registry entries a crawl used, kept beside what they produced."""
        rows = [{**asdict(source), "domains": " ".join(source.domains)} for source in sources]
        if rows:
            self._write()
            self.db["sources"].upsert_all(rows, pk="name")
            self.commit_if_due()

    # -- fetches and snapshots ----------------------------------------------------------------
    def record_fetch(self, fetch: Fetch, crawl_id: int | None = None) -> int:
        self._write()
        row = {
            "crawl_id": crawl_id, "url": fetch.url, "method": fetch.method,
            "requested_at": fetch.requested_at, "status": fetch.status, "error": fetch.error,
            "bytes": fetch.bytes, "duration_ms": fetch.duration_ms, "source": fetch.source,
            "redirect_chain": json.dumps(list(fetch.redirect_chain)) if fetch.redirect_chain else None,
            "content_type": fetch.content_type, "etag": fetch.etag,
            "last_modified": fetch.last_modified, "flags": " ".join(fetch.flags) or None,
        }
        fetch_id = self.db["fetches"].insert(row).last_pk
        self.commit_if_due()
        return fetch_id

    def store_snapshot(
        self, *, url: str, body: bytes, status: int, content_type: str | None,
        headers: dict[str, str] | None = None, source: str | None = None,
        crawl_id: int | None = None, fetch_id: int | None = None, fetched_at: str | None = None,
        request: str | None = None, encoding: str | None = None,
    ) -> Snapshot:
        """Add the body as a new snapshot unless the latest snapshot of the same request has the
        same bytes. `request` names a request other than a plain GET of the URL ("POST <form>"):
        a list API answers one URL differently for each form it is sent. `encoding` is the one the
        crawler decoded the text with; the body is decoded here only when none is given."""
        digest = sha256_hex(body)
        latest = self.latest_snapshot_row(url, request)
        self._write()
        if latest is not None and latest["sha256"] == digest:
            snapshot = Snapshot(latest["id"], url, digest, is_new=False)
        else:
            encoding = _text_encoding(body, content_type, encoding)
            snapshot_id = self.db["snapshots"].insert({
                "url": url, "fetched_at": fetched_at or utc_now(), "status": status,
                "content_type": content_type, "encoding": encoding, "sha256": digest,
                "size": len(body), "body": body, "source": source, "crawl_id": crawl_id,
                "headers": json.dumps(headers, ensure_ascii=False) if headers else None,
                "previous_id": latest["id"] if latest is not None else None, "request": request,
            }).last_pk
            snapshot = Snapshot(snapshot_id, url, digest, is_new=True)
        if fetch_id is not None:
            self.db.execute("update fetches set snapshot_id = ? where id = ?", [snapshot.id, fetch_id])
        self.commit_if_due()
        return snapshot

    def latest_snapshot_row(self, url: str, request: str | None = None) -> dict | None:
        rows = self.db.query(
            "select id, sha256 from snapshots where url = ? and request is ? order by id desc limit 1",
            [url, request],
        )
        return next(iter(rows), None)

    def validators(self, url: str, request: str | None = None) -> Validators | None:
        """What a re-crawl of the URL asks with; None when nothing of it is archived."""
        row = self.db.execute(
            "select s.id, s.fetched_at, "
            "  (select f.etag from fetches f where f.snapshot_id = s.id and f.etag is not null "
            "   order by f.id desc limit 1), "
            "  (select f.last_modified from fetches f where f.snapshot_id = s.id "
            "   and f.last_modified is not null order by f.id desc limit 1) "
            "from snapshots s where s.url = ? and s.request is ? order by s.id desc limit 1",
            [url, request]).fetchone()
        return Validators(*row) if row is not None else None

    def snapshot(self, snapshot_id: int) -> StoredSnapshot:
        row = self.db.execute(
            "select id, url, status, content_type, encoding, headers, body from snapshots where id = ?",
            [snapshot_id]).fetchone()
        if row is None:
            raise KeyError(snapshot_id)
        *fields, headers, body = row
        return StoredSnapshot(*fields, headers=json.loads(headers) if headers else {}, body=body)

    # -- reports ------------------------------------------------------------------------------
    def record_report(
        self, *, snapshot: Snapshot, source: str | None, kind: str, title: str | None,
        year: int | None, parent_url: str | None = None, link_text: str | None = None,
    ) -> int:
        """A snapshot classified as a report (an HTML page or an attachment); one row per snapshot."""
        existing = self.db.execute(
            "select id from reports where snapshot_id = ?", [snapshot.id]
        ).fetchone()
        if existing:
            return existing[0]
        self._write()
        report_id = self.db["reports"].insert({
            "url": snapshot.url, "snapshot_id": snapshot.id, "source": source, "kind": kind,
            "title": title, "year": year, "parent_url": parent_url, "link_text": link_text,
            "parse_status": "pending", "first_seen_at": utc_now(),
        }).last_pk
        self.commit_if_due()
        return report_id

    def report_ids(self) -> list[int]:
        return [row[0] for row in self.db.execute("select id from reports order by id")]

    def pending_reports(self) -> list[int]:
        """Reports never parsed: a crawl stopped between archiving and parsing them."""
        return [row[0] for row in self.db.execute(
            "select id from reports where parse_status = 'pending' order by id")]

    def report_document(self, report_id: int) -> ReportDocument:
        """The report's crawler title and the snapshots it is read from (KeyError when missing)."""
        row = self.db.execute("select snapshot_id, title from reports where id = ?", [report_id]).fetchone()
        if row is None:
            raise KeyError(report_id)
        snapshot_id, title = row
        parts = self._part_ids(report_id)
        snapshots = tuple(self.snapshot(part) for part in parts or [snapshot_id])
        return ReportDocument(report_id, title, snapshots, in_parts=bool(parts))

    def set_parse_status(self, report_id: int, status: str) -> None:
        self._write()
        self.db["reports"].update(report_id, {"parse_status": status})
        self.commit_if_due()

    def parse_status_counts(self) -> dict[str, int]:
        return dict(self.db.execute(
            "select parse_status, count(*) from reports group by 1 order by 1").fetchall())

    def store_parsed(self, report_id: int, parsed: ParsedReport, parsed_at: str | None = None) -> bool:
        """Replace the report's parse results (fields, cells, checks, sections) in one transaction;
        True when its cells or check results changed."""
        before = self._parsed_fingerprint(report_id)
        fields = {name: getattr(parsed, name) for name in PARSED_FIELDS}
        fields = {k: v for k, v in fields.items() if v is not None or k not in ("title", "year")}
        fields.update(metadata=json.dumps(parsed.metadata, ensure_ascii=False),
                      notes=json.dumps(parsed.notes, ensure_ascii=False), parsed_at=parsed_at or utc_now())
        with self.db.atomic():
            self.db["reports"].update(report_id, fields)
            for table in ("report_cells", "report_checks", "report_sections"):
                self.db.execute(f"delete from {table} where report_id = ?", [report_id])
            self.db["report_cells"].insert_all(
                ({"report_id": report_id, "table_key": c.table_key, "row_key": c.row_key,
                  "col_key": c.col_key, "raw_text": c.raw_text, "value": _sql_number(c.value),
                  "unit": c.unit, "status": c.status,
                  "table_format": parsed.table_formats.get(c.table_key)} for c in parsed.cells),
                replace=True,
            )
            self.db["report_checks"].insert_all(
                ({"report_id": report_id, "identity": c.identity, "result": c.result,
                  "difference": _sql_number(c.difference), "severity": c.severity, "detail": c.detail}
                 for c in parsed.checks),
                replace=True,
            )
            self.db["report_sections"].insert_all(
                ({"report_id": report_id, "section": name, "text": text}
                 for name, text in parsed.sections.items()),
                replace=True,
            )
        return before != self._parsed_fingerprint(report_id)

    def _parsed_fingerprint(self, report_id: int) -> tuple:
        """What a user would call the report's parsed values: cells and check results."""
        cells = self.db.execute(
            "select table_key, row_key, col_key, value, status from report_cells where report_id = ? "
            "order by 1, 2, 3", [report_id]).fetchall()
        checks = self.db.execute(
            "select identity, result, difference from report_checks where report_id = ? order by 1",
            [report_id]).fetchall()
        return tuple(cells), tuple(checks)

    def _part_ids(self, report_id: int) -> list[int]:
        return [row[0] for row in self.db.execute(
            "select snapshot_id from report_parts where report_id = ? order by part_no", [report_id])]

    def record_report_parts(self, report_id: int, snapshot_ids: list[int]) -> bool:
        """The snapshots a report is joined from, in order (a flipbook's pages); True when they changed."""
        before = self._part_ids(report_id)
        if before == snapshot_ids:
            return False
        self._write()
        self.db.execute("delete from report_parts where report_id = ?", [report_id])
        self.db["report_parts"].insert_all(
            {"report_id": report_id, "part_no": number, "snapshot_id": snapshot_id}
            for number, snapshot_id in enumerate(snapshot_ids, start=1))
        self.commit_if_due()
        return True

    def report_urls(self) -> set[str]:
        return {row["url"] for row in self.db.query("select distinct url from reports")}

    # -- hostile portals, kills and repair (issue 12) -------------------------------------------
    _holding = 0  # open units of work (Archive.unit); class default, set per instance when used

    @contextmanager
    def unit(self) -> Iterator[None]:
        """Writes inside commit together or not at all: an item's snapshot, its report row and its
        parse results, so that a kill never leaves a snapshot without the report it was found to be."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
        self.commit_if_due()

    def record_crawl_process(self, crawl_id: int, pid: int) -> None:
        """The process running the crawl, so that a later crawl can tell it died."""
        self._write()
        self.db["crawls"].update(crawl_id, {"pid": pid})
        self.commit()

    def mark_killed_crawls(self, alive: Callable[[int], bool]) -> list[int]:
        """Crawls left `running` by a process that is gone become `killed`, with their last progress."""
        killed = []
        for crawl_id, pid, started_at in self.db.execute(
                "select id, pid, started_at from crawls where status = 'running'").fetchall():
            if pid is not None and alive(pid):
                continue
            fetches, last_fetch = self.db.execute(
                "select count(*), max(requested_at) from fetches where crawl_id = ?", [crawl_id]).fetchone()
            snapshots = self.db.execute("select count(*) from snapshots where crawl_id = ?", [crawl_id]).fetchone()[0]
            progress = {"fetches": fetches, "snapshots": snapshots, "last_fetch_at": last_fetch}
            self._write()
            self.db["crawls"].update(crawl_id, {"status": "killed", "finished_at": last_fetch or started_at,
                                                "stats": json.dumps(progress)})
            killed.append(crawl_id)
        self.commit()
        return killed

    def parse_status(self, report_id: int) -> str | None:
        row = self.db.execute("select parse_status from reports where id = ?", [report_id]).fetchone()
        return row[0] if row else None

    def set_fetch_kind(self, fetch_id: int, kind: str) -> None:
        """What the fetch turned out to be (archive.fetch_kinds): ok, soft_404, challenge, …"""
        self._write()
        self.db.execute("update fetches set kind = ? where id = ?", [kind, fetch_id])
        self.commit_if_due()

    def fetch_kind_counts(self, source: str | None = None) -> dict[str, int]:
        """Fetches per kind (of one source, or all): the per-source summary of what portals served."""
        where, params = ("where source = ?", [source]) if source else ("", [])
        return dict(self.db.execute(
            f"select coalesce(kind, 'unclassified'), count(*) from fetches {where} group by 1 order by 1",
            params).fetchall())

    def report_ids_at(self, url: str) -> list[int]:
        """Reports archived at a URL (each version of it), oldest first."""
        return [row[0] for row in self.db.execute("select id from reports where url = ? order by id", [url])]

    def record_report_event(self, report_id: int, url: str, event: str, fetch_id: int | None) -> None:
        """A report that a re-crawl found gone (removed) or hidden (blocked); its versions stay."""
        self._write()
        self.db["report_events"].insert({"report_id": report_id, "url": url, "event": event,
                                         "detected_at": utc_now(), "fetch_id": fetch_id})
        self.commit_if_due()

    def store_version(self, **snapshot: Any) -> Snapshot:
        """store_snapshot, except that changed bytes whose normalized content (archive.change_detection:
        view counters, times, tokens, session ids blanked) is the latest snapshot's are no new version:
        the fetch points at that snapshot, whose raw bytes stay exactly as first fetched. Only changed
        bytes are normalized (the first fetch and unchanged bytes cost no parse)."""
        from archive.change_detection import content_digest  # lxml; only for changed bytes

        url, request, body = snapshot["url"], snapshot.get("request"), snapshot["body"]
        latest = self.db.execute(
            "select id, sha256, content_digest, body, content_type, encoding from snapshots "
            "where url = ? and request is ? order by id desc limit 1", [url, request]).fetchone()
        if latest is None or latest[1] == sha256_hex(body):
            return self.store_snapshot(**snapshot)
        digest = content_digest(body, snapshot.get("content_type"), snapshot.get("encoding"))
        if _latest_digest(self, latest) == digest:
            if snapshot.get("fetch_id") is not None:
                self._write()
                self.db.execute("update fetches set snapshot_id = ? where id = ?", [latest[0], snapshot["fetch_id"]])
                self.commit_if_due()
            return Snapshot(latest[0], url, latest[1], is_new=False)
        stored = self.store_snapshot(**snapshot)
        self.db.execute("update snapshots set content_digest = ? where id = ?", [digest, stored.id])
        return stored

    def latest_fetch_id(self, url: str) -> int | None:
        """The last fetch of a URL (the fetch log's row for an attempt that ended in an error)."""
        return self.db.execute("select max(id) from fetches where url = ?", [url]).fetchone()[0]


def _sql_number(value: int | Decimal | None) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _text_encoding(body: bytes, content_type: str | None, decoded_as: str | None) -> str | None:
    """The encoding of a text body: the one it was decoded with, else found by decoding it here."""
    if not _is_text(content_type, body):
        return None
    return decoded_as or decode_body(body, content_type).encoding


def _is_text(content_type: str | None, body: bytes) -> bool:
    return is_text(body, content_type)


# Fault injection for the kill tests: GOV_REPORTS_FAULT_COMMIT names a commit point at which the
# process exits (os._exit, as kill -9 would leave it) just before committing: "N" for its Nth commit
# on an archive, "TABLE:N" for the Nth commit of a transaction that wrote TABLE (snapshots:3,
# reports:1, report_cells:2 …).
FAULT_COMMIT_ENV = "GOV_REPORTS_FAULT_COMMIT"
_WRITTEN_TABLE = re.compile(r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+[\[\"`]?(\w+)",
                            re.IGNORECASE)
_commits_seen: dict[str, int] = {}


def _install_fault_hook(conn: sqlite3.Connection) -> None:
    target = os.environ.get(FAULT_COMMIT_ENV, "").strip()
    if not target:
        return
    table, _, count = target.rpartition(":")
    point, written = (table or "*", int(count)), set()

    def trace(statement: str) -> None:
        head = statement.lstrip()[:8].upper()
        if head.startswith("COMMIT"):
            for name in ("*", *written):
                _commits_seen[name] = _commits_seen.get(name, 0) + 1
                if (name, _commits_seen[name]) == point:
                    os._exit(137)
            written.clear()
        elif head.startswith("ROLLBACK") and "TO" not in statement.upper():
            written.clear()
        else:
            match = _WRITTEN_TABLE.match(statement)
            if match:
                written.add(match.group(1).lower())

    conn.set_trace_callback(trace)


def _latest_digest(archive: Archive, latest: tuple) -> str:
    """The content digest of a latest-snapshot row, computed (and kept) for snapshots older than it."""
    snapshot_id, _, digest, body, content_type, encoding = latest
    if digest is None:
        from archive.change_detection import content_digest  # lxml walk; only for old snapshots

        digest = content_digest(body, content_type, encoding)
        archive._write()
        archive.db.execute("update snapshots set content_digest = ? where id = ?", [digest, snapshot_id])
    return digest


def _ensure_hostile_columns(db: sqlite_utils.Database) -> None:
    """Columns and tables of issue 12: the crawl's process, what each fetch was, content digests,
    report events (removed/blocked, shared with the coverage work: same table, same columns)."""
    for table, column, kind in (("crawls", "pid", int), ("fetches", "kind", str),
                                ("snapshots", "content_digest", str)):
        if column not in db[table].columns_dict:
            db[table].add_column(column, kind)
    db["report_events"].create(
        {"id": int, "report_id": int, "url": str, "event": str, "detected_at": str, "fetch_id": int},
        pk="id", if_not_exists=True,
    )
    db["report_events"].create_index(["report_id"], if_not_exists=True)
    db["fetches"].create_index(["kind"], if_not_exists=True)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create every table, index and view if missing; safe to call on every open."""
    db["crawls"].create(
        {"id": int, "spider": str, "started_at": str, "finished_at": str, "status": str,
         "args": str, "stats": str},
        pk="id", if_not_exists=True,
    )
    db["sources"].create(
        {"name": str, "region": str, "level": str, "start_url": str, "list_form": str,
         "domains": str, "notes": str},
        pk="name", if_not_exists=True,
    )
    db["snapshots"].create(
        {"id": int, "url": str, "fetched_at": str, "status": int, "content_type": str,
         "encoding": str, "sha256": str, "size": int, "body": bytes, "source": str,
         "crawl_id": int, "headers": str, "previous_id": int, "request": str},
        pk="id", if_not_exists=True,
    )
    if "request" not in db["snapshots"].columns_dict:  # archives made before list answers were kept
        db["snapshots"].add_column("request", str)
    db["fetches"].create(
        {"id": int, "crawl_id": int, "url": str, "method": str, "requested_at": str,
         "status": int, "error": str, "bytes": int, "duration_ms": float, "source": str,
         "redirect_chain": str, "content_type": str, "etag": str, "last_modified": str,
         "flags": str, "snapshot_id": int},
        pk="id", if_not_exists=True,
    )
    db["reports"].create(
        {"id": int, "url": str, "snapshot_id": int, "source": str, "kind": str,
         "parent_url": str, "link_text": str, "title": str, "agency": str, "region": str,
         "year": int, "published": str, "index_no": str, "format": str, "text": str,
         "parse_status": str, "first_seen_at": str},
        pk="id", if_not_exists=True,
    )
    _ensure_parse_tables(db)
    _ensure_hostile_columns(db)
    db["snapshots"].create_index(["url", "id"], if_not_exists=True)
    db["snapshots"].create_index(["sha256"], if_not_exists=True)
    db["fetches"].create_index(["url"], if_not_exists=True)
    db["fetches"].create_index(["crawl_id"], if_not_exists=True)
    # Re-crawls look up the validators (ETag, Last-Modified) a snapshot was served with, per request.
    db["fetches"].create_index(["snapshot_id"], if_not_exists=True)
    db["reports"].create_index(["snapshot_id"], unique=True, if_not_exists=True)
    db["reports"].create_index(["url"], if_not_exists=True)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _ensure_parse_tables(db: sqlite_utils.Database) -> None:
    """Tables the parse results fill (Archive.store_parsed); created with the rest so a fresh archive
    already has the published shape."""
    # `value` and `difference` are declared ANY (NUMERIC affinity): counts stay integers, money
    # stays decimal; REAL would turn every count into 859.0.
    db["report_cells"].create(
        {"report_id": int, "table_key": str, "row_key": str, "col_key": str, "raw_text": str,
         "value": "ANY", "unit": str, "status": str, "table_format": str},
        pk=("report_id", "table_key", "row_key", "col_key"), if_not_exists=True,
    )
    db["report_checks"].create(
        {"report_id": int, "identity": str, "result": str, "difference": "ANY", "severity": str,
         "detail": str},
        pk=("report_id", "identity"), if_not_exists=True,
    )
    db["report_sections"].create(
        {"report_id": int, "section": str, "text": str}, pk=("report_id", "section"),
        if_not_exists=True,
    )
    # A report read from several snapshots (a flipbook's pages, part 1 = reports.snapshot_id):
    # re-parsing joins them again in part order.
    db["report_parts"].create(
        {"report_id": int, "part_no": int, "snapshot_id": int}, pk=("report_id", "part_no"),
        if_not_exists=True,
    )
    for table in ("report_cells", "report_checks", "report_sections"):
        db[table].create_index(["report_id"], if_not_exists=True)
    db["report_cells"].create_index(["table_key", "row_key", "col_key"], if_not_exists=True)
    db["report_checks"].create_index(["identity", "result"], if_not_exists=True)
    for column in ("metadata", "notes", "parsed_at"):
        if column not in db["reports"].columns_dict:
            db["reports"].add_column(column, str)
