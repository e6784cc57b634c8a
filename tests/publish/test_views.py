"""The publishing views over the fixture archive: overview, outcomes, failures, changed URLs."""

from __future__ import annotations

import shutil

import sqlite_utils

from archive.publish import ensure_publish_views
from archive.publish.views import VIEWS
from tests.publish.fixture_archive import SHANGHAI_URL


def _db(fixture_archive) -> sqlite_utils.Database:
    return sqlite_utils.Database(fixture_archive.path)


def test_ensure_publish_views_is_idempotent(tmp_path, fixture_archive):
    shutil.copy(fixture_archive.path, tmp_path / "copy.db")
    db = sqlite_utils.Database(tmp_path / "copy.db")
    for name in VIEWS:
        db.execute(f"drop view if exists [{name}]")
    ensure_publish_views(db)
    ensure_publish_views(db)
    assert set(VIEWS) <= set(db.view_names())
    assert db["key_labels"].count == _db(fixture_archive)["key_labels"].count


def test_report_overview_joins_registry_level_and_province(fixture_archive):
    ids = fixture_archive.ids
    rows = {r["id"]: r for r in _db(fixture_archive).query("select * from report_overview")}
    quzhou = rows[ids["quzhou_2019"]]
    assert (quzhou["province"], quzhou["level"], quzhou["year"], quzhou["identities"]) == (
        "浙江省", "department", 2019, "fail_total_blank")
    haian = rows[ids["haian_2020"]]
    assert (haian["identities"], haian["failing_identities"]) == ("pass", 0)
    assert rows[ids["hongze_2023"]]["identities"] == "fail"
    # The glued 平潭 text is read now (issue 10): its I2 fails by -6, as the page's HTML tables do.
    assert rows[ids["pingtan_2020"]]["identities"] == "fail"
    assert rows[ids["shanghai_2019"]]["snapshots_of_url"] == 2


def test_publication_after_31_january(fixture_archive):
    ids = fixture_archive.ids
    rows = {r["id"]: r for r in _db(fixture_archive).query("select * from report_overview")}
    assert (rows[ids["shanghai_2019"]]["after_jan31"], rows[ids["shanghai_2019"]]["days_after_jan31"]) == (0, 0)
    assert (rows[ids["shanghai_2020"]]["after_jan31"], rows[ids["shanghai_2020"]]["days_after_jan31"]) == (1, 10)
    assert (rows[ids["pingtan_2020"]]["after_jan31"], rows[ids["pingtan_2020"]]["days_after_jan31"]) == (1, 33)
    assert rows[ids["haian_2020"]]["after_jan31"] is None  # no publication date known


def test_current_reports_keep_the_latest_version_of_a_url(fixture_archive):
    ids = fixture_archive.ids
    current = {r["id"] for r in _db(fixture_archive).query("select id from current_reports")}
    assert ids["shanghai_2019_v2"] in current and ids["shanghai_2019"] not in current


def test_request_outcomes_of_seed_000_match_its_expected_cells(fixture_archive):
    row = next(_db(fixture_archive).query("select * from request_outcomes where report_id = ?",
                                          [fixture_archive.ids["haian_2020"]]))
    # seeds/expected/000: 23 + 8 = 30 + 1; （七） 30 = 10 + 5 + 14 + 1 (unable) ...
    assert {k: row[k] for k in ("received", "carried_over", "granted", "partial", "denied", "total_processed",
                                "carried_forward")} == {
        "received": 23, "carried_over": 8, "granted": 10, "partial": 5, "denied": 0, "total_processed": 30,
        "carried_forward": 1}


def test_request_outcomes_fall_back_to_the_applicant_columns_when_total_is_blank(fixture_archive):
    # 上海 2019 leaves 总计 blank on （一）予以公开; 自然人 258 + 商业企业 14 = 272 (corpus 021).
    row = next(_db(fixture_archive).query("select granted, received from request_outcomes where report_id = ?",
                                          [fixture_archive.ids["shanghai_2019_v2"]]))
    assert (row["granted"], row["received"]) == (272, 869)


def test_review_litigation_outcomes_sum_both_litigation_groups(fixture_archive):
    row = next(_db(fixture_archive).query("select * from review_litigation_outcomes where report_id = ?",
                                          [fixture_archive.ids["shanghai_2019_v2"]]))
    # 上海 2019: 复议 5 + 0 + 0 + 2 = 7; 直接起诉 8 + 0 + 0 + 1 = 9 (format-spec §7.4).
    assert (row["review_upheld"], row["review_pending"], row["review_total"]) == (5, 2, 7)
    assert (row["litigation_upheld"], row["litigation_pending"], row["litigation_total"]) == (8, 1, 9)


def test_identity_failures_list_the_real_arithmetic_errors(fixture_archive):
    rows = list(_db(fixture_archive).query(
        "select identity, difference from identity_failures where report_id = ? and result = 'fail' "
        "order by identity", [fixture_archive.ids["shanghai_2019_v2"]]))
    # 859 → 869 breaks 一 + 二 = （七） + 四 on the 总计 column by 10.
    assert {"identity": "I1:total", "difference": -10} in rows


def test_changed_urls_lists_the_url_archived_twice(fixture_archive):
    rows = list(_db(fixture_archive).query("select url, snapshots, report_ids from changed_urls"))
    assert rows == [{"url": SHANGHAI_URL, "snapshots": 2,
                     "report_ids": f"{fixture_archive.ids['shanghai_2019']} {fixture_archive.ids['shanghai_2019_v2']}"}]


def test_cross_year_checks_compare_an_agency_with_its_previous_year(fixture_archive):
    """上海 2020 (derived fixture) against 上海 2019: X1 carried over 18 vs carried forward 72;
    X3 previous items 0 = 0 + 0 on every 2019-format row."""
    rows = list(_db(fixture_archive).query(
        "select identity, value, expected, difference, result from cross_year_checks "
        "where report_id = ? order by identity", [fixture_archive.ids["shanghai_2020"]]))
    by_identity = {r["identity"]: r for r in rows}
    assert by_identity["X1:total"] == {"identity": "X1:total", "value": 18, "expected": 72,
                                       "difference": -54, "result": "warning"}
    assert by_identity["X1:natural_person"]["difference"] == -54
    assert by_identity["X1:commercial"] == {"identity": "X1:commercial", "value": 0, "expected": 0,
                                            "difference": 0, "result": "pass"}
    assert {r["identity"] for r in rows if r["identity"].startswith("X3:")} == {
        "X3:art20_5.licensing", "X3:art20_5.other_services", "X3:art20_6.penalty", "X3:art20_6.coercion",
        "X3:art20_8.fees"}
    assert not [r for r in rows if r["identity"].startswith("X2:")]  # 2019 format: no X2
    previous = {r["previous_id"] for r in _db(fixture_archive).query(
        "select previous_id from cross_year_checks where report_id = ?", [fixture_archive.ids["shanghai_2020"]])}
    assert previous == {fixture_archive.ids["shanghai_2019_v2"]}
