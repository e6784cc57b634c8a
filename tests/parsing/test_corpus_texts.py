"""Every corpus text with tables, as text (tests/fixtures/corpus_texts_expected.json): exact cells.

The excerpts 028-033 stop mid-table (the layouts of issue 10: one cell per line with `|` lines or
blank lines between, pipe rows); the 平潭 texts 015-019 have their cells glued together. What the
text does not let a reader place is listed in the fixture: rows never shown are missing, glued digits
that split more than one way are unparsed, and a truncated copy is `partial`, never a faulty report.
"""

from __future__ import annotations

import json

import pytest

from archive.parsing import parse_report
from archive.parsing.completeness import expected_cells as form_cells
from archive.parsing.tables import extract_tables_from_text
from tests.cell_expectations import assert_cells_exact
from tests.support.fixture_files import FIXTURES, fixture_path

EXPECTED = json.loads(fixture_path("corpus_texts_expected.json").read_text(encoding="utf-8"))["texts"]
TRUNCATED = ("028", "029", "030", "031", "032", "033")


def _text(name: str) -> str:
    return fixture_path(f"corpus_{name}.txt").read_text(encoding="utf-8")


def test_every_corpus_text_with_tables_is_covered():
    corpus = {path.name[7:10] for path in FIXTURES.glob("corpus_[0-9][0-9][0-9].json")}
    with_tables = {name for name in corpus
                   if json.loads(fixture_path(f"corpus_{name}.json").read_text(encoding="utf-8")).get("tables_present")}
    assert with_tables - {"021", "022", "025"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_text_every_cell(name):
    expected = EXPECTED[name]
    result = extract_tables_from_text(_text(name))
    placed = [c for c in result.cells if c.status != "unparsed"]
    assert_cells_exact(placed, expected["cells"], problems=result.problems)
    assert result.table_formats == expected["table_formats"]
    unparsed = sorted({f"{c.table_key}.{c.row_key}" for c in result.cells if c.status == "unparsed"})
    assert unparsed == expected.get("unparsed_rows", [])
    # Every cell the form prints that was not read is reported missing, and nothing else is.
    read = {(c.table_key, c.row_key, c.col_key) for c in result.cells}
    form = [key for table in result.found for key in form_cells(table, result.table_formats.get(table))]
    assert sorted(result.missing) == sorted(key for key in form if key not in read)
    if "missing_rows" in expected:
        assert sorted({f"{t}.{r}" for t, r, _ in result.missing}) == expected["missing_rows"]


@pytest.mark.parametrize("name", TRUNCATED)
def test_truncated_copies_are_partial_and_never_blamed(name):
    report = parse_report(_text(name).encode("utf-8"), content_type="text/plain; charset=utf-8")
    assert report.parse_status.startswith("partial:")
    hard = [c for c in report.checks if c.severity == "hard"]
    assert not [c for c in hard if c.result.startswith("fail")], hard
    if "requests" in EXPECTED[name]["cells"]:
        assert "requests" in report.parse_status.removeprefix("partial:").split("+")
        assert {c.result for c in hard if c.identity in ("I1", "I2")} == {"unknown"}
