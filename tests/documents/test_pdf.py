"""The real 洪泽 2023 PDF (corpus 022): ruled tables over page breaks, vertical labels, stacked headers."""

from __future__ import annotations

import pytest

from archive.formats import document_format
from archive.parsing import parse_report
from archive.parsing.tables import extract_tables_from_rows, extract_tables_from_text
from archive.readers import read_document
from archive.readers.pdf import pdf_title, read_pdf
from tests.documents.exact_cells import SHARED, assert_cells_exact, document_path, expected

PDF = document_path("022.pdf").read_bytes()


@pytest.fixture(scope="module")
def content():
    return read_pdf(PDF)


def test_every_cell_exact_from_ruled_tables(content) -> None:
    result = extract_tables_from_rows(content.rows)
    assert_cells_exact(result.cells, expected("corpus_022_expected.json")["cells"])
    assert result.table_formats == {"active": "2021", "requests": "2019", "review_litigation": "unknown"}


def test_vertical_label_and_stacked_headers_are_whole_cells(content) -> None:
    texts = [row.cells for row in content.rows]
    assert ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政止公开", "0", "0", "0", "0", "0", "0", "0") in texts
    assert ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "自然人", "商业企业", "科研机构",
            "社会公益组织", "法律服务机构", "其他", "总计") in texts


def test_table_continued_on_next_page_keeps_its_rows(content) -> None:
    texts = [row.cells for row in content.rows]
    page_break = texts.index(("", "", "3.补正后申请内容仍不明确", "0", "0", "0", "0", "0", "0", "0"))
    assert texts[page_break - 1][2] == "2.没有现成信息需要另行制作"


def test_running_text_is_the_page_text(content) -> None:
    # corpus/022.txt is pdfplumber's text of this file, made when the corpus was collected
    assert content.text == (SHARED / "corpus_022.txt").read_text(encoding="utf-8").rstrip("\n")
    assert content.text.startswith("洪泽区人民政府\n2023 年政府信息公开工作年度报告\n本报告由")
    assert content.text.endswith("全年收取政府信息公开信息处理费 0 元。\n- 5 -")


def test_text_lines_fallback_reads_the_same_cells(content) -> None:
    """Without ruling lines the positional text lines go through the text path: same values."""
    result = extract_tables_from_text(content.text)
    assert_cells_exact(result.cells, expected("corpus_022_expected.json")["cells"])


def test_parse_report_on_pdf_bytes() -> None:
    parsed = parse_report(PDF, content_type="application/pdf")
    assert (parsed.title, parsed.year, parsed.format, parsed.parse_status) == (
        "洪泽区人民政府2023年政府信息公开工作年度报告", 2023, "2019+2021", "ok")
    assert_cells_exact(parsed.cells, expected("corpus_022_expected.json")["cells"])
    assert list(parsed.sections) == ["intro", "一", "二", "三", "四", "五", "六"]
    checks = {c.identity: c.result for c in parsed.checks}
    assert (checks["I1"], checks["I2"], checks["I3"], checks["review_litigation_totals"]) == (
        "pass", "pass", "pass", "fail")  # the source's Table 4 row does not add up


def test_title_property_in_utf16le_is_decoded() -> None:
    assert pdf_title({"Title": "ÿþ*mýl:SºN\x11l?eœ^"}) == "洪泽区人民政府"
    assert pdf_title({"Title": "  "}) is None
    assert pdf_title({}) is None


def test_format_detection_and_dispatch() -> None:
    assert document_format(PDF) == "pdf"
    assert len(read_document(PDF, "pdf").rows) == 93

