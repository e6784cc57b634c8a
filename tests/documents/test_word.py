"""Word documents built from the seeds: DOCX (python-docx merges) and binary DOC (written by LibreOffice)."""

from __future__ import annotations

import pytest

from archive.formats import document_format
from archive.parsing import parse_report
from archive.parsing.tables import extract_tables_from_rows
from archive.readers.word import read_docx
from archive.readers.word_binary import read_doc
from tests.documents.exact_cells import assert_cells_exact, document_path, expected

SEEDS = {"000": "seed_000_expected.json", "003": "seed_003_expected.json"}
READERS = {"docx": read_docx, "doc": read_doc}


@pytest.mark.parametrize("extension", ["docx", "doc"])
@pytest.mark.parametrize("seed", ["000", "003"])
def test_every_cell_exact(seed: str, extension: str) -> None:
    content = READERS[extension](document_path(f"seed_{seed}.{extension}").read_bytes())
    result = extract_tables_from_rows(content.rows)
    assert_cells_exact(result.cells, expected(SEEDS[seed])["cells"])
    assert result.problems == []


def test_docx_merged_cells_repeat_in_the_rows_they_cover() -> None:
    rows = [r.cells for r in read_docx(document_path("seed_003.docx").read_bytes()).rows]
    assert ("三 、 本 年 度 办 理 结 果", "(三)不予公开", "2.其他法律行政法规禁止公开", "", "", "", "", "", "", "") in rows
    assert ("行政事业性收费", "", "") in rows  # the last value cell spans two grid columns
    header = "(本列数据的勾稽关系为:第一项加第二项之和等于第三项加第四项之和)"
    assert (header, "自然人", "商业 企业", "科研 机构", "社会 公益 组织", "法律 服务 机构", "其他", "总计") in rows


def test_doc_rows_and_paragraphs_are_told_apart() -> None:
    content = read_doc(document_path("seed_003.doc").read_bytes())
    rows = [r.cells for r in content.rows]
    assert ("一、本年新收政府信息公开申请数量", "3", "", "", "", "", "", "3") in rows
    assert content.text.startswith("索引号: 113308000026184538/2020-104149 成文日期: 2020-01-31\n")
    assert "(注:政府集中采购项目数量和采购总金额为2018年度的数据)" in content.text.splitlines()


@pytest.mark.parametrize("extension", ["docx", "doc"])
def test_parse_report_seed_003(extension: str) -> None:
    parsed = parse_report(document_path(f"seed_003.{extension}").read_bytes())
    report = expected("seed_003_expected.json")["report"]
    assert (parsed.year, parsed.format, parsed.index_no, parsed.parse_status) == (
        report["year"], report["format"], report["index_no"], "ok")
    assert parsed.title == "智慧新城管委会2019年度政府信息公开年度报告"
    assert_cells_exact(parsed.cells, expected("seed_003_expected.json")["cells"])


def test_parse_report_seed_000_docx_checks() -> None:
    parsed = parse_report(document_path("seed_000.docx").read_bytes(),
                          content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    checks = {c.identity: c.result for c in parsed.checks}
    assert {k: checks[k] for k in expected("seed_000_expected.json")["checks"]} == expected("seed_000_expected.json")["checks"]
    assert (parsed.year, parsed.format, parsed.parse_status) == (2020, "2019", "ok")


def test_formats_detected_from_bytes() -> None:
    assert document_format(document_path("seed_000.docx").read_bytes()) == "docx"
    assert document_format(document_path("seed_000.doc").read_bytes()) == "doc"
