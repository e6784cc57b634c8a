"""`gov-reports serve`: the datasette command line and the database preparation."""

from __future__ import annotations

import shutil
import sys

import sqlite_utils
from click.testing import CliRunner

from archive.publish.cli import (
    PLUGINS_DIR,
    TEMPLATES_DIR,
    datasette_command,
    prepare_database,
    serve,
)
from archive.store import Archive


def _setting(command: list[str], name: str) -> str:
    pairs = {command[i + 1]: command[i + 2] for i, part in enumerate(command) if part == "--setting"}
    return pairs[name]


def test_datasette_command_is_immutable_time_limited_and_downloadable(tmp_path):
    command = datasette_command(tmp_path / "a.db", port=9000)
    assert command[:6] == [sys.executable, "-m", "datasette", "serve", "-i", str(tmp_path / "a.db")]
    assert command[command.index("--plugins-dir") + 1] == str(PLUGINS_DIR)
    assert command[command.index("--template-dir") + 1] == str(TEMPLATES_DIR)
    assert (command[command.index("--host") + 1], command[command.index("--port") + 1]) == ("127.0.0.1", "9000")
    assert (_setting(command, "sql_time_limit_ms"), _setting(command, "allow_download"),
            _setting(command, "suggest_facets")) == ("3500", "on", "off")


def test_live_command_is_not_immutable_and_offers_no_download(tmp_path):
    command = datasette_command(tmp_path / "a.db", live=True)
    assert "-i" not in command and "allow_download" not in command


def test_prepare_database_creates_views_and_indexes_new_reports_only(tmp_path):
    archive = Archive(tmp_path / "a.db")
    snapshot = archive.store_snapshot(url="http://a/1", body=b"x", status=200, content_type="text/plain")
    report_id = archive.record_report(snapshot=snapshot, source=None, kind="page", title="行政复议", year=2020)
    archive.close()
    assert prepare_database(tmp_path / "a.db") == 1
    assert prepare_database(tmp_path / "a.db") == 0
    db = sqlite_utils.Database(tmp_path / "a.db")
    assert {"report_overview", "request_outcomes", "current_reports"} <= set(db.view_names())
    assert [r["id"] for r in db.query("select id from report_overview")] == [report_id]


def test_serve_dry_run_prints_the_command_without_touching_the_database(tmp_path, fixture_archive):
    shutil.copy(fixture_archive.path, tmp_path / "archive.db")
    before = (tmp_path / "archive.db").read_bytes()
    result = CliRunner().invoke(serve, [str(tmp_path / "archive.db"), "--port", "8123", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "-m datasette serve -i" in result.output and "--port 8123" in result.output
    assert (tmp_path / "archive.db").read_bytes() == before
