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
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlite_utils

from archive.cell_layouts import StoredCell, split_cells
from archive.compression import LEVEL as BODY_LEVEL
from archive.compression import (DICTIONARY_SAMPLES, BodyCodec, body_kind, compress_text, decompress_text,
                                 text_basis, train_dictionary, zstd_level)
from archive.decoding import decode_body
from archive.formats import is_text
from archive.sources import Source

if TYPE_CHECKING:  # the parser's result type; the store only reads its fields
    from archive.parsing.model import ParsedReport

SCHEMA_VERSION = 4  # 2: bodies zstd-compressed (snapshots.stored_body), section texts as offsets;
# 3: report texts compressed against their page (reports.stored_text), cells and checks keyed compactly;
# 4: blank cells left to their report's layout (archive/cell_layouts.py), not stored as rows
# Bytes of each body kept in memory as a dictionary training sample (a dictionary learns the
# templates at the start of documents; whole PDFs would only cost memory).
SAMPLE_BYTES = 64 * 1024
# Where the crawl writes and the commands read when no path is given (crawler/settings.py ARCHIVE_DB).
DEFAULT_ARCHIVE_PATH = "archive.db"
# The `reports` columns a parse fills (the crawler's title and year stay when the parser finds none).
PARSED_FIELDS = ("title", "agency", "region", "year", "published", "index_no", "format", "parse_status")


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
class ParseRows:
    """A parse result as `store_parsed` writes it, made where the report was parsed (a parser
    process) so that the one writer only looks up key ids and inserts. Cells are `cell_row`s and
    checks `check_row`s; the text is compressed against snapshot `basis_snapshot`."""

    basis_snapshot: int | None
    stored_text: bytes | None
    cells: tuple[tuple, ...]
    checks: tuple[tuple, ...]


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
    snapshot_id: int | None = None  # the report's own snapshot: its text is compressed against it


@dataclass(frozen=True)
class PendingDocument:
    """A document the crawl archived under no report title: the parse stage reads its own title
    and records it as a report (kind `attachment` or `flipbook`) only if that title names one."""

    id: int
    url: str
    snapshot_id: int
    kind: str
    source: str | None
    year: int | None  # the data year the crawl was limited to (a document of another year is none)
    parent_url: str | None
    link_text: str | None
    document: ReportDocument


@dataclass
class _Batch:
    """Commit policy: whichever comes first, a number of writes or an age in seconds."""

    max_writes: int = 50
    max_seconds: float = 2.0
    writes: int = 0
    opened: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        return self.writes >= self.max_writes or time.monotonic() - self.opened >= self.max_seconds


class ArchiveError(Exception):
    """The archive cannot be opened as one (the message says which file and why)."""


