"""Workbooks built from the seeds: XLSX (openpyxl merged ranges) and XLS (BIFF written by LibreOffice)."""

from __future__ import annotations

import pytest

from archive.formats import document_format
from archive.parsing import parse_report
from archive.parsing.tables import extract_tables_from_rows
from archive.readers.excel import number_text, read_xls, read_xlsx
from tests.documents.exact_cells import assert_cells_exact, document_path, expected

READERS = {"xlsx": read_xlsx, "xls": read_xls}


@pytest.mark.parametrize("extension", ["xlsx", "xls"])
@pytest.mark.parametrize("seed", ["000", "003"])
def test_every_cell_exact(seed: str, extension: str) -> None:
    content = READERS[extension](document_path(f"seed_{seed}.{extension}").read_bytes())
    result = extract_tables_from_rows(content.rows)
    assert_cells_exact(result.cells, expected(f"seed_{seed}_expected.json")["cells"])
    assert result.problems == []


@pytest.mark.parametrize("extension", ["xlsx", "xls"])
def test_merged_ranges_repeat_down_and_count_once_across(extension: str) -> None:
    rows = [r.cells for r in READERS[extension](document_path(f"seed_000.{extension}").read_bytes()).rows]
    assert ("三、本年度辦理結果", "(三)不予公開", "2.其他法律行政法規(guī)禁止公開", "0", "0", "0", "0", "0", "0", "0") in rows
    assert ("行政事業(yè)性收費", "74", "0") in rows
    assert ("政府集中采購", "364", "63363.40萬元") in rows


@pytest.mark.parametrize("extension", ["xlsx", "xls"])
def test_parse_report_on_workbook(extension: str) -> None:
    parsed = parse_report(document_path(f"seed_003.{extension}").read_bytes(), content_type="application/vnd.ms-excel")
    assert (parsed.year, parsed.format, parsed.parse_status) == (2019, "2019", "ok")
    assert parsed.notes == ["(注:政府集中采购项目数量和采购总金额为2018年度的数据)"]
    assert document_format(document_path(f"seed_003.{extension}").read_bytes()) == extension


def test_stored_numbers_print_as_written() -> None:
    assert [number_text(v) for v in (0, 31338.0, -1, 7730.28, 0.1)] == ["0", "31338", "-1", "7730.28", "0.1"]
