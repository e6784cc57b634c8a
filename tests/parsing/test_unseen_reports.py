"""Real 平潭 report pages that no other test and no corpus description has seen (2015, 2019, 2025).

The fixtures are the report-body part of each real page (see tests/fixtures/unseen/README.md); the expected
cells were written by hand from the page, not from the parser. Each page is parsed twice: its tables
alone (every cell exact) and the whole page through parse_report (status, format, hard identities).
"""

from __future__ import annotations

import json
from collections import Counter
import lxml.html
import pytest

from archive.parsing import parse_report
from archive.parsing.tables import extract_tables_from_html
from tests.cell_expectations import assert_table_cells
from tests.support.fixture_files import UNSEEN

REPORTS = sorted(path.name.removesuffix("_expected.json") for path in UNSEEN.glob("*_expected.json"))

# name -> (parse_status, format, year, hard check families and how many checks each has);
# the 2019 fixture keeps no title or intro, so no year can be read from it.
REPORT_LEVEL = {
    "pingtan_2015": ("ok", "pre2019", 2015, {}),
    "pingtan_2019": ("ok", "2019", None, {"I1": 8, "I2": 8, "I3": 24, "RL": 3, "review_litigation_totals": 1}),
    "pingtan_2025": ("ok", "2021", 2025, {"I1": 8, "I2": 8, "I3": 26, "RL": 3, "review_litigation_totals": 1}),
}


def _body(name: str) -> bytes:
    return (UNSEEN / f"{name}.html").read_bytes()


def _expected(name: str) -> dict:
    return json.loads((UNSEEN / f"{name}_expected.json").read_text(encoding="utf-8"))


def test_every_fixture_has_report_level_expectations():
    assert REPORTS == sorted(REPORT_LEVEL)


@pytest.mark.parametrize("name", REPORTS)
def test_tables_every_cell(name):
    expected = _expected(name)
    result = extract_tables_from_html(lxml.html.fromstring(_body(name).decode("utf-8")))
    assert_table_cells(result, expected["cells"])
    assert result.table_formats == expected["table_formats"]
    assert result.problems == []


@pytest.mark.parametrize("name", REPORTS)
def test_report_status_format_and_hard_identities(name):
    status, fmt, year, families = REPORT_LEVEL[name]
    report = parse_report(_body(name), content_type="text/html; charset=utf-8")
    assert (report.parse_status, report.format, report.year) == (status, fmt, year)
    hard = [check for check in report.checks if check.severity == "hard"]
    assert Counter(check.identity.split(":")[0] for check in hard) == Counter(families)
    assert [c.identity for c in hard if c.result != "pass"] == []
