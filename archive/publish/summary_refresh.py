"""Keeping the summary tables (summaries.py) up to date: rebuilt whole, or for what changed.

The publishing preparation runs after every crawl, parse and reparse; rebuilding every summary reads
every cell and check of the archive (minutes at 100,000 reports). Instead a preparation finds the
reports whose summary rows may differ and rebuilds those rows only:
- a report whose basis (summaries.BASIS_SQL: its row, its source's region and level, its place)
  differs from its stored summary row, which keeps the report's `parsed_at` (store_parsed stamps
  every write of a report's cells and checks), a new report, and a report no longer there;
- a report URL with snapshots above the highest snapshot id the last preparation saw;
- then every report at those reports' URLs, every report of the version groups they were or are in
  (current_version), their rows in each per-report summary, the changed-URL rows of their URLs, and
  each rollup's groups that any of those rows was or is in.
The state kept in `publish_state` holds the summaries' definitions digest and that snapshot id: no
state, another digest or a missing table rebuilds everything. Both ways give the same rows
(tests/publish/test_summary_refresh.py).
"""

from __future__ import annotations

import json

import sqlite_utils

from archive.publish.summaries import (
    BASIS_COLUMNS, BASIS_SQL, CURRENT_SQL, OVERVIEW_SQL, SUMMARIES, SUMMARY_INDEXES, SUMMARY_TABLE, Summary,
    create_index, definitions_digest)

STATE = SUMMARY_TABLE  # its publish_state row
TABLES = (SUMMARY_TABLE, *(summary.table for summary in SUMMARIES))
CHANGED = "select id from temp.summary_changed"  # reports whose own summary row is rebuilt
REPORTS = "select id from temp.summary_reports"  # and those whose current version may have changed
URLS = "select url from temp.summary_urls"
ALL = {"only": "1", "only_cells": "1"}
NONE = {"only": "0", "only_cells": "0"}


def refresh_summaries(db: sqlite_utils.Database, *, full: bool = False) -> str:
    """Bring every summary table up to date in one transaction: `full` (rebuilt whole), `changed`
    (the rows of changed reports) or `unchanged`."""
    with db.atomic():
        state = None if full else _stored_state(db)
        mark = db.execute("select coalesce(max(id), 0) from snapshots").fetchone()[0]
        if state is None:
            rebuild_summaries(db)
        elif _find_changes(db, state["snapshots"]):
            _rebuild_changed(db)
        else:
            return "unchanged"
        if not db["publish_state"].exists():
            db["publish_state"].create({"name": str, "state": str}, pk="name")
        db["publish_state"].upsert({"name": STATE, "state": json.dumps(
            {"definitions": definitions_digest(), "snapshots": mark})}, pk="name")
        return "full" if state is None else "changed"


def _stored_state(db: sqlite_utils.Database) -> dict | None:
    """The last preparation's state, when the summaries it describes are there and built by these definitions."""
    if not db["publish_state"].exists() or not all(db[table].exists() for table in TABLES):
        return None
    row = db.execute("select state from publish_state where name = ?", [STATE]).fetchone()
    try:
        state = json.loads(row[0]) if row else None
    except ValueError:  # an older preparation's state
        return None
    return state if isinstance(state, dict) and state.get("definitions") == definitions_digest() else None


def rebuild_summaries(db: sqlite_utils.Database) -> None:
    """Drop and recreate every summary table, in order (later ones read earlier ones)."""
    _create(db, SUMMARY_TABLE, OVERVIEW_SQL, by_rowid=True)
    db.execute(f"update [{SUMMARY_TABLE}] set current_version = 1 where id in ({CURRENT_SQL.format(only='1')})")
    db.execute(f"create unique index idx_{SUMMARY_TABLE}_id on [{SUMMARY_TABLE}] (id)")
    for columns in SUMMARY_INDEXES:
        create_index(db, SUMMARY_TABLE, columns)
    for summary in SUMMARIES:
        _create(db, summary.table, summary.sql, summary.by_rowid)
        for columns in summary.indexes:
            create_index(db, summary.table, columns)
        if summary.groups:  # a changed group's rows, read again in both tables
            create_index(db, summary.table, summary.groups)
            create_index(db, summary.source, summary.groups)


def _create(db: sqlite_utils.Database, table: str, sql: str, by_rowid: bool) -> None:
    # The table takes the columns (and their types) a `create table as` of the select gives.
    db.execute(f"drop table if exists [{table}]")
    db.execute(f"create table [{table}] as {sql.format(**NONE).strip()}")
    _insert(db, table, sql.format(**ALL), by_rowid)


def _insert(db: sqlite_utils.Database, table: str, select: str, by_rowid: bool) -> None:
    if not by_rowid:
        db.execute(f"insert into [{table}] {select.strip()}")
        return
    # A one-row-per-report table: its first column is the report id, kept as the row's rowid.
    columns = list(db[table].columns_dict)
    listed = ", ".join(f"[{column}]" for column in columns)
    db.execute(f"insert into [{table}] (rowid, {listed}) select [{columns[0]}], * from ({select.strip()})")