class Archive:
    """Read and write one archive database; one writer at a time (the crawl), any number of readers."""

    def __init__(self, path: str | Path, *, batch_writes: int = 50, batch_seconds: float = 2.0,
                 dictionary_samples: int = DICTIONARY_SAMPLES, body_level: int = BODY_LEVEL,
                 readonly: bool = False):
        try:
            level = zstd_level(body_level)
        except ValueError as error:
            raise ArchiveError(f"body level: {error}") from None
        self.path = Path(path)
        self.db = sqlite_utils.Database(
            sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) if readonly else self.path)
        self.codec = register_body_function(self.db.conn)
        self.codec.level = level
        try:
            self.db.execute("PRAGMA busy_timeout = 30000")
            if not readonly:
                self.db.enable_wal()
        except sqlite3.DatabaseError as error:  # a file that is not SQLite ("file is not a database")
            self.db.close()
            raise ArchiveError(f"{self.path}: not an archive database ({error})") from None
        if not readonly:
            # NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the
            # last commits), which is the failure the crawl has to survive.
            self.db.execute("PRAGMA synchronous = NORMAL")
            ensure_schema(self.db, self.codec)
        self._batch = _Batch(max_writes=batch_writes, max_seconds=batch_seconds)
        self._dictionary_samples = dictionary_samples
        self._dictionaries = {} if readonly else self._latest_dictionaries()
        self._samples: dict[str, list[bytes]] = {}
        self.rows = CompactRows(self.db.conn)
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

    def defer_row_indexes(self) -> bool:
        """Drop the checks' indexes (ROW_INDEXES) while the archive holds no checks (a
        first crawl into it), for restore_row_indexes to build once, sorted. Kept row by row, it
        puts each report's ~50 checks in as many places, each a page to write at the next commit.
        True when dropped."""
        self.commit()
        if self.db.execute("select 1 from report_check_values limit 1").fetchone():
            return False
        with self.db.conn:
            for name in ROW_INDEXES:
                self.db.execute(f"drop index if exists {name}")
        return True

    def restore_row_indexes(self) -> None:
        """Build the checks' indexes if missing (an archive opened for writing, and the
        publishing preparation, build them too: a crawl that stops before its end leaves them)."""
        self.commit()
        ensure_row_indexes(self.db)

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
            # alter: registry columns added later (budget_pages, budget_depth) join older archives
            self.db["sources"].upsert_all(rows, pk="name", alter=True)
            self.commit_if_due()

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row of the schema's own columns and plain values; its id. Several a page: not
        Table.insert, whose checks and SQL building took 100 µs a row against 8 µs for the insert."""
        sql = f"insert into [{table}] ({', '.join(f'[{c}]' for c in row)}) values ({', '.join('?' * len(row))})"
        return self.db.execute(sql, list(row.values())).lastrowid

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
        fetch_id = self._insert("fetches", row)
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
            snapshot_id = self._insert("snapshots", {
                "url": url, "fetched_at": fetched_at or utc_now(), "status": status,
                "content_type": content_type, "encoding": encoding, "sha256": digest,
                "size": len(body), **self._stored_body(body, content_type), "source": source,
                "crawl_id": crawl_id, "headers": json.dumps(headers, ensure_ascii=False) if headers else None,
                "previous_id": latest["id"] if latest is not None else None, "request": request,
            })
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
            "select id, url, status, content_type, encoding, headers from snapshots where id = ?",
            [snapshot_id]).fetchone()
        if row is None:
            raise KeyError(snapshot_id)
        *fields, headers = row
        return StoredSnapshot(*fields, headers=json.loads(headers) if headers else {},
                              body=self.body(snapshot_id))

    # -- bodies -------------------------------------------------------------------------------
    def body(self, snapshot_id: int) -> bytes:
        """The snapshot's body exactly as fetched (KeyError when missing); every read of a body
        goes through here or the `body` column, which both decompress with `self.codec`."""
        return snapshot_body(self.db.conn, snapshot_id, self.codec)

    def _stored_body(self, body: bytes, content_type: str | None) -> dict:
        """The compressed columns of a new body; trains its kind's dictionary once enough samples
        were compressed without one."""
        kind = body_kind(body, content_type)
        dictionary_id = self._dictionaries.get(kind, 0)
        stored = {"stored_body": self.codec.compress(body, dictionary_id), "dictionary_id": dictionary_id}
        if not dictionary_id and body:
            samples = self._samples.setdefault(kind, [])
            samples.append(body[:SAMPLE_BYTES])
            if len(samples) >= self._dictionary_samples:
                self._train(kind, samples)
        return stored

    def _train(self, kind: str, samples: list[bytes]) -> None:
        trained = train_dictionary(samples)
        self._samples[kind] = []
        if trained is None:
            return
        self._dictionaries[kind] = insert_dictionary(self.db, kind, trained, len(samples))

    def _latest_dictionaries(self) -> dict[str, int]:
        return dict(self.db.execute("select kind, max(id) from body_dictionaries group by kind").fetchall())

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
        report_id = self._insert("reports", {
            "url": snapshot.url, "snapshot_id": snapshot.id, "source": source, "kind": kind,
            "title": title, "year": year, "parent_url": parent_url, "link_text": link_text,
            "parse_status": "pending", "first_seen_at": utc_now(),
        })
        self.commit_if_due()
        return report_id

    def record_pending_document(
        self, *, snapshot: Snapshot, kind: str, source: str | None, title: str | None = None,
        year: int | None = None, parent_url: str | None = None, link_text: str | None = None,
        parts: list[int] | None = None,
    ) -> int | None:
        """A document whose title the parse stage decides on; None when this snapshot (and these
        parts) of the URL was already recorded, as a report or pending."""
        parts_json = json.dumps(parts) if parts else None
        existing = self.db.execute(
            "select id from pending_documents where url = ? and snapshot_id = ? and parts is ?",
            [snapshot.url, snapshot.id, parts_json]).fetchone()
        if existing:
            return None
        self._write()
        document_id = self._insert("pending_documents", {
            "url": snapshot.url, "snapshot_id": snapshot.id, "kind": kind, "source": source,
            "title": title, "year": year, "parent_url": parent_url, "link_text": link_text,
            "parts": parts_json, "status": "pending", "recorded_at": utc_now(),
        })
        self.commit_if_due()
        return document_id

    def pending_documents(self) -> list[int]:
        return [row[0] for row in self.db.execute(
            "select id from pending_documents where status = 'pending' order by id")]

    def pending_document(self, document_id: int) -> PendingDocument:
        row = self.db.execute(
            "select id, url, snapshot_id, kind, source, year, parent_url, link_text, title, parts "
            "from pending_documents where id = ?", [document_id]).fetchone()
        if row is None:
            raise KeyError(document_id)
        *fields, title, parts = row
        part_ids = json.loads(parts) if parts else []
        snapshots = tuple(self.snapshot(part) for part in part_ids or [fields[2]])
        return PendingDocument(*fields, document=ReportDocument(0, title, snapshots, bool(part_ids), fields[2]))

    def decide_document(self, document_id: int, status: str, report_id: int | None = None) -> None:
        """What the parse stage found a pending document to be: `report` (with its row),
        `not_a_report` or a parse error."""
        self._write()
        self.db["pending_documents"].update(document_id, {"status": status, "report_id": report_id,
                                                          "decided_at": utc_now()})
        self.commit_if_due()

    def report_ids(self) -> list[int]:
        return [row[0] for row in self.db.execute("select id from reports order by id")]

    def sources_with_reports(self) -> set[str]:
        """Sources for which the archive already holds reports (from earlier or interrupted crawls)."""
        return {row[0] for row in self.db.execute("select distinct source from reports where source is not null")}

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
        return ReportDocument(report_id, title, snapshots, in_parts=bool(parts), snapshot_id=snapshot_id)

    def set_parse_status(self, report_id: int, status: str) -> None:
        self._write()
        self.db["reports"].update(report_id, {"parse_status": status})
        self.commit_if_due()

    def parse_status_counts(self) -> dict[str, int]:
        return dict(self.db.execute(
            "select parse_status, count(*) from reports group by 1 order by 1").fetchall())

    def store_parsed(self, report_id: int, parsed: ParsedReport, parsed_at: str | None = None,
                     rows: ParseRows | None = None) -> bool:
        """Replace the report's parse results (fields, cells, checks, sections) in one transaction;
        True when its cells or check results changed. `rows` are the cells, checks and compressed
        text already made (by the parser process, `parse_rows`); `parsed`'s own cells and checks are
        then not read."""
        before = self._parsed_fingerprint(report_id)
        snapshot_id = self._report_snapshot(report_id)
        if rows is None:
            rows = self.parse_rows(parsed, snapshot_id)
        elif rows.basis_snapshot != snapshot_id:  # made against another snapshot: the text again
            rows = replace(rows, basis_snapshot=snapshot_id, stored_text=self.stored_text(report_id, parsed.text))
        fields = {name: getattr(parsed, name) for name in PARSED_FIELDS}
        fields = {k: v for k, v in fields.items() if v is not None or k not in ("title", "year")}
        fields.update(metadata=json.dumps(parsed.metadata, ensure_ascii=False),
                      notes=json.dumps(parsed.notes, ensure_ascii=False), parsed_at=parsed_at or utc_now(),
                      stored_text=rows.stored_text)
        try:
            self._write_parsed(report_id, fields, rows, section_spans(parsed.text, parsed.sections))
        except BaseException:
            self.rows.settled(kept=False)
            raise
        self.rows.settled(kept=True)
        # Nothing before (a first parse): changed exactly when there is something now.
        return (bool(rows.cells or rows.checks) if before == ((), ())
                else before != self._parsed_fingerprint(report_id))

    def _write_parsed(self, report_id: int, fields: dict, rows: ParseRows, sections: Iterable[tuple[str, dict]]) -> None:
        with self.db.atomic():  # inside a unit, part of the batch; alone, committed by itself
            # Not Table.update, which reads the row back: its texts would be decompressed for nothing.
            self.db.execute(f"update reports set {', '.join(f'[{name}] = ?' for name in fields)} where id = ?",
                            [*fields.values(), report_id])
            layout = self.db.execute("select layout_id from report_cell_layouts where report_id = ?",
                                     [report_id]).fetchone()
            for table in ("report_cell_values", "report_cell_layouts", "report_check_values", "report_sections"):
                self.db.execute(f"delete from {table} where report_id = ?", [report_id])
            self.rows.write_cell_rows(report_id, rows.cells)
            if layout is not None:
                self.rows.forget_layout(layout[0])
            self.rows.write_check_rows(report_id, rows.checks)
            self.db.conn.executemany(
                "insert or replace into report_sections (report_id, section, char_start, char_end, text) "
                "values (?, ?, ?, ?, ?)",
                [(report_id, name, span["char_start"], span["char_end"], span["text"]) for name, span in sections])

    def parse_rows(self, parsed: ParsedReport, snapshot_id: int | None,
                   body: StoredSnapshot | None = None) -> ParseRows:
        """`parsed` as the rows `store_parsed` writes, its text compressed against snapshot
        `snapshot_id` (`body`: that snapshot, when the caller has read it already)."""
        if body is not None and body.id == snapshot_id:
            basis = text_basis(body.body, body.encoding)
        else:
            basis = _snapshot_basis(self.db.conn, snapshot_id, self.codec)
        return parse_rows(parsed, snapshot_id, basis)

    def stored_text(self, report_id: int, text: str | None) -> bytes | None:
        """The `stored_text` of a report's text: compressed against its snapshot's body."""
        if text is None:
            return None
        return compress_text(text, _report_basis(self.db.conn, report_id, self.codec))

    def set_report_text(self, report_id: int, text: str | None) -> None:
        """Replace a report's text (what a parse does, for callers that only have a text)."""
        self._write()
        self.db.execute("update reports set stored_text = ? where id = ?", [self.stored_text(report_id, text), report_id])
        self.commit_if_due()

    def _parsed_fingerprint(self, report_id: int) -> tuple:
        """What a user would call the report's parsed values: cells and check results."""
        cells = self.db.execute(
            "select table_key, row_key, col_key, value, status from report_cells where report_id = ? "
            "order by 1, 2, 3", [report_id]).fetchall()
        checks = self.db.execute(
            "select identity, result, difference from report_checks where report_id = ? order by 1",
            [report_id]).fetchall()
        return tuple(cells), tuple(checks)

    def _report_snapshot(self, report_id: int) -> int | None:
        """The report's own snapshot (KeyError when there is no such report)."""
        row = self.db.execute("select snapshot_id from reports where id = ?", [report_id]).fetchone()
        if row is None:
            raise KeyError(report_id)
        return row[0]

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

    def merge_from(self, path: str | Path) -> MergeSummary:
        """Add another archive's snapshots, fetches, reports and parse results, skipping what this
        one already holds (ArchiveMerge). An archive of an older schema is migrated first."""
        self.commit()
        Archive(path).close()  # brings an older archive to this schema first
        source = connect_archive(path, readonly=True)
        try:
            return ArchiveMerge(self, source).run()
        finally:
            source.close()

    def report_urls(self) -> set[str]:
        return {row["url"] for row in self.db.query("select distinct url from reports")}

    # -- web archives (WARC/WACZ export and import, capture traceability) ---------------------
    def _keyset_pages(self, sql: str, params: dict, page: int) -> Iterator[dict]:
        """The rows of `sql` (`… id > :last … order by id limit :page`) one page at a time, so
        that memory stays flat in the archive's size."""
        last = 0
        while True:
            rows = list(self.db.query(sql, {**params, "last": last, "page": page}))
            yield from rows
            if len(rows) < page:
                return
            last = rows[-1]["id"]

    def iter_export_fetches(self, *, source: str | None = None, year: int | None = None,
                            since: str | None = None, page: int = 500) -> Iterator[dict]:
        """Fetches in id order, with their snapshot's metadata but never its body (read with
        `snapshot_body`)."""
        where, params = _export_filter("f", source, year, since, "f.requested_at")
        yield from self._keyset_pages(
            "select f.*, s.fetched_at as snapshot_fetched_at, s.status as snapshot_status, "
            "s.content_type as snapshot_content_type, s.sha256, s.size, s.headers, s.request, "
            "s.source as snapshot_source from fetches f left join snapshots s on s.id = f.snapshot_id "
            f"where f.id > :last {where} order by f.id limit :page", params, page)

    def iter_unfetched_snapshots(self, *, source: str | None = None, year: int | None = None,
                                 since: str | None = None, page: int = 500) -> Iterator[dict]:
        """Snapshots no fetch row points at (stored by other means), without bodies, in id order."""
        where, params = _export_filter("s", source, year, since, "s.fetched_at")
        yield from self._keyset_pages(
            "select s.id, s.url, s.fetched_at, s.status, s.content_type, s.sha256, s.size, "
            "s.headers, s.request, s.source from snapshots s where s.id > :last and not exists "
            f"(select 1 from fetches f where f.snapshot_id = s.id) {where} order by s.id limit :page", params, page)

    def snapshot_body(self, snapshot_id: int) -> bytes:
        """The bytes as fetched (read through `snapshot`, the one place bodies are read)."""
        return self.snapshot(snapshot_id).body

    def redirect_target(self, fetch_id: int, url: str) -> str | None:
        """Where a redirect hop led: the next URL of the first later fetch whose chain holds it."""
        rows = self.db.execute(
            "select url, redirect_chain from fetches where id > ? and redirect_chain like ? "
            "order by id limit 1", [fetch_id, "%" + json.dumps(url)[1:-1] + "%"]).fetchall()
        for final_url, chain in rows:
            hops = json.loads(chain) + [final_url]
            if url in hops[:-1]:
                return hops[hops.index(url) + 1]
        return None

    def record_warc_records(self, rows: list[dict]) -> None:
        """WARC records written or read for captures: record id, type, file, offset, fetch, snapshot."""
        if rows:
            self._write()
            # A record read again (the same file imported twice) is already there: kept once.
            self.db["warc_records"].insert_all(rows, ignore=True)
            self.commit_if_due()

    def warc_record_snapshot(self, record_id: str) -> int | None:
        row = self.db.execute("select snapshot_id from warc_records where record_id = ? "
                              "and snapshot_id is not null", [record_id]).fetchone()
        return row[0] if row else None

    def exported_capture(self, warcinfo_id: str, snapshot_id: int) -> str | None:
        """The record holding a snapshot's capture (its response, or a digest revisit) in one WARC file."""
        row = self.db.execute(
            "select record_id from warc_records where warcinfo_id = ? and snapshot_id = ? and "
            "warc_type in ('response', 'revisit') order by rowid limit 1", [warcinfo_id, snapshot_id]).fetchone()
        return row[0] if row else None

    def exported_record_with_sha256(self, warcinfo_id: str, sha256: str) -> dict | None:
        """The response record in one WARC file that holds these bytes (revisits refer to it)."""
        rows = self.db.query(
            "select w.record_id, w.target_uri, w.warc_date from snapshots s join warc_records w on "
            "w.snapshot_id = s.id and w.warcinfo_id = ? and w.warc_type = 'response' where s.sha256 = ? "
            "order by w.rowid limit 1", [warcinfo_id, sha256])
        return next(iter(rows), None)

    def iter_exported_reports(self, warcinfo_id: str) -> Iterator[dict]:
        """Reports whose snapshot went into one WARC file, with the capture record ids of their parts."""
        capture = ("(select w.record_id from warc_records w where w.warcinfo_id = :warcinfo and "
                   "w.snapshot_id = {} and w.warc_type in ('response', 'revisit') order by w.rowid limit 1)")
        for row in self._keyset_pages(
                f"select * from (select r.id, r.url, r.snapshot_id, r.source, r.kind, r.title, r.year, "
                f"r.parent_url, r.link_text, {capture.format('r.snapshot_id')} as record_id from reports r "
                "where r.id > :last order by r.id) where record_id is not null limit :page",
                {"warcinfo": warcinfo_id}, 200):
            row["parts"] = [part[0] for part in self.db.execute(
                f"select {capture.format('p.snapshot_id')} from report_parts p where p.report_id = :report "
                "order by p.part_no", {"warcinfo": warcinfo_id, "report": row["id"]})]
            yield row

    def iter_report_pages(self, warcinfo_id: str) -> Iterator[dict]:
        """The reports exported into one WARC file: URL, capture time, title."""
        yield from self.db.query(
            "select r.id, r.url, r.title, s.url as capture_url, s.fetched_at from reports r join snapshots s "
            "on s.id = r.snapshot_id where exists (select 1 from warc_records w where w.snapshot_id = "
            "r.snapshot_id and w.warcinfo_id = ? and w.warc_type in ('response', 'revisit')) order by r.id",
            [warcinfo_id])

    def snapshot_with_digest(self, url: str, sha256: str, request: str | None = None) -> dict | None:
        """Any snapshot of this request with these bytes (import de-duplicates against all of them)."""
        rows = self.db.query("select id, sha256 from snapshots where url = ? and request is ? and "
                             "sha256 = ? order by id desc limit 1", [url, request, sha256])
        return next(iter(rows), None)

    def snapshot_id_with_sha256(self, sha256: str) -> int | None:
        row = self.db.execute("select id from snapshots where sha256 = ? order by id limit 1",
                              [sha256]).fetchone()
        return row[0] if row else None

    def import_capture(self, *, fetch: Fetch, body: bytes, headers: dict[str, str] | None,
                       fetched_at: str, request: str | None, crawl_id: int | None) -> tuple[Snapshot, bool]:
        """A response read from a WARC: a snapshot unless these bytes of this request are already
        archived, and a fetch unless the same fetch (URL, time, snapshot) is; (snapshot, fetch added)."""
        # The same capture imported again, or unchanged bytes fetched again (the latest snapshot of
        # this request has them); bytes that come back after a change are a new version, as in a crawl.
        digest = sha256_hex(body)
        existing = next(iter(self.db.query(
            "select id, sha256 from snapshots where url = ? and request is ? and sha256 = ? and fetched_at = ? "
            "order by id desc limit 1", [fetch.url, request, digest, fetched_at])), None)
        latest = self.latest_snapshot_row(fetch.url, request)
        if existing is None and latest is not None and latest["sha256"] == digest:
            existing = latest
        if existing is not None:
            snapshot = Snapshot(existing["id"], fetch.url, existing["sha256"], is_new=False)
            known = self.db.execute("select 1 from fetches where url = ? and requested_at = ? and "
                                    "snapshot_id = ?", [fetch.url, fetch.requested_at, snapshot.id]).fetchone()
            if known:
                return snapshot, False
            fetch_id = self.record_fetch(fetch, crawl_id)
            self._write()
            self.db.execute("update fetches set snapshot_id = ? where id = ?", [snapshot.id, fetch_id])
            return snapshot, True
        fetch_id = self.record_fetch(fetch, crawl_id)
        snapshot = self.store_snapshot(url=fetch.url, body=body, status=fetch.status,
                                       content_type=fetch.content_type, headers=headers, source=fetch.source,
                                       crawl_id=crawl_id, fetch_id=fetch_id, fetched_at=fetched_at,
                                       request=request)
        return snapshot, True

    def add_fetch_once(self, fetch: Fetch, crawl_id: int | None) -> bool:
        """Log a fetch read from a WARC unless the same one (URL, time, status, error) is there."""
        known = self.db.execute("select 1 from fetches where url = ? and requested_at = ? and status is ? "
                                "and error is ?", [fetch.url, fetch.requested_at, fetch.status,
                                                   fetch.error]).fetchone()
        if known:
            return False
        self.record_fetch(fetch, crawl_id)
        return True

    def revisited_snapshot(self, sha256: str | None, refers_to: str | None,
                           payload_digest: str | None) -> int | None:
        """The snapshot a revisit record means: by sha256, by the record it refers to, or by the
        payload digest (any algorithm) of a response record imported before."""
        if sha256 and (found := self.snapshot_id_with_sha256(sha256)) is not None:
            return found
        if refers_to and (found := self.warc_record_snapshot(refers_to)) is not None:
            return found
        if payload_digest:
            row = self.db.execute("select snapshot_id from warc_records where payload_digest = ? and "
                                  "snapshot_id is not null order by rowid limit 1", [payload_digest]).fetchone()
            return row[0] if row else None
        return None

    def iter_crawl_snapshots(self, crawl_id: int) -> Iterator[dict]:
        """Snapshots a crawl (or an import) added, without bodies, in id order."""
        yield from self.db.query("select id, url, status, content_type, sha256, source from snapshots "
                                 "where crawl_id = ? order by id", [crawl_id])

    def report_id_of_snapshot(self, snapshot_id: int) -> int | None:
        row = self.db.execute("select id from reports where snapshot_id = ?", [snapshot_id]).fetchone()
        return row[0] if row else None

    # -- coverage: places, publishers, expected versus found, report events, source health --------
    def coverage_source_rows(self) -> list[dict]:
        return list(self.db.query("select * from sources order by name"))

    def coverage_report_rows(self) -> list[dict]:
        """Every report version with what coverage needs: is it its URL's latest, how many versions
        its URL has, and the URL's last event."""
        return list(self.db.query("""
            select r.id, r.url, r.source, r.agency, r.year, r.published,
                   r.id = (select max(x.id) from reports x where x.url = r.url) as is_latest,
                   (select count(*) from reports x where x.url = r.url) as versions,
                   (select e.kind from report_events e where e.url = r.url order by e.id desc limit 1)
                     as event
            from reports r order by r.id"""))

    def replace_coverage(self, *, divisions: list[dict], source_places: list[dict],
                         publishers: list[dict], report_places: list[dict], coverage: list[dict],
                         division_package: str) -> None:
        """Replace the derived coverage tables in one transaction (nothing archived is touched)."""
        self.commit()
        with self.db.conn:
            for table, rows in (("divisions", divisions), ("source_places", source_places),
                                ("publishers", publishers), ("report_places", report_places),
                                ("coverage", coverage)):
                self.db.execute(f"delete from [{table}]")
                if rows:
                    self.db[table].insert_all(rows, alter=True)
            self.db["coverage_meta"].upsert(
                {"key": "division_package", "value": division_package}, pk="key")
            self.db["coverage_meta"].upsert({"key": "refreshed_at", "value": utc_now()}, pk="key")

    def crawl_report_urls(self, crawl_id: int) -> list[dict]:
        """Report URLs archived before this crawl, of the sources it crawled, with this crawl's last
        fetch of each (status, snapshot, whether that snapshot is a report and a new version)."""
        return list(self.db.query("""
            with crawled as (select distinct source from fetches where crawl_id = :crawl),
            known as (
              select r.url, max(r.id) as report_id, r.source from reports r
              join snapshots s on s.id = r.snapshot_id
              where r.source in (select source from crawled) and s.crawl_id is not :crawl
              group by r.url),
            last_fetch as (
              select f.url, max(f.id) as fetch_id from fetches f
              where f.crawl_id = :crawl and f.url in (select url from known) group by f.url)
            select k.url, k.report_id, k.source, lf.fetch_id, f.status, f.snapshot_id,
                   exists(select 1 from reports r where r.snapshot_id = f.snapshot_id) as snapshot_is_report,
                   exists(select 1 from reports r join snapshots s on s.id = r.snapshot_id
                          where r.url = k.url and s.crawl_id = :crawl) as new_version,
                   exists(select 1 from fetches g where g.crawl_id = :crawl and g.source = k.source
                          and g.status between 200 and 399) as source_reached,
                   (select e.kind from report_events e where e.url = k.url order by e.id desc limit 1)
                     as last_event
            from known k left join last_fetch lf on lf.url = k.url
            left join fetches f on f.id = lf.fetch_id
            order by k.url""", {"crawl": crawl_id}))

    def add_report_events(self, events: list[dict]) -> None:
        if events:
            self._write()
            self.db["report_events"].insert_all({**event, "at": utc_now()} for event in events)
            self.commit()

    def crawl_source_stats(self, crawl_id: int) -> list[dict]:
        """Per source of a crawl: requests (robots.txt aside), errors by kind, reports seen, and the
        reports its earlier completed crawls had found (an interrupted one may have found only some)."""
        rows = self.db.query("""
            with f as (
              select source, url, status, error, snapshot_id,
                     case when error is not null then substr(error, 1, instr(error || ':', ':') - 1)
                          when status >= 400 then 'HTTP ' || status end as error_kind
              from fetches where crawl_id = :crawl and url not like '%/robots.txt')
            select source, count(*) as requests, count(error_kind) as errors,
                   (select json_group_object(error_kind, n) from (
                      select error_kind, count(*) as n from f g where g.source is f.source
                      and error_kind is not null group by error_kind)) as errors_by_kind,
                   (select count(distinct r.url) from f g join reports r on r.snapshot_id = g.snapshot_id
                    where g.source is f.source) as reports,
                   (select count(distinct r.url) from reports r join snapshots s on s.id = r.snapshot_id
                    join crawls c on c.id = s.crawl_id
                    where r.source is f.source and s.crawl_id < :crawl
                      and c.status in ('finished', 'degraded')) as earlier_reports
            from f group by source order by source""", {"crawl": crawl_id})
        return [{**row, "errors_by_kind": json.loads(row["errors_by_kind"] or "{}")} for row in rows]

    def set_crawl_status(self, crawl_id: int, status: str, problems: list[str]) -> None:
        """The status monitors gave a finished crawl (failed, degraded) and why."""
        self._write()
        self.db["crawls"].update(crawl_id, {"status": status, "problems": "; ".join(problems) or None},
                                 alter=True)
        self.commit()

    def source_last_crawls(self) -> list[dict]:
        """Per source: its last attempt and last success (a crawl that fetched one of its pages)."""
        return list(self.db.query("""
            select s.name, s.start_url,
                   max(c.started_at) as last_attempt,
                   max(case when f.status between 200 and 399 then c.started_at end) as last_success,
                   (select count(*) from coverage v join publishers p on p.id = v.publisher_id
                    where (' ' || p.sources || ' ') like '% ' || s.name || ' %'
                      and v.status in ('late', 'missing')) as late_or_missing
            from sources s left join fetches f on f.source = s.name
            left join crawls c on c.id = f.crawl_id
            group by s.name order by s.name"""))

    # -- hostile portals, kills and repair (issue 12) -------------------------------------------
    _holding = 0  # open units of work (Archive.unit); class default, set per instance when used

    @contextmanager
    def unit(self) -> Iterator[None]:
        """Writes inside commit together or not at all: an item's snapshot, its report row and its
        parse results, so that a kill never leaves a snapshot without the report it was found to be.
        They join the batch transaction (opened if none is): a savepoint outside one would commit by
        itself (the crawl's drain wrote one transaction per parse result)."""
        self._write()
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

    def record_report_event(self, report_id: int, url: str, event: str, fetch_id: int | None,
                            crawl_id: int | None = None) -> None:
        """A report that a re-crawl found gone (removed) or hidden (blocked); its versions stay."""
        self._write()
        self.db["report_events"].insert({"report_id": report_id, "url": url, "kind": event, "crawl_id": crawl_id,
                                         "fetch_id": fetch_id, "at": utc_now()})
        self.commit_if_due()

    def store_version(self, **snapshot: Any) -> Snapshot:
        """store_snapshot, except that changed bytes whose normalized content (archive.change_detection:
        view counters, times, tokens, session ids blanked) is the latest snapshot's are no new version:
        the fetch points at that snapshot, whose raw bytes stay exactly as first fetched. Only changed
        bytes are normalized (the first fetch and unchanged bytes cost no parse)."""
        from archive.change_detection import content_digest  # lxml; only for changed bytes

        url, request, body = snapshot["url"], snapshot.get("request"), snapshot["body"]
        latest = self.db.execute(
            "select id, sha256, content_digest, content_type, encoding from snapshots "
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


@dataclass
class MergeSummary:
    """What one merged archive added: rows new to the target, per table."""

    added: dict[str, int] = field(default_factory=dict)

    def count(self, table: str) -> None:
        self.added[table] = self.added.get(table, 0) + 1


class ArchiveMerge:
    """Copies one archive into another without duplicates: a snapshot is its (url, request, sha256),
    a fetch its (url, method, requested_at, status, error), a report its snapshot and url, a crawl
    its (spider, started_at), a report event its (url, kind, at, crawl), a WARC record its (record
    id, direction); ids are remapped, frames copied as stored with their dictionaries. Re-running
    a merge adds nothing. Coverage tables are derived: rebuilt by `gov-reports coverage`."""

    def __init__(self, target: "Archive", source: sqlite3.Connection):
        self.target, self.source, self.db = target, source, target.db
        self.summary = MergeSummary()
        self.ids: dict[str, dict[int, int]] = {}

    def run(self) -> MergeSummary:
        try:
            with self.db.atomic():
                self._crawls()
                self._sources()
                self._dictionaries()
                self._snapshots()
                self._fetches()
                self._reports()
                self._pending_documents()
                self._report_events()
                self._warc_records()
        except BaseException:
            self.target.rows.settled(kept=False)  # the key ids the merge assigned went with it
            raise
        self.target.rows.settled(kept=True)
        return self.summary

    def _rows(self, sql: str) -> Iterator[dict]:
        cursor = self.source.execute(sql)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row))

    def _map(self, table: str, old: int | None) -> int | None:
        return self.ids.get(table, {}).get(old) if old is not None else None

    def _find_or_insert(self, table: str, row: dict, key_sql: str, key: list) -> int:
        old_id = row.pop("id")
        found = self.db.execute(f"select id from {table} where {key_sql} limit 1", key).fetchone()
        if found:
            new_id = found[0]
        else:
            new_id = self.db[table].insert(row, alter=True).last_pk
            self.summary.count(table)
        self.ids.setdefault(table, {})[old_id] = new_id
        return new_id

    def _crawls(self) -> None:
        for row in self._rows("select * from crawls order by id"):
            self._find_or_insert("crawls", row, "spider is ? and started_at is ?", [row["spider"], row["started_at"]])

    def _sources(self) -> None:
        rows = list(self._rows("select * from sources"))
        if rows:
            self.db["sources"].upsert_all(rows, pk="name", alter=True)  # registry columns as the input has them

    def _dictionaries(self) -> None:
        for row in self._rows("select * from body_dictionaries order by id"):
            self._find_or_insert("body_dictionaries", row, "kind = ? and data = ?", [row["kind"], row["data"]])

    def _snapshots(self) -> None:
        for row in self._rows(f"select {', '.join(_SNAPSHOT_NAMES)} from snapshots order by id"):
            row.update(crawl_id=self._map("crawls", row["crawl_id"]),
                       previous_id=self._map("snapshots", row["previous_id"]),
                       dictionary_id=self._map("body_dictionaries", row["dictionary_id"]) or 0)
            self._find_or_insert("snapshots", row, "url = ? and request is ? and sha256 = ?",
                                 [row["url"], row["request"], row["sha256"]])

    def _fetches(self) -> None:
        for row in self._rows("select * from fetches order by id"):
            row.update(crawl_id=self._map("crawls", row["crawl_id"]),
                       snapshot_id=self._map("snapshots", row["snapshot_id"]))
            self._find_or_insert("fetches", row, "url = ? and method is ? and requested_at = ? and status is ? "
                                 "and error is ?", [row["url"], row["method"], row["requested_at"],
                                                    row["status"], row["error"]])

    def _reports(self) -> None:
        for row in self._rows("select * from reports order by id"):
            old_id = row["id"]
            # Generated: the text is read from stored_text against the same bytes, whatever the snapshot's id.
            row.pop("text", None)
            row["snapshot_id"] = self._map("snapshots", row["snapshot_id"])
            added = self.summary.added.get("reports", 0)
            new_id = self._find_or_insert("reports", row, "snapshot_id = ?", [row["snapshot_id"]])
            if self.summary.added.get("reports", 0) > added:  # a report new here: its parse results too
                self._report_rows(old_id, new_id)

    def _report_rows(self, old_id: int, new_id: int) -> None:
        rows = self.target.rows
        for table, columns, write in (("report_cells", CELL_COLUMNS, rows.write_cells),
                                      ("report_checks", CHECK_COLUMNS, rows.write_checks)):
            write((new_id, *row[1:]) for row in self.source.execute(
                f"select {', '.join(columns)} from {table} where report_id = ?", [old_id]))
        for table in ("report_sections", "report_parts"):
            rows = list(self._rows(f"select * from {table} where report_id = {int(old_id)}"))
            for row in rows:
                row["report_id"] = new_id
                if table == "report_parts":
                    row["snapshot_id"] = self._map("snapshots", row["snapshot_id"])
            if rows:
                self.db[table].insert_all(rows)

    def _pending_documents(self) -> None:
        for row in self._rows("select * from pending_documents order by id"):
            parts = json.loads(row["parts"]) if row["parts"] else None
            row.update(snapshot_id=self._map("snapshots", row["snapshot_id"]),
                       report_id=self._map("reports", row["report_id"]),
                       parts=json.dumps([self._map("snapshots", p) for p in parts]) if parts else None)
            self._find_or_insert("pending_documents", row, "url = ? and snapshot_id = ? and parts is ?",
                                 [row["url"], row["snapshot_id"], row["parts"]])

    def _report_events(self) -> None:
        """What crawls saw happen to reports (removed, blocked, …): recorded facts, not derived."""
        for row in self._rows("select * from report_events order by id"):
            row.update(report_id=self._map("reports", row["report_id"]), crawl_id=self._map("crawls", row["crawl_id"]),
                       fetch_id=self._map("fetches", row["fetch_id"]))
            self._find_or_insert("report_events", row, "url = ? and kind is ? and at is ? and crawl_id is ?",
                                 [row["url"], row["kind"], row["at"], row["crawl_id"]])

    def _warc_records(self) -> None:
        """WARC records written or read for the captures (one per record id and direction)."""
        for row in self._rows("select * from warc_records"):
            row.update(fetch_id=self._map("fetches", row["fetch_id"]),
                       snapshot_id=self._map("snapshots", row["snapshot_id"]))
            if self.db.execute("select 1 from warc_records where record_id = ? and direction = ?",
                               [row["record_id"], row["direction"]]).fetchone() is None:
                self.db["warc_records"].insert(row, alter=True)
                self.summary.count("warc_records")


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
# reports:1, report_cell_values:2 …; cells and checks count under their compact tables, not their views).
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
    snapshot_id, _, digest, content_type, encoding = latest
    if digest is None:
        from archive.change_detection import content_digest  # lxml walk; only for old snapshots

        # The raw bytes through the store's decompression (bodies are stored zstd-compressed).
        digest = content_digest(archive.body(snapshot_id), content_type, encoding)
        archive._write()
        archive.db.execute("update snapshots set content_digest = ? where id = ?", [digest, snapshot_id])
    return digest


