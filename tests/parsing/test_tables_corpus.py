"""Real reports beyond the seeds: PDF text (022) with values printed apart from their labels."""

from __future__ import annotations

from archive.parsing.tables import extract_tables_from_text
from tests.cell_expectations import assert_table_cells


def test_022_pdf_text_every_cell(table_fixture, expected_json):
    result = extract_tables_from_text(table_fixture("corpus_022.txt"))
    expected = expected_json("corpus_022_expected.json")
    assert_table_cells(result, expected["cells"])
    assert result.table_formats == expected["table_formats"]
    assert result.problems == []
