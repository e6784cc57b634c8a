"""Reader limits (ReadLimits): each one bounds what its reader reads, and parse_report passes them down."""

from __future__ import annotations

import io

import lxml.html
import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.parsing import parse_report
from archive.readers import READ_LIMITS, ReadLimits, read_document
from archive.readers.excel import read_xls, read_xlsx
from archive.readers.html import html_grid
from archive.readers.pdf import read_pdf
from archive.readers.word_binary import read_doc
from tests.documents.exact_cells import document_path

PDF = document_path("022.pdf").read_bytes()
DOC = document_path("seed_003.doc").read_bytes()


def test_defaults_are_the_documented_ones() -> None:
    assert READ_LIMITS == ReadLimits(pdf_pages=500, sheet_cells=200_000, doc_chars=5_000_000, cell_span=200)


@pytest.fixture(scope="module")
def pdf_page_texts() -> list[str]:
    with pdfplumber.open(io.BytesIO(PDF)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.mark.parametrize("pages", range(1, 7))
def test_pdf_reads_at_most_its_pages(pdf_page_texts: list[str], pages: int) -> None:
    assert len(pdf_page_texts) == 5
    assert read_pdf(PDF, ReadLimits(pdf_pages=pages)).text == "\n".join(pdf_page_texts[:pages])


@pytest.mark.parametrize(("pages", "status", "cells"), [
    (0, "image_only", 0),  # no page read: no text layer seen
    (1, "no_tables", 0),
    (2, "partial:active+requests_missing+review_litigation_missing", 7),
    (3, "partial:requests+review_litigation_missing", 138),
    (5, "ok", 233),
])
def test_parse_report_passes_limits_to_the_reader(pages: int, status: str, cells: int) -> None:
    parsed = parse_report(PDF, limits=ReadLimits(pdf_pages=pages))
    assert (parsed.parse_status, len(parsed.cells)) == (status, cells)
    assert parsed.title == "洪泽区人民政府2023年政府信息公开工作年度报告"


@pytest.mark.parametrize("reader", [read_xlsx, read_xls])
def test_sheet_cells_bound_the_rows_read(reader) -> None:
    body = document_path(f"seed_003.{'xlsx' if reader is read_xlsx else 'xls'}").read_bytes()
    assert len(reader(body).rows) == 91
    rows = reader(body, ReadLimits(sheet_cells=30)).rows  # 12 columns: two sheet rows
    assert [row.cells for row in rows] == [("索引号: 113308000026184538/2020-104149 成文日期: 2020-01-31",),
                                           ("公开方式: 主动公开 组配分类: 2019年度",)]


@settings(max_examples=40, deadline=None)
@given(chars=st.integers(min_value=0, max_value=300))
def test_doc_chars_bound_the_text_read(chars: int) -> None:
    full = read_doc(DOC).text
    assert len(full) == 4635
    limited = read_document(DOC, "doc", ReadLimits(doc_chars=chars))
    # Paragraph marks become line breaks; a paragraph cut right after its mark adds no empty line.
    assert limited.text == full[:chars].removesuffix("\n")


@settings(max_examples=100, deadline=None)
@given(span=st.integers(min_value=1, max_value=999), limit=st.integers(min_value=1, max_value=300))
def test_cell_span_bounds_html_grids(span: int, limit: int) -> None:
    table = lxml.html.fromstring(f"<table><tr><td colspan={span}>a</td><td>b</td></tr></table>")
    grid = html_grid(table, ReadLimits(cell_span=limit))
    assert [text for _, text in grid[0]] == ["a"] * min(span, limit) + ["b"]