def _ensure_hostile_columns(db: sqlite_utils.Database) -> None:
    """Columns of issue 12: the crawl's process, what each fetch was, content digests (report events
    are the coverage table `report_events`, created in _ensure_coverage_tables)."""
    for table, column, kind in (("crawls", "pid", int), ("fetches", "kind", str),
                                ("snapshots", "content_digest", str)):
        if column not in db[table].columns_dict:
            db[table].add_column(column, kind)
    db["fetches"].create_index(["kind"], if_not_exists=True)


def register_body_function(conn: sqlite3.Connection) -> BodyCodec:
    """Make `snapshots.body` and `reports.text` readable on this connection: the generated columns
    decompress `stored_body` with `archive_body(stored_body, dictionary_id)` (dictionaries read from
    the file) and `stored_text` with `archive_text(stored_text, snapshot_id)` (against that body)."""
    codec = body_codec(conn)
    conn.create_function("archive_body", 2, lambda stored, dictionary_id: None if stored is None
                         else codec.decompress(stored, dictionary_id or 0), deterministic=True)

    def text(stored: bytes | None, snapshot_id: int | None) -> str | None:
        if stored is None:
            return None
        return decompress_text(stored, lambda: _snapshot_basis(conn, snapshot_id, codec))

    conn.create_function("archive_text", 2, text, deterministic=True)
    return codec


