"""Identity and soft checks (format-spec §7) on seed cells and hand-built cell sets."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.parsing.checks import _NARRATIVE_CLAIMS, REQUEST_COLUMNS, cross_year_checks, report_checks
from archive.parsing.model import Cell, Check, ParsedReport
from tests.parsing import seed_cells
from tests.support.fixture_files import fixture_path

FORMATS_2019 = {"active": "2019", "requests": "2019", "review_litigation": "2019"}
FAMILIES = ("I1", "I2", "I3", "review_litigation_totals")


def by_identity(checks: list[Check]) -> dict[str, Check]:
    return {c.identity: c for c in checks}


def ok(table: str, row: str, col: str, value: int) -> Cell:
    return Cell(table, row, col, str(value), value, None, "ok")


def blank(table: str, row: str, col: str) -> Cell:
    return Cell(table, row, col, "", None, None, "blank")


def req(row: str, **values: int | None) -> list[Cell]:
    return [ok("requests", row, col, v) if v is not None else blank("requests", row, col)
            for col, v in values.items()]


def test_seed_000_families_all_pass() -> None:
    checks = by_identity(report_checks(seed_cells.seed_cells("000"), FORMATS_2019))
    expected = seed_cells.expected("000")["checks"]
    assert {f: checks[f].result for f in FAMILIES} == expected
    assert all(checks[f"I1:{c}"].result == "pass" for c in REQUEST_COLUMNS)
    assert checks["RL:litigation_direct"] == Check("RL:litigation_direct", "pass", 0)


def test_seed_003_families() -> None:
    checks = by_identity(report_checks(seed_cells.seed_cells("003"), FORMATS_2019))
    expected = seed_cells.expected("003")["checks"]
    assert {f: checks[f].result for f in expected} == expected
    # 一 3 + 二 3 against blank (七)总计 and 四: total − parts = −6.
    assert checks["I1:natural_person"] == Check("I1:natural_person", "fail_total_blank", -6)
    assert checks["I1:commercial"].result == "empty"
    assert checks["I2:natural_person"] == Check("I2:natural_person", "fail_total_blank", -6)
    assert checks["I3:unable.not_held"] == Check("I3:unable.not_held", "pass", 0)
    assert checks["I3"].result == "pass"
    assert checks["I1"].detail == "fail_total_blank 2, empty 5"
    assert checks["RL:review"].result == "empty"


def test_seed_000_soft_checks() -> None:
    narrative = fixture_path("seed_000.txt").read_text(encoding="utf-8")
    from archive.normalize import normalize_text

    checks = by_identity(report_checks(seed_cells.seed_cells("000"), FORMATS_2019,
                                       narrative=normalize_text(narrative)))
    assert checks["S5:received"] == Check("S5:received", "pass", severity="soft")
    assert checks["S5:completed"] == Check("S5:completed", "warning", severity="soft", detail="text 31, table 30")
    assert checks["S5:carried_forward"].result == "warning"
    assert checks["S1"] == Check("S1", "pass", severity="soft")  # −1 sits in delta_items
    assert checks["S2:art20_1.normative_docs"].result == "pass"


def shanghai_2019_requests() -> list[Cell]:
    """§7.4 worked example: 上海市政府办公厅 2019, 总计 left blank on the intermediate rows."""
    cells = req("new_received", natural_person=821, commercial=35, research=2, public_interest=None,
                legal_services=None, other_org=1, total=859)
    cells += req("carried_over", natural_person=18, total=18)
    cells += req("granted", natural_person=258, commercial=12, research=1, other_org=1, total=None)
    cells += req("total_processed", natural_person=767, commercial=35, research=2, other_org=1, total=805)
    cells += req("carried_forward", natural_person=72, total=72)
    return cells


def test_worked_example_shanghai_2019() -> None:
    checks = by_identity(report_checks(shanghai_2019_requests(), {"requests": "2019"}))
    assert checks["I1:total"] == Check("I1:total", "pass", 0)  # 859 + 18 = 805 + 72
    assert checks["I3:granted"] == Check("I3:granted", "fail_total_blank", -272)
    assert checks["I3:new_received"] == Check("I3:new_received", "pass", 0)
    # 自然人 (七) 767 against only (一) 258 given here: a real fail with the signed difference.
    assert checks["I2:natural_person"] == Check("I2:natural_person", "fail", 767 - 258)
    assert checks["I1:natural_person"] == Check("I1:natural_person", "pass", 0)  # 821 + 18 = 767 + 72
    assert checks["I1"].result == "pass"
    assert checks["I2"].result == "fail"


def test_fail_parts_blank_and_unknown_and_empty() -> None:
    cells = req("total_processed", natural_person=None, total=5)
    cells += req("granted", natural_person=None, total=None)
    cells += [Cell("requests", "new_received", "natural_person", "若干", None, None, "unparsed")]
    checks = by_identity(report_checks(cells, {"requests": "2019"}))
    assert checks["I2:total"] == Check("I2:total", "fail_parts_blank", 5)
    assert checks["I1:natural_person"] == Check("I1:natural_person", "unknown", None)
    assert checks["I1:commercial"] == Check("I1:commercial", "empty", None)
    assert checks["I3:total_processed"] == Check("I3:total_processed", "fail_parts_blank", 5)
    assert checks["I2"].result == "fail_parts_blank"
    assert checks["I1:total"] == Check("I1:total", "fail_parts_blank", 5)
    assert checks["I1"].result == "fail_parts_blank"  # worse than the unknown natural_person column
    assert checks["I1"].detail == "fail_parts_blank 1, unknown 1, empty 5"
    # A printed 总计 0 over blank parts is still nothing reported (区统计局 2023).
    assert by_identity(report_checks(req("granted", total=0), {"requests": "2021"}))["I3:granted"].result == "empty"


def test_not_applicable_reads_as_zero_and_2021_other_rows() -> None:
    cells = req("total_processed", total=4) + req("granted", total=1)
    cells += req("other.no_correction", total=1) + req("other.fee_unpaid", total=1) + req("other.other", total=1)
    cells += [Cell("requests", "partial", "total", "/", None, None, "not_applicable")]
    checks = by_identity(report_checks(cells, {"requests": "2021"}))
    assert checks["I2:total"] == Check("I2:total", "pass", 0)
    as_2019 = by_identity(report_checks(cells, {"requests": "2019"}))
    assert as_2019["I2:total"] == Check("I2:total", "fail", 3)  # the 2021 rows are not 2019 outcomes


def test_review_litigation_fail_with_difference() -> None:
    cells = [ok("review_litigation", "litigation_direct", col, v)
             for col, v in zip(("upheld", "corrected", "other", "pending", "total"), (8, 0, 0, 1, 10))]
    checks = by_identity(report_checks(cells, {"review_litigation": "2019"}))
    assert checks["RL:litigation_direct"] == Check("RL:litigation_direct", "fail", 1)
    assert checks["RL:review"].result == "empty"
    assert checks["review_litigation_totals"].result == "fail"


def test_absent_tables_are_not_checked() -> None:
    assert report_checks([], {}) == []


def test_soft_s1_s3_s4() -> None:
    cells = [Cell("requests", "granted", "natural_person", "-2", -2, None, "ok"),
             Cell("active", "art20_1.regulations", "in_force", "-1", -1, None, "ok"),
             Cell("active", "art20_9.procurement", "amount", "1.5万元", Decimal("1.5"), "万元", "ok"),
             ok("requests", "other.fee_unpaid", "total", 2)]
    checks = by_identity(report_checks(cells, {"active": "2021", "requests": "2021"}, section_six="无"))
    assert checks["S1"].result == "warning"
    assert checks["S1"].detail == "requests.granted.natural_person=-2; active.art20_1.regulations.in_force=-1"
    assert checks["S3:art20_1.regulations"].result == "warning"
    assert checks["S4"].result == "warning"
    quiet = by_identity(report_checks(cells, {"requests": "2021"}, section_six="发出收费通知2件"))
    assert quiet["S4"].result == "pass"


@pytest.mark.parametrize("as_report", [True, False])
def test_cross_year(as_report: bool) -> None:
    earlier = req("carried_forward", natural_person=3, total=3)
    earlier += [ok("active", "art20_5.licensing", "prev_items", 10),
                Cell("active", "art20_5.licensing", "delta_items", "-1", -1, None, "ok")]
    later = req("carried_over", natural_person=2, total=3)
    later += [ok("active", "art20_5.licensing", "prev_items", 9)]
    if as_report:
        earlier = ParsedReport(cells=earlier, table_formats={"active": "2019", "requests": "2019"})
        later = ParsedReport(cells=later, table_formats={"active": "2019", "requests": "2019"})
    checks = by_identity(cross_year_checks(earlier, later))
    assert checks["X1:natural_person"] == Check("X1:natural_person", "warning", -1, severity="soft")
    assert checks["X1:total"] == Check("X1:total", "pass", 0, severity="soft")
    assert "X1:commercial" not in checks  # both blank: nothing to compare
    assert checks["X3:art20_5.licensing"] == Check("X3:art20_5.licensing", "pass", 0, severity="soft")


def test_cross_year_2021_in_force_chain() -> None:
    def active(row: str, **values: int) -> list[Cell]:
        return [ok("active", row, col, v) for col, v in values.items()]

    earlier = active("art20_1.normative_docs", issued=2, repealed=0, in_force=10)
    later = active("art20_1.normative_docs", issued=3, repealed=1, in_force=11)
    checks = by_identity(cross_year_checks(earlier, later))
    assert checks["X2:art20_1.normative_docs"] == Check("X2:art20_1.normative_docs", "warning", -1,
                                                        severity="soft")
    # A format change (2019 → 2021) breaks the active comparisons (§7.3 X4).
    old = ParsedReport(cells=active("art20_1.normative_docs", made=1), table_formats={"active": "2019"})
    assert not [c for c in cross_year_checks(old, later) if c.identity.startswith(("X2", "X3"))]


_OLD_COMPLETED = re.compile(r"(?<!\d)(\d+)件(?:申请)?(?:均已|已全部|全部)[^。;,]{0,8}?办结")
_CLAIM_PIECES = ("12", "3", "0", "件", "申请", "均已", "全部", "已全部", "办结", "。", ",", "共", "收到", "x")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_CLAIM_PIECES), max_size=20).map("".join))
def test_completed_claim_pattern_finds_what_the_lookbehind_first_one_found(text: str) -> None:
    completed = dict((name, pattern) for name, pattern, _ in _NARRATIVE_CLAIMS)["S5:completed"]
    new, old = completed.search(text), _OLD_COMPLETED.search(text)
    assert (new and (new.span(), new.group(1))) == (old and (old.span(), old.group(1)))


def _generated_cells(draw, table: str) -> list[Cell]:
    from archive.parsing import forms

    rows = forms.request_rows() if table == "requests" else forms.review_rows()
    columns = forms.request_columns() if table == "requests" else forms.review_columns()
    statuses = st.sampled_from(["ok", "ok", "ok", "blank", "not_applicable", "unparsed", "absent"])
    cells = []
    for row in rows:
        for col in columns:
            status = draw(statuses)
            if status == "absent":
                continue
            value = draw(st.integers(0, 3)) if status == "ok" else None
            cells.append(Cell(table, row, col, str(value), value, None, status))
    return cells


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from(["requests", "review_litigation"]), st.sampled_from([{}, {"requests": "2019"},
                                                                                     {"requests": "2021"}]))
def test_member_results_are_model_identities_members(data, table: str, formats: dict) -> None:
    from archive.parsing.checks import _families, _requests_format, cell_grid, member_results, model_identities

    cells = _generated_cells(data.draw, table)
    grid = cell_grid(cells)
    missing = set(data.draw(st.lists(st.sampled_from(sorted(grid) or [(table, "x", "y")]), max_size=5)))
    summaries = {family for family, _ in _families(_requests_format(grid, formats), table)}
    checks = model_identities(grid, formats, table, missing)
    assert member_results(grid, formats, table, missing) == [
        (c.identity, c.result) for c in checks if c.identity not in summaries]
