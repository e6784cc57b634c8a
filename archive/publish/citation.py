""""Cite this capture": the capture a report was read from, as a citation a reader can quote and
anyone can resolve (snapshot id and sha256 here; WARC record id once the archive was exported)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    report_id: int
    title: str | None
    agency: str | None
    url: str
    fetched_at: str
    snapshot_id: int
    sha256: str
    warc_record_id: str | None = None
    warc_file: str | None = None

    def text(self) -> str:
        """One line: who, what, where it was captured, when, and how to find the exact bytes."""
        parts = [part for part in (self.agency, self.title) if part]
        parts.append(f"Captured {self.fetched_at} from {self.url}")
        parts.append(f"gov-reports snapshot {self.snapshot_id}, sha256:{self.sha256}")
        if self.warc_record_id:
            parts.append(f"WARC-Record-ID {self.warc_record_id}" + (f" in {self.warc_file}" if self.warc_file else ""))
        return ". ".join(parts) + "."


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("select 1 from sqlite_master where name = ?", [name]).fetchone() is not None


def capture_citation(conn: sqlite3.Connection, report_id: int) -> Citation | None:
    """The citation of the capture report `report_id` was parsed from; None for no such report."""
    row = conn.execute(
        "select r.id, r.title, r.agency, s.url, s.fetched_at, s.id, s.sha256 from reports r "
        "join snapshots s on s.id = r.snapshot_id where r.id = ?", [report_id]).fetchone()
    if row is None:
        return None
    record = None
    if _has_table(conn, "warc_records"):  # archives never exported or imported have no such table
        record = conn.execute(
            "select record_id, warc_file from warc_records where snapshot_id = ? and warc_type in "
            "('response', 'revisit') order by recorded_at desc, rowid desc limit 1", [row[5]]).fetchone()
    return Citation(*row, *(record or (None, None)))