def _snapshot_basis(conn: sqlite3.Connection, snapshot_id: int | None, codec: BodyCodec) -> bytes | None:
    """The bytes a report text is compressed against: its snapshot's body as UTF-8 text."""
    row = conn.execute("select encoding from snapshots where id = ?", [snapshot_id]).fetchone()
    if row is None or row[0] is None:
        return None
    return text_basis(snapshot_body(conn, snapshot_id, codec), row[0])


def _report_basis(conn: sqlite3.Connection, report_id: int, codec: BodyCodec) -> bytes | None:
    row = conn.execute("select snapshot_id from reports where id = ?", [report_id]).fetchone()
    return _snapshot_basis(conn, row[0], codec) if row else None


def body_codec(conn: sqlite3.Connection) -> BodyCodec:
    """A codec whose dictionaries are read from this connection's archive when first needed."""
    def load(dictionary_id: int) -> bytes:
        row = conn.execute("select data from body_dictionaries where id = ?", [dictionary_id]).fetchone()
        if row is None:
            raise KeyError(f"body dictionary {dictionary_id}")
        return row[0]

    return BodyCodec(load)


def connect_archive(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection to an archive on which `snapshots.body` reads the raw bytes."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if readonly else sqlite3.connect(path)
    register_body_function(conn)
    return conn


def snapshot_body(conn: sqlite3.Connection, snapshot_id: int, codec: BodyCodec | None = None) -> bytes:
    """The raw bytes of one snapshot (KeyError when missing), decompressed with its dictionary."""
    row = conn.execute("select stored_body, dictionary_id from snapshots where id = ?",
                       [snapshot_id]).fetchone()
    if row is None:
        raise KeyError(snapshot_id)
    codec = codec or body_codec(conn)
    return codec.decompress(row[0], row[1] or 0) if row[0] is not None else b""


def insert_dictionary(db: sqlite_utils.Database, kind: str, data: bytes, samples: int) -> int:
    """Store a trained dictionary; its id is what `snapshots.dictionary_id` refers to."""
    return db["body_dictionaries"].insert(
        {"kind": kind, "created_at": utc_now(), "samples": samples, "bytes": len(data), "data": data}
    ).last_pk


SNAPSHOT_COLUMNS = ("id integer primary key, url text, fetched_at text, status integer, content_type text, "
                    "encoding text, sha256 text, size integer, source text, crawl_id integer, headers text, "
                    "previous_id integer, request text, stored_body blob, dictionary_id integer, content_digest text")
_SNAPSHOT_NAMES = tuple(column.split()[0] for column in SNAPSHOT_COLUMNS.split(", "))
# Virtual: computed when read, never stored; only connections with archive_body registered read it.
BODY_COLUMN = "body blob generated always as (archive_body(stored_body, dictionary_id)) virtual"


def _create_snapshots(db: sqlite_utils.Database, name: str = "snapshots") -> None:
    db.execute(f"create table if not exists [{name}] ({SNAPSHOT_COLUMNS}, {BODY_COLUMN})")


def _has_raw_bodies(db: sqlite_utils.Database) -> bool:
    """An archive of schema 1: snapshots.body is a stored column of raw bytes."""
    row = db.execute("select hidden from pragma_table_xinfo('snapshots') where name = 'body'").fetchone()
    return row is not None and row[0] == 0


def ensure_schema(db: sqlite_utils.Database, codec: BodyCodec | None = None) -> None:
    """Create every table, index and view if missing, migrating an older archive in place; safe to
    call on every open."""
    db["body_dictionaries"].create(
        {"id": int, "kind": str, "created_at": str, "samples": int, "bytes": int, "data": bytes},
        pk="id", if_not_exists=True,
    )
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
    if db["snapshots"].exists() and "request" not in db["snapshots"].columns_dict:
        db["snapshots"].add_column("request", str)  # archives made before list answers were kept
    migrated = db["snapshots"].exists() and _has_raw_bodies(db)
    if migrated:
        _compress_snapshots(db, codec or register_body_function(db.conn))
    _create_snapshots(db)
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
         "year": int, "published": str, "index_no": str, "format": str, "stored_text": bytes,
         "parse_status": str, "first_seen_at": str},
        pk="id", if_not_exists=True,
    )
    migrated = _ensure_report_text(db, codec) or migrated
    migrated = _ensure_parse_tables(db) or migrated
    _ensure_webarchive_tables(db)
    _ensure_coverage_tables(db)
    _ensure_hostile_columns(db)
    db["snapshots"].create_index(["url", "id"], if_not_exists=True)
    db["snapshots"].create_index(["sha256"], if_not_exists=True)
    db["fetches"].create_index(["url"], if_not_exists=True)
    db["fetches"].create_index(["crawl_id"], if_not_exists=True)
    # Re-crawls look up the validators (ETag, Last-Modified) a snapshot was served with, per request.
    db["fetches"].create_index(["snapshot_id"], if_not_exists=True)
    db["reports"].create_index(["snapshot_id"], unique=True, if_not_exists=True)
    db["reports"].create_index(["url"], if_not_exists=True)
    # The parse stage asks for what is pending while the crawl runs.
    db["reports"].create_index(["parse_status"], if_not_exists=True)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    if migrated:
        db.execute("VACUUM")  # the pages of raw bodies, plain texts and wide cell rows back to the file system


