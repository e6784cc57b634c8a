"""`gov-reports parse` and `gov-reports reparse`: parsing is a pure function of the stored bytes."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.store import Archive
from tests.support.fixture_files import fixture_path


def test_parse_json_prints_the_contract_shape_and_exact_values():
    result = CliRunner().invoke(cli, ["parse", "--json", str(fixture_path("seed_000.txt"))])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.output)
    assert set(parsed) >= {"title", "agency", "region", "year", "published", "index_no", "format",
                           "cells", "checks"}
    assert (parsed["year"], parsed["format"]) == (2020, "2019")
    cells = {(c["table_key"], c["row_key"], c["col_key"]): c for c in parsed["cells"]}
    assert cells[("requests", "new_received", "total")]["value"] == 23
    assert cells[("active", "art20_5.licensing", "delta_items")]["value"] == -1
    assert cells[("active", "art20_9.procurement", "amount")] == {
        "table_key": "active", "row_key": "art20_9.procurement", "col_key": "amount",
        "raw_text": "63363.40萬元", "value": 63363.4, "unit": "万元", "status": "ok"}
    families = {c["identity"]: c["result"] for c in parsed["checks"] if ":" not in c["identity"]}
    assert {k: families[k] for k in ("I1", "I2", "I3", "review_litigation_totals")} == {
        "I1": "pass", "I2": "pass", "I3": "pass", "review_litigation_totals": "pass"}


def test_parse_without_json_prints_the_printed_layout():
    result = CliRunner().invoke(cli, ["parse", str(fixture_path("corpus_021.html"))])
    assert result.exit_code == 0, result.output
    assert "本年新收政府信息公开申请数量" in result.output
    assert "859" in result.output


def _archive_with_report(path: Path, body: bytes) -> tuple[Archive, int]:
    archive = Archive(path)
    snapshot = archive.store_snapshot(url="http://x/r.html", body=body, status=200,
                                      content_type="text/html; charset=utf-8")
    report_id = archive.record_report(snapshot=snapshot, source="s", kind="page", title=None, year=None)
    archive.close()
    return archive, report_id


@pytest.mark.slow  # spawns the parser worker processes
def test_reparse_replaces_results_and_never_touches_snapshots(tmp_path):
    body = fixture_path("corpus_021.html").read_bytes()
    db = tmp_path / "a.db"
    _, report_id = _archive_with_report(db, body)
    runner = CliRunner()
    first = runner.invoke(cli, ["reparse", str(db)])
    assert first.exit_code == 0, first.output
    assert "1 reports re-parsed, 1 changed" in first.output
    archive = Archive(db)
    cells = archive.db["report_cells"].count
    # A stale result (as left by an older parser) is replaced, not added to.
    archive.db.execute("update report_cells set value = 0 where row_key = 'new_received' and col_key = 'total'")
    archive.db.execute("insert into report_cells (report_id, table_key, row_key, col_key) values (?, 'x', 'y', 'z')",
                       [report_id])
    archive.close()
    second = runner.invoke(cli, ["reparse", str(db)])
    assert "1 reports re-parsed, 1 changed" in second.output
    third = runner.invoke(cli, ["reparse", str(db)])
    assert "1 reports re-parsed, 0 changed" in third.output
    archive = Archive(db)
    assert archive.db["report_cells"].count == cells
    assert archive.db.execute("select value from report_cells where row_key = 'new_received' "
                              "and col_key = 'total'").fetchone() == (859,)
    assert [r["body"] for r in archive.db.query("select body from snapshots")] == [body]
    assert archive.db["reports"].get(report_id)["parse_status"] == "ok"


@pytest.mark.slow  # spawns the parser worker processes
def test_reparse_pending_parses_only_the_reports_never_parsed(tmp_path):
    body = fixture_path("corpus_021.html").read_bytes()
    db = tmp_path / "a.db"
    _archive_with_report(db, body)
    runner = CliRunner()
    assert "1 reports re-parsed, 1 changed" in runner.invoke(cli, ["reparse", str(db)]).output
    archive = Archive(db)
    snapshot = archive.store_snapshot(url="http://x/later.html", body=body, status=200,
                                      content_type="text/html; charset=utf-8")
    left_pending = archive.record_report(snapshot=snapshot, source="s", kind="page", title=None, year=None)
    archive.close()
    result = runner.invoke(cli, ["reparse", "--pending", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 reports re-parsed, 1 changed" in result.output
    assert f"changed report ids: {left_pending}\n" in result.output
    assert "  ok: 2" in result.output
