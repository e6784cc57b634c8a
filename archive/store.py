"""The SQLite archive: fetch log, byte-exact snapshots, the reports found (format-spec §6.5).

Append-only by design: a snapshot row is never updated or deleted; the same bytes fetched again
from the same URL add a `fetches` row pointing at the existing snapshot, changed bytes add a new
snapshot. Writes are batched into transactions (WAL mode), so a crash loses at most the last
uncommitted batch and never leaves a half-written row.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from archive.decoding import decode_body
from archive.sources import Source

SCHEMA_VERSION = 1


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

    # -- transactions -------------------------------------------------------------------------
    def _write(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.begin()
            self._batch = _Batch(self._batch.max_writes, self._batch.max_seconds)
        self._batch.writes += 1

    def commit_if_due(self) -> None:
        if self.db.conn.in_transaction and self._batch.due():
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
        request: str | None = None,
    ) -> Snapshot:
        """Add the body as a new snapshot unless the latest snapshot of the same request has the
        same bytes. `request` names a request other than a plain GET of the URL ("POST <form>"):
        a list API answers one URL differently for each form it is sent."""
        digest = sha256_hex(body)
        latest = self.latest_snapshot_row(url, request)
        self._write()
        if latest is not None and latest["sha256"] == digest:
            snapshot = Snapshot(latest["id"], url, digest, is_new=False)
        else:
            encoding = decode_body(body, content_type).encoding if _is_text(content_type, body) else None
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

    def record_report_parts(self, report_id: int, snapshot_ids: list[int]) -> bool:
        """The snapshots a report is joined from, in order (a flipbook's pages); True when they changed."""
        before = [row[0] for row in self.db.execute(
            "select snapshot_id from report_parts where report_id = ? order by part_no", [report_id])]
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


def _is_text(content_type: str | None, body: bytes) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower().startswith(("text/", "application/xhtml",
                                                                        "application/xml",
                                                                        "application/json"))
    return not body.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


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
    _ensure_coverage_tables(db)
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
    """Tables the parser fills (archive/parsed_reports.py); created with the rest so a fresh archive
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
    db["coverage"].create_index(["division_code", "year"], if_not_exists=True)
    if "problems" not in db["crawls"].columns_dict:
        db["crawls"].add_column("problems", str)