def _ensure_parse_tables(db: sqlite_utils.Database) -> bool:
    """Tables the parse results fill (Archive.store_parsed); created with the rest so a fresh archive
    already has the published shape."""
    # `value` and `difference` are declared ANY (NUMERIC affinity): counts stay integers, money
    # stays decimal; REAL would turn every count into 859.0.
    migrated = _ensure_compact_rows(db)
    # A section is a slice of reports.text (its offsets); `text` only when it is not one.
    db["report_sections"].create(
        {"report_id": int, "section": str, "char_start": int, "char_end": int, "text": str},
        pk=("report_id", "section"), if_not_exists=True,
    )
    if "char_start" not in db["report_sections"].columns_dict:
        _section_offsets(db)
    db.execute("drop view if exists report_section_texts")
    db.execute("create view report_section_texts as select s.report_id, s.section, "
               "coalesce(s.text, substr(r.text, s.char_start + 1, s.char_end - s.char_start)) as text, "
               "s.rowid as position from report_sections s join reports r on r.id = s.report_id")
    # Documents archived under no report title, waiting for the parse stage to read their own.
    db["pending_documents"].create(
        {"id": int, "url": str, "snapshot_id": int, "kind": str, "source": str, "title": str,
         "year": int, "parent_url": str, "link_text": str, "parts": str, "status": str,
         "report_id": int, "recorded_at": str, "decided_at": str},
        pk="id", if_not_exists=True,
    )
    db["pending_documents"].create_index(["status"], if_not_exists=True)
    db["pending_documents"].create_index(["url", "snapshot_id"], if_not_exists=True)
    # A report read from several snapshots (a flipbook's pages, part 1 = reports.snapshot_id):
    # re-parsing joins them again in part order.
    db["report_parts"].create(
        {"report_id": int, "part_no": int, "snapshot_id": int}, pk=("report_id", "part_no"),
        if_not_exists=True,
    )
    # A report's sections are found by the primary key's index (report_id, section); the index on
    # report_id alone that archives before schema 4 have only repeated it (140 KB at 2,000 reports).
    db.execute("drop index if exists idx_report_sections_report_id")
    for column in ("metadata", "notes", "parsed_at"):
        if column not in db["reports"].columns_dict:
            db["reports"].add_column(column, str)
    return migrated


def _export_filter(alias: str, source: str | None, year: int | None, since: str | None,
                   time_column: str) -> tuple[str, dict]:
    """The `and …` clause of an export's --source/--year/--since on fetches or snapshots."""
    clauses, params = [], {"source": source, "year": year, "since": since}
    if source:
        clauses.append(f"{alias}.source = :source")
    if year:
        clauses.append(f"{alias}.url in (select url from reports where year = :year union select s2.url from "
                       "report_parts p join reports r2 on r2.id = p.report_id join snapshots s2 on "
                       "s2.id = p.snapshot_id where r2.year = :year)")
    if since:
        clauses.append(f"{time_column} >= :since")
    return "".join(" and " + clause for clause in clauses), params


def _ensure_webarchive_tables(db: sqlite_utils.Database) -> None:
    """WARC records written (export) or read (import) for captures, and the views that let every
    report and cell name the capture it came from."""
    db["warc_records"].create(
        {"record_id": str, "warc_type": str, "warc_file": str, "warcinfo_id": str, "record_offset": int,
         "direction": str, "target_uri": str, "warc_date": str, "fetch_id": int, "snapshot_id": int,
         "payload_digest": str, "recorded_at": str},
        if_not_exists=True,
    )
    # The same record can be both written here (export) and read back (import).
    db["warc_records"].create_index(["record_id", "direction"], unique=True, if_not_exists=True)
    db["warc_records"].create_index(["snapshot_id"], if_not_exists=True)
    db["warc_records"].create_index(["warcinfo_id", "snapshot_id"], if_not_exists=True)
    # The latest response/revisit record naming the snapshot: what a citation quotes.
    db.execute("""create view if not exists report_captures as
select r.id as report_id, r.snapshot_id, s.url, s.fetched_at, s.sha256, s.size,
  (select w.record_id from warc_records w where w.snapshot_id = r.snapshot_id
   and w.warc_type in ('response', 'revisit') order by w.recorded_at desc, w.rowid desc limit 1) as warc_record_id,
  (select w.warc_file from warc_records w where w.snapshot_id = r.snapshot_id
   and w.warc_type in ('response', 'revisit') order by w.recorded_at desc, w.rowid desc limit 1) as warc_file
from reports r join snapshots s on s.id = r.snapshot_id""")
    db.execute("""create view if not exists cell_captures as
select c.report_id, c.table_key, c.row_key, c.col_key, c.value, c.status,
  k.snapshot_id, k.url, k.fetched_at, k.sha256, k.warc_record_id, k.warc_file
from report_cells c join report_captures k on k.report_id = c.report_id""")

