"""The publishing preparation rebuilds only the summary rows of what changed, and they equal a full
rebuild: on the fixture archive and, over many seeded random change sets (new reports, new versions
of a URL, reparses with changed and deleted cells, status, place and snapshot changes), on a
generated archive (benchmarks/gen_archive.py, benchmarks/archive_changes.py)."""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
import sqlite_utils

from archive.publish import summary_refresh
from archive.publish.prepare import prepare_database
from archive.publish.summary_refresh import TABLES, refresh_summaries
from archive.store import Archive

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from archive_changes import CHANGES, apply_changes, new_report, summary_rows  # noqa: E402
from gen_archive import generate  # noqa: E402

BY_ROWID = ("report_summary", "request_outcome_summary", "review_litigation_summary")


def _copy(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
        a.backup(b)
    return target


def _full_rebuild(path: Path, copy: Path) -> sqlite3.Connection:
    """A copy of the archive with every summary rebuilt from scratch."""
    _copy(path, copy)
    db = sqlite_utils.Database(copy)
    assert refresh_summaries(db, full=True) == "full"
    db.close()
    return sqlite3.connect(copy)


def _prepare_incrementally(path: Path, monkeypatch) -> None:
    def no_full_rebuild(db):
        raise AssertionError("the preparation rebuilt every summary")

    with monkeypatch.context() as patch:
        patch.setattr(summary_refresh, "rebuild_summaries", no_full_rebuild)
        prepare_database(path)


def _assert_same_as_full_rebuild(path: Path, copy: Path) -> None:
    full = _full_rebuild(path, copy)
    incremental = sqlite3.connect(path)
    assert summary_rows(incremental) == summary_rows(full)
    for table in BY_ROWID:  # one row per report, in id order whichever way it was built
        sql = f"select * from [{table}]"
        assert incremental.execute(sql).fetchall() == full.execute(sql).fetchall()
    incremental.close()
    full.close()


@pytest.fixture
def fixture_copy(tmp_path, fixture_archive) -> Path:
    path = _copy(fixture_archive.path, tmp_path / "copy.db")
    prepare_database(path)  # this code's summaries and state
    return path


def test_a_preparation_with_nothing_changed_rebuilds_nothing(fixture_copy):
    db = sqlite_utils.Database(fixture_copy)
    assert refresh_summaries(db) == "unchanged"


def test_summaries_of_other_definitions_or_without_state_are_rebuilt_whole(fixture_copy):
    db = sqlite_utils.Database(fixture_copy)
    db.execute("update publish_state set state = json_set(state, '$.definitions', 'older')")
    db.conn.commit()
    assert refresh_summaries(db) == "full"
    db.execute("delete from publish_state")
    db.conn.commit()
    assert refresh_summaries(db) == "full"
    db["agency_coverage"].drop()
    assert refresh_summaries(db) == "full"
    assert refresh_summaries(db) == "unchanged"


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_each_kind_of_change_gives_the_rows_of_a_full_rebuild(fixture_copy, tmp_path, monkeypatch, kind):
    archive = Archive(fixture_copy)
    rng = random.Random(kind)
    for _ in range(3):
        CHANGES[kind](archive, rng)
    archive.close()
    before = summary_rows(sqlite3.connect(fixture_copy))
    _prepare_incrementally(fixture_copy, monkeypatch)
    _assert_same_as_full_rebuild(fixture_copy, tmp_path / "full.db")
    if kind in ("new_report", "new_version", "reparse"):
        assert summary_rows(sqlite3.connect(fixture_copy))["report_summary"] != before["report_summary"]


def test_a_new_version_of_a_url_takes_over_as_current(fixture_copy, tmp_path, monkeypatch):
    archive = Archive(fixture_copy)
    url, old = archive.db.execute("select url, id from report_summary where current_version = 1 "
                                  "order by id limit 1").fetchone()
    new_report(archive, random.Random(1), url)
    archive.close()
    _prepare_incrementally(fixture_copy, monkeypatch)
    db = sqlite3.connect(fixture_copy)
    (new,) = db.execute("select max(id) from reports where url = ?", [url]).fetchone()
    flags = dict(db.execute("select id, current_version from report_summary where url = ?", [url]).fetchall())
    assert new != old and flags[old] == 0 and set(flags) >= {old, new}
    _assert_same_as_full_rebuild(fixture_copy, tmp_path / "full.db")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("refresh") / "gen.db"
    generate(path, 400, seed=11)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_random_change_sets_give_the_rows_of_a_full_rebuild(generated, tmp_path, monkeypatch, seed):
    path = tmp_path / "work.db"
    shutil.copy(generated, path)
    rng = random.Random(seed)
    for round_no in range(6):  # each preparation starts from the summaries the last one left
        archive = Archive(path)
        apply_changes(archive, rng, rng.randint(1, 15))
        archive.close()
        _prepare_incrementally(path, monkeypatch)
        _assert_same_as_full_rebuild(path, tmp_path / f"full-{round_no}.db")
        assert refresh_summaries(sqlite_utils.Database(path)) == "unchanged"


def test_every_summary_table_is_compared():
    assert set(TABLES) >= {"report_summary", "request_outcome_summary", "identity_failure_summary",
                           "review_litigation_summary", "changed_url_summary", "agency_coverage", "report_counts"}