def _find_changes(db: sqlite_utils.Database, snapshots: int) -> int:
    """Fill temp.summary_changed (reports to summarize again) and temp.summary_urls; returns how many."""
    for name, column in (("summary_changed", "id integer primary key"), ("summary_urls", "url text primary key"),
                         ("summary_reports", "id integer primary key")):
        db.execute(f"drop table if exists temp.{name}")
        db.execute(f"create temp table {name} ({column})")
    same = " and ".join(f"b.{column} is o.{column}" for column in BASIS_COLUMNS[1:])
    db.execute(f"insert into temp.summary_changed select b.id from ({BASIS_SQL.format(only='1').strip()}) b "
               f"left join [{SUMMARY_TABLE}] o on o.rowid = b.id where o.rowid is null or not ({same})")
    db.execute(f"insert or ignore into temp.summary_changed select id from [{SUMMARY_TABLE}] o "
               "where not exists (select 1 from reports r where r.id = o.id)")
    db.execute("insert or ignore into temp.summary_urls select url from snapshots s where id > ? "
               "and exists (select 1 from reports r where r.url = s.url)", [snapshots])
    for table, column in (("reports", "id"), (SUMMARY_TABLE, "rowid")):
        db.execute(f"insert or ignore into temp.summary_urls select url from [{table}] where {column} in ({CHANGED})")
    # Every version of those URLs: their snapshot counts, and which of them is the latest.
    db.execute(f"insert or ignore into temp.summary_changed select id from reports where url in ({URLS})")
    return db.execute("select (select count(*) from temp.summary_changed) + "
                      "(select count(*) from temp.summary_urls)").fetchone()[0]


def _rebuild_changed(db: sqlite_utils.Database) -> None:
    """Rebuild the rows of the changed reports, URLs and groups (temp tables of _find_changes)."""
    _report_rows(db)
    for summary in SUMMARIES:
        if summary.groups:
            _rollup_rows(db, summary)
        else:
            keys = REPORTS if summary.scope == "reports" else URLS
            _replace(db, summary, f"[{summary.key}] in ({keys})", f"{summary.only} in ({keys})")
    for summary in SUMMARIES:
        db.execute(f"drop table if exists temp.[delta:{summary.table}]")
    for name in ("summary_changed", "summary_urls", "summary_reports", "summary_groups",
                 f"delta:{SUMMARY_TABLE}"):
        db.execute(f"drop table if exists temp.[{name}]")


def _report_rows(db: sqlite_utils.Database) -> None:
    """report_summary's rows of the changed reports, then the current versions of their version groups;
    temp.summary_reports gets both, temp.[delta:report_summary] their rows before and after."""
    delta = f"temp.[delta:{SUMMARY_TABLE}]"
    db.execute(f"drop table if exists {delta}")
    db.execute(f"create temp table [delta:{SUMMARY_TABLE}] as select * from [{SUMMARY_TABLE}] where rowid in ({CHANGED})")
    db.execute(f"delete from [{SUMMARY_TABLE}] where rowid in ({CHANGED})")
    _insert(db, SUMMARY_TABLE, OVERVIEW_SQL.format(only=f"r.id in ({CHANGED})"), by_rowid=True)
    db.execute("drop table if exists temp.summary_groups")
    db.execute(f"create temp table summary_groups as select distinct version_group, year from "
               f"(select version_group, year from {delta} union all "
               f"select version_group, year from [{SUMMARY_TABLE}] where rowid in ({CHANGED}))")
    db.execute(f"insert or ignore into temp.summary_reports select o.rowid from temp.summary_groups g "
               f"cross join [{SUMMARY_TABLE}] o on o.version_group is g.version_group and o.year is g.year")
    db.execute(f"insert or ignore into temp.summary_reports {CHANGED}")
    db.execute(f"insert into {delta} select * from [{SUMMARY_TABLE}] "
               f"where rowid in ({REPORTS}) and rowid not in ({CHANGED})")
    current = CURRENT_SQL.format(only=f"o.rowid in ({REPORTS})")
    db.execute(f"update [{SUMMARY_TABLE}] set current_version = (id in ({current})) where rowid in ({REPORTS})")
    db.execute(f"insert into {delta} select * from [{SUMMARY_TABLE}] where rowid in ({REPORTS})")


def _rollup_rows(db: sqlite_utils.Database, summary: Summary) -> None:
    """The rollup's groups that a changed row of its source was or is in, computed again."""
    groups = f"temp.[groups:{summary.table}]"
    db.execute(f"drop table if exists {groups}")
    db.execute(f"create temp table [groups:{summary.table}] as select distinct "
               + ", ".join(f"[{column}]" for column in summary.groups) + f" from temp.[delta:{summary.source}]")

    def rows_of(table: str) -> str:  # through the index on the group columns (rebuild_summaries)
        same = " and ".join(f"x.[{column}] is g.[{column}]" for column in summary.groups)
        return f"select x.rowid from {groups} g cross join [{table}] x on {same}"

    _replace(db, summary, f"rowid in ({rows_of(summary.table)})", f"s.rowid in ({rows_of(summary.source)})")
    db.execute(f"drop table {groups}")


def _replace(db: sqlite_utils.Database, summary: Summary, rows: str, only: str) -> None:
    """Delete the table's `rows` and insert the select's rows for `only`; temp.[delta:table] keeps both."""
    delta = f"temp.[delta:{summary.table}]"
    db.execute(f"drop table if exists {delta}")
    db.execute(f"create temp table [delta:{summary.table}] as select * from [{summary.table}] where {rows}")
    db.execute(f"delete from [{summary.table}] where {rows}")
    _insert(db, summary.table, summary.sql.format(only=only, only_cells=f"report_id in ({REPORTS})"), summary.by_rowid)
    db.execute(f"insert into {delta} select * from [{summary.table}] where {rows}")