def _ensure_coverage_tables(db: sqlite_utils.Database) -> None:
    """Tables of archive/coverage.py: derived ones (rebuilt on refresh) and report_events (kept)."""
    db["divisions"].create(
        {"code": str, "name": str, "level": str, "parent": str, "province": str, "path": str,
         "longitude": float, "latitude": float}, pk="code", if_not_exists=True)
    place = {"division_code": str, "township": str, "division_level": str, "province": str}
    db["source_places"].create({"source": str, **place, "evidence": str}, pk="source", if_not_exists=True)
    db["publishers"].create(
        {"id": str, "name": str, "kind": str, **place, "parent_id": str, "hosts": str,
         "column_url": str, "sources": str, "first_year": int, "last_year": int, "aliases": str},
        pk="id", if_not_exists=True)
    db["report_places"].create(
        {"report_id": int, "publisher_id": str, "agency": str, **place, "level": str},
        pk="report_id", if_not_exists=True)
    db["coverage"].create(
        {"publisher_id": str, "year": int, "name": str, "kind": str, **place,
         **{f"{level}_{part}": str for level in ("province", "prefecture", "county") for part in ("code", "name")},
         "deadline": str,
         "status": str, "report_id": int, "url": str, "published": str, "days_late": int,
         "changed": int, "removed_event": str},
        pk=("publisher_id", "year"), if_not_exists=True)
    db["report_events"].create(
        {"id": int, "url": str, "report_id": int, "crawl_id": int, "kind": str, "detail": str,
         "fetch_id": int, "at": str}, pk="id", if_not_exists=True)
    db["coverage_meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["report_events"].create_index(["url", "id"], if_not_exists=True)
    db["report_events"].create_index(["report_id"], if_not_exists=True)
    db["coverage"].create_index(["division_code", "year"], if_not_exists=True)
    if "problems" not in db["crawls"].columns_dict:
        db["crawls"].add_column("problems", str)


def parse_rows(parsed: ParsedReport, basis_snapshot: int | None, basis: bytes | None) -> ParseRows:
    """`parsed` as the store's rows, its text compressed against `basis` (snapshot `basis_snapshot`'s
    body as text)."""
    table_formats = parsed.table_formats
    cells = tuple(cell_row(c.table_key, c.row_key, c.col_key, c.raw_text, _sql_number(c.value), c.unit, c.status,
                           table_formats.get(c.table_key)) for c in parsed.cells)
    checks = tuple(check_row(c.identity, c.result, _sql_number(c.difference), c.severity, c.detail)
                   for c in parsed.checks)
    stored = None if parsed.text is None else compress_text(parsed.text, basis)
    return ParseRows(basis_snapshot, stored, cells, checks)


def section_spans(text: str, sections: dict[str, str]) -> Iterator[tuple[str, dict]]:
    """Each section as its offsets in the report's text (sections are slices of it, in order); a
    section found nowhere in the text keeps its own text."""
    position = 0
    for name, section in sections.items():
        start = text.find(section, position) if section else -1
        if start < 0:
            yield name, {"char_start": None, "char_end": None, "text": section}
            continue
        position = start + len(section)
        yield name, {"char_start": start, "char_end": position, "text": None}


# -- migrations of older archives, in place ------------------------------------------------------
def _compress_snapshots(db: sqlite_utils.Database, codec: BodyCodec) -> None:
    """Schema 1 → 2: every raw body compressed with its kind's dictionary (trained here from the
    archive's own bodies) and checked byte for byte before the raw table is dropped; ids kept."""
    samples: dict[str, list[bytes]] = {}
    for content_type, head in db.execute("select content_type, substr(body, 1, ?) from snapshots "
                                         "where body is not null order by id", [SAMPLE_BYTES]):
        kind_samples = samples.setdefault(body_kind(head, content_type), [])
        if len(kind_samples) < 4 * DICTIONARY_SAMPLES:
            kind_samples.append(head)
    present = set(db["snapshots"].columns_dict)  # columns added since schema 1 may be missing
    kept = [c for c in _SNAPSHOT_NAMES if c in present and c not in ("stored_body", "dictionary_id")]
    columns = [*kept, "stored_body", "dictionary_id"]
    with db.atomic():
        dictionaries = {}
        for kind, kind_samples in samples.items():
            trained = train_dictionary(kind_samples)
            if trained is not None:
                dictionaries[kind] = insert_dictionary(db, kind, trained, len(kind_samples))
        db.execute("drop table if exists snapshots_compressed")
        _create_snapshots(db, "snapshots_compressed")
        rows = db.conn.execute(f"select {', '.join(kept)}, body from snapshots order by id")
        marks = ", ".join("?" * len(columns))
        for row in rows:
            *fields, body = row
            db.execute(f"insert into snapshots_compressed ({', '.join(columns)}) values ({marks})",
                       [*fields, *_compressed(codec, dictionaries, body, fields[kept.index("content_type")])])
        db.execute("drop table snapshots")
        # Legacy renaming leaves the views that name `snapshots` as they are: they read the new table.
        db.execute("PRAGMA legacy_alter_table = ON")
        db.execute("alter table snapshots_compressed rename to snapshots")
        db.execute("PRAGMA legacy_alter_table = OFF")


def _compressed(codec: BodyCodec, dictionaries: dict[str, int], body: bytes | None,
                content_type: str | None) -> tuple[bytes | None, int]:
    if body is None:
        return None, 0
    dictionary_id = dictionaries.get(body_kind(body, content_type), 0)
    stored = codec.compress(body, dictionary_id)
    if codec.decompress(stored, dictionary_id) != body:  # never drop a byte we cannot give back
        raise RuntimeError("a compressed body does not round-trip; the archive is left unmigrated")
    return stored, dictionary_id


def _section_offsets(db: sqlite_utils.Database) -> None:
    """Section texts of an older archive become offsets into reports.text (nothing is lost: a
    section that is no slice of the text keeps its text). Read MIGRATION_CHUNK reports at a time."""
    db["report_sections"].add_column("char_start", int)
    db["report_sections"].add_column("char_end", int)
    ids = [row[0] for row in db.execute("select distinct report_id from report_sections order by report_id")]
    with db.atomic():
        for chunk in _chunks(ids):
            texts = {report_id: text for report_id, _, text in _texts_of(db, chunk)}
            by_report: dict[int, dict[str, str]] = {}
            for report_id, section, text in db.execute(
                    "select report_id, section, text from report_sections "
                    "where report_id in (select value from json_each(?)) order by report_id, rowid", [json.dumps(chunk)]):
                by_report.setdefault(report_id, {})[section] = text or ""
            for report_id, sections in by_report.items():
                for name, span in section_spans(texts.get(report_id) or "", sections):
                    db.execute('update report_sections set char_start = ?, char_end = ?, text = ? '
                               "where report_id = ? and section = ?",
                               [span["char_start"], span["char_end"], span["text"], report_id, name])


# Reports read at a time by a migration: an archive's texts together are gigabytes.
MIGRATION_CHUNK = 500


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), MIGRATION_CHUNK):
        yield ids[start:start + MIGRATION_CHUNK]


def _texts_of(db: sqlite_utils.Database, ids: list[int]) -> Iterator[tuple[int, int | None, str]]:
    """(id, snapshot_id, text) of the reports `ids`."""
    return db.execute("select id, snapshot_id, text from reports where id in (select value from json_each(?))",
                      [json.dumps(ids)])


# Virtual like `snapshots.body`: the text is decompressed when read, never stored twice. No declared
# type: integrity_check evaluates a TEXT column (to check its encoding), which a plain connection cannot.
TEXT_COLUMN = "text generated always as (archive_text(stored_text, snapshot_id)) virtual"


def _ensure_report_text(db: sqlite_utils.Database, codec: BodyCodec | None) -> None:
    """`reports.text` as the generated column over `stored_text`; schema 2 → 3 compresses every
    stored text (checked to read back the same) before its plain column is dropped."""
    hidden = {row[1]: row[6] for row in db.execute("select * from pragma_table_xinfo('reports')")}
    if hidden.get("text") in (2, 3):
        return False
    codec = codec or register_body_function(db.conn)
    with db.atomic():
        if "stored_text" not in hidden:
            db.execute("alter table reports add column stored_text blob")
        if "text" in hidden:
            ids = [row[0] for row in db.execute("select id from reports where text is not null order by id")]
            digests = {}  # each text's digest, to check the compressed texts read back the same
            for chunk in _chunks(ids):
                for report_id, snapshot_id, text in list(_texts_of(db, chunk)):
                    stored = compress_text(text, _snapshot_basis(db.conn, snapshot_id, codec))
                    db.execute("update reports set stored_text = ? where id = ?", [stored, report_id])
                    digests[report_id] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
            # A column named by a view cannot be dropped: the views go and come back unchanged.
            views = db.execute("select name, sql from sqlite_master where type = 'view' order by rowid").fetchall()
            for name, _ in views:
                db.execute(f"drop view [{name}]")
            db.execute("alter table reports drop column text")
            db.execute(f"alter table reports add column {TEXT_COLUMN}")
            for _, sql in views:
                db.execute(sql)
            mismatched = [report_id for chunk in _chunks(ids) for report_id, _, text in _texts_of(db, chunk)
                          if text is None
                          or hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest() != digests[report_id]]
            if mismatched:  # never drop a text we cannot give back: the transaction rolls back
                raise RuntimeError(f"report texts {mismatched[:5]} do not round-trip; the archive is left unmigrated")
            return True
        db.execute(f"alter table reports add column {TEXT_COLUMN}")
        return False


# -- cells and checks, keyed compactly (schema 3) ---------------------------------------------
# A report has ~200 cells and ~50 checks whose keys, statuses, units and formats repeat across every
# report: rows hold small ids into key tables (rows of which are never deleted), the raw text only
# when it is not the value's own rendering, and the published `report_cells` / `report_checks` are
# views with the columns they always had (writable: INSTEAD OF triggers).
_CELL_RAW = ("coalesce(v.raw_text, case when f.raw_null then null when v.value is null then '' "
             "else cast(v.value as text) end)")
# The indexes a parse result adds to row by row: the checks by identity. A first crawl into an
# archive builds them once at the end (Archive.defer_row_indexes). Cells have none of their own since
# schema 4: a key's cells across reports are found through the layouts that hold the key
# (cell_layout_keys_key, report_cell_layouts_layout), then each by the primary key, which answered
# the key filters as fast as the cells' own key index (2,000 reports: 2.0 against 3.0 ms for one key),
# and that index was 1.5 MB of a 27 MB archive.
ROW_INDEXES = {
    "report_check_values_identity": "on report_check_values (identity_id, form_id)",
}
ROW_INDEXES_SQL = [f"create index if not exists {name} {on}" for name, on in ROW_INDEXES.items()]


