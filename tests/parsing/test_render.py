"""Terminal rendering: printed table layout, display-width alignment, checks."""

from __future__ import annotations

from archive.parsing.checks import report_checks
from archive.parsing.model import ParsedReport
from archive.parsing.render import display_width, grid_lines, render_report

from tests.parsing import seed_cells

FORMATS = {"active": "2019", "requests": "2019", "review_litigation": "2019"}


def seed_000() -> ParsedReport:
    cells = seed_cells.seed_cells("000")
    return ParsedReport(title="某局2020年政府信息公开工作年度报告", year=2020, format="2019", cells=cells,
                        table_formats=FORMATS, checks=report_checks(cells, FORMATS))


def test_display_width_counts_cjk_double() -> None:
    assert display_width("规章") == 4
    assert display_width("a1") == 2
    assert display_width("（一）") == 6


def test_grid_aligns_by_display_width() -> None:
    assert grid_lines(["信息内容", "数量"], [["规章", "12"], ["ab", "3"]]) == [
        "信息内容  数量", "规章        12", "ab           3"]


def test_seed_000_tables_in_printed_layout() -> None:
    lines = render_report(seed_000()).splitlines()
    assert lines[0] == "某局2020年政府信息公开工作年度报告"
    assert "  行政许可                       31338         -1         31337" in lines
    assert "  政府集中采购           364  63363.40萬元" in lines
    header = next(line for line in lines if line.startswith("  申请人情况"))
    assert header.split() == ["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    total = next(line for line in lines if line.startswith("  (七)总计"))
    assert total.split() == ["(七)总计", "28", "2", "0", "0", "0", "0", "30"]
    # Every row of the requests table ends at the same terminal column.
    rows = lines[lines.index(header):lines.index(header) + 24]
    assert len({display_width(row) for row in rows}) == 1
    review = lines[lines.index("四、政府信息公开行政复议、行政诉讼情况") + 3]
    assert review.split() == ["0", "0", "0", "0", "0", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"]


def test_checks_are_listed() -> None:
    lines = render_report(seed_000()).splitlines()
    assert "检查 checks" in lines
    i1 = next(line for line in lines if line.split()[:1] == ["I1"])
    assert i1.split() == ["I1", "pass", "hard", "pass", "7"]
    rl = next(line for line in lines if line.split()[:1] == ["RL:litigation_direct"])
    assert rl.split() == ["RL:litigation_direct", "pass", "+0", "hard"]


def test_blank_and_missing_cells() -> None:
    cells = seed_cells.seed_cells("003")
    parsed = ParsedReport(cells=cells, table_formats={"requests": "2019"}, parse_status="ok")
    lines = render_report(parsed).splitlines()
    assert next(line for line in lines if line.startswith("  (四)1.")).split() == [
        "(四)1.本机关不掌握相关政府信息", "6", "6"]
    assert next(line for line in lines if line.startswith("  (七)总计")).split() == ["(七)总计"]


def test_report_without_tables() -> None:
    assert render_report(ParsedReport(parse_status="no_tables")) == (
        "(no title)\nagency: -   region: -   year: -   published: -\n"
        "format: unknown   status: no_tables   index_no: -\n")