def ensure_row_indexes(db: sqlite_utils.Database) -> None:
    """The checks' indexes (ROW_INDEXES), built if missing, in one transaction."""
    with db.conn:
        for sql in ROW_INDEXES_SQL:
            db.execute(sql)


def layout_cells(join: str = "join") -> str:
    """The FROM clause of every cell the reports show (`l` layout, `lk` its keys, `k` the key, `v` the
    stored row or NULL for a blank, `f` its form): what report_cells reads. `join` = "cross join"
    fixes that order, report by report as the rows are stored (the summaries read every report)."""
    return (f"report_cell_layouts l {join} cell_layout_keys lk on lk.layout_id = l.layout_id "
            f"{join} cell_keys k on k.id = lk.key_id "
            "left join report_cell_values v on v.report_id = l.report_id and v.key_id = lk.key_id "
            f"{join} cell_forms f on f.id = coalesce(v.form_id, l.blank_form_id)")


def _cell_key(row: str) -> str:
    """The id of the key of trigger row `row` (new or old)."""
    return (f"(select id from cell_keys where table_key is {row}.table_key and row_key is {row}.row_key "
            f"and col_key is {row}.col_key)")


def _layout_keys(row: str) -> str:
    """The key ids of the layout of trigger row `row`'s report."""
    return (f"select lk.key_id from report_cell_layouts l join cell_layout_keys lk on lk.layout_id = l.layout_id "
            f"where l.report_id = {row}.report_id")


# A layout's identity from its keys, as cell_layouts.layout_digest writes it (an aggregate reads the
# ordered subquery's rows in their order).
def _layout_with(row: str) -> str:
    """The digest of the report's layout with the row's key added."""
    return f"(select group_concat(key_id, ',') from ({_layout_keys(row)} union select {_cell_key(row)} order by 1))"


def _layout_without(row: str) -> str:
    """The digest of the report's layout without the row's key (NULL when nothing is left)."""
    return (f"(select group_concat(key_id, ',') from ({_layout_keys(row)} and lk.key_id is not {_cell_key(row)} "
            f"order by 1))")


# Layouts no report has any longer (their keys go with them: trigger cell_layouts_gone).
_FORGET_LAYOUTS = "delete from cell_layouts where id not in (select layout_id from report_cell_layouts)"


COMPACT_SCHEMA = f"""
create table if not exists cell_keys (id integer primary key, table_key text, row_key text, col_key text);
create unique index if not exists cell_keys_key on cell_keys (table_key, row_key, col_key);
create table if not exists cell_forms (id integer primary key, status text, unit text, table_format text,
  raw_null integer);
create table if not exists report_cell_values (report_id integer, key_id integer, form_id integer, value any,
  raw_text text, primary key (report_id, key_id)) without rowid;
create table if not exists cell_layouts (id integer primary key, key_ids text not null unique);
create table if not exists cell_layout_keys (layout_id integer, key_id integer, primary key (layout_id, key_id))
  without rowid;
create index if not exists cell_layout_keys_key on cell_layout_keys (key_id, layout_id);
create trigger if not exists cell_layouts_keys after insert on cell_layouts begin
  insert into cell_layout_keys (layout_id, key_id) select new.id, value from json_each('[' || new.key_ids || ']');
end;
create trigger if not exists cell_layouts_gone after delete on cell_layouts begin
  delete from cell_layout_keys where layout_id = old.id;
end;
create table if not exists report_cell_layouts (report_id integer primary key, layout_id integer,
  blank_form_id integer);
create index if not exists report_cell_layouts_layout on report_cell_layouts (layout_id, report_id);
create table if not exists check_keys (id integer primary key, identity text);
create unique index if not exists check_keys_identity on check_keys (identity);
create table if not exists check_forms (id integer primary key, result text, severity text);
create table if not exists report_check_values (report_id integer, identity_id integer, form_id integer,
  difference any, detail text, primary key (report_id, identity_id)) without rowid;
{ROW_INDEXES_SQL[0]};
create view if not exists report_cells as
select l.report_id, k.table_key, k.row_key, k.col_key, {_CELL_RAW} as raw_text, v.value, f.unit, f.status,
  f.table_format
from {layout_cells()};
create view if not exists report_checks as
select v.report_id, k.identity, f.result, v.difference, f.severity, v.detail
from report_check_values v join check_keys k on k.id = v.identity_id join check_forms f on f.id = v.form_id;
create trigger if not exists report_cells_insert instead of insert on report_cells begin
  insert into cell_keys (table_key, row_key, col_key) select new.table_key, new.row_key, new.col_key
    where not exists (select 1 from cell_keys where table_key is new.table_key and row_key is new.row_key
                      and col_key is new.col_key);
  insert into cell_forms (status, unit, table_format, raw_null)
    select new.status, new.unit, new.table_format, new.raw_text is null
    where not exists (select 1 from cell_forms where status is new.status and unit is new.unit
                      and table_format is new.table_format and raw_null = (new.raw_text is null));
  -- A blank of the layout becomes a stored row first: the row below then meets it as a table's row
  -- would (refused, ignored or replaced, as the statement asks). Nothing else here can conflict, so
  -- no statement's conflict clause changes what this trigger writes.
  insert into report_cell_values (report_id, key_id, form_id, value, raw_text)
    select l.report_id, lk.key_id, l.blank_form_id, null, null from report_cell_layouts l
    join cell_layout_keys lk on lk.layout_id = l.layout_id
    where l.report_id = new.report_id and lk.key_id = {_cell_key("new")} and not exists
      (select 1 from report_cell_values v where v.report_id = l.report_id and v.key_id = lk.key_id);
  insert into cell_layouts (key_ids) select {_layout_with("new")}
    where not exists (select 1 from cell_layouts where key_ids = {_layout_with("new")});
  update report_cell_layouts set layout_id = (select id from cell_layouts where key_ids = {_layout_with("new")})
    where report_id = new.report_id;
  insert into report_cell_layouts (report_id, layout_id)
    select new.report_id, (select id from cell_layouts where key_ids = {_layout_with("new")})
    where not exists (select 1 from report_cell_layouts where report_id = new.report_id);
  {_FORGET_LAYOUTS};
  insert into report_cell_values (report_id, key_id, form_id, value, raw_text) values (new.report_id,
    {_cell_key("new")},
    (select id from cell_forms where status is new.status and unit is new.unit and table_format is new.table_format
     and raw_null = (new.raw_text is null)),
    new.value,
    case when new.value is null and new.raw_text = '' then null
         when typeof(new.value) = 'integer' and new.raw_text = cast(new.value as text) then null
         else new.raw_text end);
end;
create trigger if not exists report_cells_delete instead of delete on report_cells begin
  delete from report_cell_values where report_id = old.report_id and key_id = {_cell_key("old")};
  insert into cell_layouts (key_ids) select {_layout_without("old")} where {_layout_without("old")} is not null
    and not exists (select 1 from cell_layouts where key_ids = {_layout_without("old")});
  update report_cell_layouts set layout_id = (select id from cell_layouts where key_ids = {_layout_without("old")})
    where report_id = old.report_id;
  delete from report_cell_layouts where report_id = old.report_id and layout_id is null;
  {_FORGET_LAYOUTS};
end;
create trigger if not exists report_cells_update instead of update on report_cells begin
  delete from report_cells where report_id = old.report_id and table_key is old.table_key
    and row_key is old.row_key and col_key is old.col_key;
  insert into report_cells (report_id, table_key, row_key, col_key, raw_text, value, unit, status, table_format)
    values (new.report_id, new.table_key, new.row_key, new.col_key, new.raw_text, new.value, new.unit, new.status,
            new.table_format);
end;
create trigger if not exists report_checks_insert instead of insert on report_checks begin
  insert into check_keys (identity) select new.identity
    where not exists (select 1 from check_keys where identity is new.identity);
  insert into check_forms (result, severity) select new.result, new.severity
    where not exists (select 1 from check_forms where result is new.result and severity is new.severity);
  insert into report_check_values (report_id, identity_id, form_id, difference, detail) values (new.report_id,
    (select id from check_keys where identity is new.identity),
    (select id from check_forms where result is new.result and severity is new.severity),
    new.difference, new.detail);
end;
create trigger if not exists report_checks_delete instead of delete on report_checks begin
  delete from report_check_values where report_id = old.report_id
    and identity_id = (select id from check_keys where identity is old.identity);
end;
create trigger if not exists report_checks_update instead of update on report_checks begin
  delete from report_checks where report_id = old.report_id and identity is old.identity;
  insert into report_checks (report_id, identity, result, difference, severity, detail) values (new.report_id,
    new.identity, new.result, new.difference, new.severity, new.detail);
end;
"""
CELL_COLUMNS = ("report_id", "table_key", "row_key", "col_key", "raw_text", "value", "unit", "status", "table_format")
CHECK_COLUMNS = ("report_id", "identity", "result", "difference", "severity", "detail")


def _statements(script: str) -> Iterator[str]:
    """The statements of a script (triggers hold semicolons), to run inside one transaction."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""


def _ensure_compact_rows(db: sqlite_utils.Database) -> bool:
    """The compact cell and check tables and their views; schema 2 → 3 moves the rows of the old
    tables into them, schema 3 → 4 leaves blank cells to their report's layout, and each checks the
    views give back exactly the rows there were. True when it migrated."""
    old = [name for (name,) in db.execute("select name from sqlite_master where type = 'table' and name in "
                                          "('report_cells', 'report_checks') order by name desc")]
    view = db.execute("select sql from sqlite_master where type = 'view' and name = 'report_cells'").fetchone()
    unlaid = view is not None and "report_cell_layouts" not in view[0]
    with db.atomic():
        # Legacy renaming leaves the views that name the old tables as they are: they read the new views.
        db.execute("PRAGMA legacy_alter_table = ON")
        for name in old:
            db.execute(f"alter table [{name}] rename to [{name}_v2]")
        db.execute("PRAGMA legacy_alter_table = OFF")
        if unlaid:
            db.execute("drop view report_cells")  # and its triggers: schema 3's, which wrote blank rows
        for statement in _statements(COMPACT_SCHEMA):
            db.execute(statement)
        for name, columns in (("report_cells", CELL_COLUMNS), ("report_checks", CHECK_COLUMNS)):
            if name not in old:
                continue
            listed = ", ".join(columns)
            write = CompactRows(db.conn).write_cells if name == "report_cells" else CompactRows(db.conn).write_checks
            for chunk in _row_chunks(db.conn.execute(f"select {listed} from {name}_v2 order by rowid")):
                write(chunk)
            for first, second in ((f"{name}_v2", name), (name, f"{name}_v2")):
                extra = db.execute(f"select count(*) from (select {listed} from {first} except "
                                   f"select {listed} from {second})").fetchone()[0]
                if extra:  # never drop a row we cannot give back: the transaction rolls back
                    raise RuntimeError(f"{name}: {extra} rows differ after compaction; the archive is left unmigrated")
            db.execute(f"drop table {name}_v2")
        if unlaid:
            _lay_out_cells(db)
            db.execute("drop index if exists report_cell_values_key")  # schema 3's: the layouts find a key's cells
    return bool(old) or unlaid


def _row_chunks(cursor: sqlite3.Cursor, size: int = 50_000) -> Iterator[list[tuple]]:
    while rows := cursor.fetchmany(size):
        yield rows


# Schema 3's report_cells: every cell a stored row (what _lay_out_cells checks the new view against).
_STORED_CELLS = (f"select v.report_id, k.table_key, k.row_key, k.col_key, {_CELL_RAW}, v.value, f.unit, f.status, "
                 "f.table_format, typeof(v.value) from report_cell_values v join cell_keys k on k.id = v.key_id "
                 "join cell_forms f on f.id = v.form_id where v.report_id between ? and ?")
_VIEW_CELLS = (f"select {', '.join(CELL_COLUMNS)}, typeof(value) from report_cells "
               "where report_id between ? and ?")


def _lay_out_cells(db: sqlite_utils.Database, reports_per_step: int = 500) -> None:
    """Schema 3 → 4 in place: each report's cells as its layout and the rows with something in them,
    some reports at a time, the view's rows compared in SQL with a copy of the rows there were (a
    difference raises, and the caller's transaction rolls everything back)."""
    rows = CompactRows(db.conn)
    ids = [report_id for (report_id,) in db.execute("select distinct report_id from report_cell_values order by 1")]
    db.execute(f"create temp table cells_before as {_STORED_CELLS} and 0", [0, 0])
    for start in range(0, len(ids), reports_per_step):
        first, last = ids[start], ids[min(start + reports_per_step, len(ids)) - 1]
        db.execute("delete from temp.cells_before")
        db.execute(f"insert into temp.cells_before {_STORED_CELLS}", [first, last])
        stored: dict[int, list[StoredCell]] = {}
        for report_id, *cell in db.execute("select report_id, key_id, form_id, value, raw_text from "
                                           "report_cell_values where report_id between ? and ?", [first, last]):
            stored.setdefault(report_id, []).append(tuple(cell))
        db.execute("delete from report_cell_values where report_id between ? and ?", [first, last])
        rows.store_laid_out(stored, fresh=True)
        differing = db.execute(f"select (select count(*) from (select * from temp.cells_before except {_VIEW_CELLS})) "
                               f"+ (select count(*) from ({_VIEW_CELLS} except select * from temp.cells_before))",
                               [first, last, first, last]).fetchone()[0]
        if differing:
            raise RuntimeError(f"cells of reports {first}-{last} differ once laid out; the archive is left unmigrated")
    db.execute("drop table temp.cells_before")


class CompactRows:
    """Writes cells and checks straight into the compact tables (what the views' triggers do, without
    a trigger per row); key and form ids are cached, their rows never change."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._ids: dict[str, dict[tuple, int]] = {}
        self._new: list[tuple[str, tuple]] = []  # ids inserted since `settled`: undone by a rollback

    def _known(self, table: str) -> dict[tuple, int]:
        """The ids of `table` looked up or assigned so far, by their values."""
        ids = self._ids.get(table)
        if ids is None:
            ids = self._ids[table] = {}
        return ids

    def _id(self, table: str, columns: tuple[str, ...], values: tuple) -> int:
        ids = self._known(table)
        found = ids.get(values)
        if found is None:
            where = " and ".join(f"{column} is ?" for column in columns)
            row = self.conn.execute(f"select id from {table} where {where}", values).fetchone()
            if row is None:  # ids are assigned by whichever writer first needs the key
                row = (self.conn.execute(f"insert into {table} ({', '.join(columns)}) values "
                                         f"({', '.join('?' * len(columns))})", values).lastrowid,)
                self._new.append((table, values))
            found = ids[values] = row[0]
        return found

    def settled(self, kept: bool) -> None:
        """The writes since the last call were kept (released) or rolled back: the ids those
        inserted are then forgotten, or a later row would point at a key row that is not there."""
        if not kept:
            for table, values in self._new:
                self._ids[table].pop(values, None)
        self._new.clear()

    def write_cells(self, cells: Iterable[tuple]) -> None:
        """Rows in CELL_COLUMNS order (any reports; a report's cells already stored are kept, a new
        cell of the same key replaces its)."""
        self._insert_cells([(cell[0], cell_row(*cell[1:])) for cell in cells], fresh=False)

    def write_cell_rows(self, report_id: int, cells: Iterable[tuple]) -> None:
        """One report's `cell_row`s, the report holding no cells (its rows and layout deleted)."""
        self._insert_cells([(report_id, cell) for cell in cells], fresh=True)

    def _insert_cells(self, cells: list[tuple[int, tuple]], fresh: bool) -> None:
        keys, forms = self._known("cell_keys"), self._known("cell_forms")  # ids are never 0
        by_report: dict[int, list[StoredCell]] = {}
        for report_id, cell in cells:
            by_report.setdefault(report_id, []).append(
                (keys.get(cell[:3]) or self._id("cell_keys", CELL_KEY, cell[:3]),
                 forms.get(cell[3:7]) or self._id("cell_forms", CELL_FORM, cell[3:7]), cell[7], cell[8]))
        self.store_laid_out(by_report, fresh)

    def store_laid_out(self, by_report: dict[int, list[StoredCell]], fresh: bool) -> None:
        """Reports' cells (ids already assigned) as their layouts and the rows still to store."""
        rows = [row for report_id, stored in by_report.items() for row in self._lay_out(report_id, stored, fresh)]
        rows.sort(key=_row_key)  # in key order each row is appended to its page: pages are left full
        self.conn.executemany("insert or replace into report_cell_values (report_id, key_id, form_id, value, "
                              "raw_text) values (?, ?, ?, ?, ?)", rows)

    def _lay_out(self, report_id: int, cells: list[StoredCell], fresh: bool) -> list[tuple]:
        """Record the report's layout (cell_layouts.split_cells) and give the rows still to store."""
        current = None if fresh else self.conn.execute(
            "select layout_id, blank_form_id from report_cell_layouts where report_id = ?", [report_id]).fetchone()
        kept: list[int] = []
        if current is not None:
            kept = [key for (key,) in self.conn.execute(
                "select key_id from cell_layout_keys where layout_id = ?", [current[0]])]
        layout = split_cells(cells, kept, None if current is None else current[1])
        layout_id = self._layout_id(layout.digest)
        self.conn.execute("insert or replace into report_cell_layouts (report_id, layout_id, blank_form_id) "
                          "values (?, ?, ?)", [report_id, layout_id, layout.blank_form_id])
        if current is not None:  # a stored row a blank now replaces
            self.conn.executemany("delete from report_cell_values where report_id = ? and key_id = ?",
                                  [(report_id, key) for key in layout.blank_key_ids])
            self.forget_layout(current[0])
        return [(report_id, *cell) for cell in layout.stored]

    def _layout_id(self, digest: str) -> int:
        """The id of the layout of these keys, added when new (its keys follow: trigger cell_layouts_keys).
        Not cached: a write through the views drops layouts no report has any longer."""
        row = self.conn.execute("select id from cell_layouts where key_ids = ?", [digest]).fetchone()
        if row is None:
            return self.conn.execute("insert into cell_layouts (key_ids) values (?)", [digest]).lastrowid
        return row[0]

    def forget_layout(self, layout_id: int | None) -> None:
        """Drop a layout no report has any longer (a report parsed again to other tables)."""
        self.conn.execute("delete from cell_layouts where id = ? and not exists (select 1 from report_cell_layouts "
                          "where layout_id = ?)", [layout_id, layout_id])

    def write_checks(self, checks: Iterable[tuple]) -> None:
        """Rows in CHECK_COLUMNS order (any reports)."""
        self._insert_checks([(check[0], check_row(*check[1:])) for check in checks])

    def write_check_rows(self, report_id: int, checks: Iterable[tuple]) -> None:
        """One report's `check_row`s."""
        self._insert_checks([(report_id, check) for check in checks])

    def _insert_checks(self, checks: list[tuple[int, tuple]]) -> None:
        keys, forms = self._known("check_keys"), self._known("check_forms")  # ids are never 0
        rows = [(report_id, keys.get(check[:1]) or self._id("check_keys", ("identity",), check[:1]),
                 forms.get(check[1:3]) or self._id("check_forms", ("result", "severity"), check[1:3]),
                 check[3], check[4]) for report_id, check in checks]
        rows.sort(key=_row_key)
        self.conn.executemany("insert or replace into report_check_values (report_id, identity_id, form_id, "
                              "difference, detail) values (?, ?, ?, ?, ?)", rows)


CELL_KEY = ("table_key", "row_key", "col_key")
CELL_FORM = ("status", "unit", "table_format", "raw_null")


def cell_row(table_key: str, row_key: str, col_key: str, raw_text: str | None, value: object, unit: str | None,
             status: str, table_format: str | None) -> tuple:
    """A cell as the compact tables hold it: its key (CELL_KEY), its form (CELL_FORM), its value,
    and its raw text unless that is the value's rendering (then not stored)."""
    return (table_key, row_key, col_key, status, unit, table_format, int(raw_text is None), value,
            None if raw_text == _rendering(value) else raw_text)


def check_row(identity: str, result: str, difference: object, severity: str | None, detail: str | None) -> tuple:
    """A check as the compact tables hold it: its key (identity), its form (result, severity), the rest."""
    return (identity, result, severity, difference, detail)


def _row_key(row: tuple) -> tuple:
    return row[:2]


def _rendering(value: object) -> str | None:
    """The raw text the `report_cells` view shows for a value stored without one (integers and
    missing values; a decimal keeps its raw text, SQLite renders reals its own way)."""
    if value is None:
        return ""
    return str(value) if type(value) is int else None
