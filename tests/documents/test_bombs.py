"""Zip bombs and oversized pages: checked against the reading limits before anything is inflated or parsed."""

from __future__ import annotations

import io
import zipfile

import pytest

from archive.content import DocumentOverLimit
from archive.parsing import parse_report
from archive.readers import READ_LIMITS, ReadLimits, read_document
from archive.readers.packages import check_package
from benchmarks.mutations import real_document
from tests.support.fault_portal import docx_bomb

DOCX = real_document("seed_003.docx")
XLSX = real_document("seed_003.xlsx")


def _xml_bytes(body: bytes) -> int:
    return sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(body)).infolist()
               if m.filename.endswith((".xml", ".rels")))


def _members(body: bytes) -> int:
    return len(zipfile.ZipFile(io.BytesIO(body)).infolist())


def test_zip_limit_defaults() -> None:
    assert (READ_LIMITS.zip_bytes, READ_LIMITS.zip_members, READ_LIMITS.page_chars) == (
        64 * 1024 * 1024, 10_000, 4_000_000)


@pytest.mark.parametrize(("body", "fmt"), [(DOCX, "docx"), (XLSX, "xlsx")])
def test_a_package_at_its_limits_is_read_and_one_byte_under_is_refused(body: bytes, fmt: str) -> None:
    size, members = _xml_bytes(body), _members(body)
    check_package(body, fmt, ReadLimits(zip_bytes=size, zip_members=members))
    with pytest.raises(DocumentOverLimit, match=rf"^{fmt}: XML members inflate to {size} bytes \(limit {size - 1}\)$"):
        check_package(body, fmt, ReadLimits(zip_bytes=size - 1))
    with pytest.raises(DocumentOverLimit, match=rf"^{fmt}: {members} zip members \(limit {members - 1}\)$"):
        read_document(body, fmt, ReadLimits(zip_members=members - 1))


def test_a_docx_bomb_is_over_limit_not_read() -> None:
    bomb = docx_bomb(80 * 1024 * 1024)
    assert len(bomb) < 200_000
    parsed = parse_report(bomb)
    assert parsed.parse_status == "over_limit:docx"
    assert parsed.notes[0].startswith("docx: XML members inflate to ") and parsed.notes[0].endswith(
        f"(limit {64 * 1024 * 1024})")


def test_the_real_documents_still_read_within_the_defaults() -> None:
    assert parse_report(DOCX).parse_status == parse_report(DOCX, limits=ReadLimits(zip_bytes=_xml_bytes(DOCX))).parse_status
    assert parse_report(DOCX).parse_status != "over_limit:docx"


def test_a_page_over_the_size_limit_is_read_in_its_first_part() -> None:
    report = real_document("corpus_021.html")
    whole = parse_report(report, content_type="text/html; charset=utf-8")
    padded = report + b"<!--" + b"x" * 2_000_000 + b"-->"
    limits = ReadLimits(page_chars=len(report.decode("utf-8")) + 10)
    cut = parse_report(padded, content_type="text/html; charset=utf-8", limits=limits)
    assert (cut.parse_status, len(cut.cells)) == (whole.parse_status, len(whole.cells))
    assert cut.notes[-1] == f"read in its first {limits.page_chars} characters (GOV_REPORTS_PAGE_MAX_CHARS)"
    assert not any("first" in note for note in whole.notes)


def test_a_huge_page_with_its_recorded_encoding_is_decoded_only_as_far_as_it_is_read() -> None:
    report = real_document("corpus_021.html")
    limits = ReadLimits(page_chars=len(report.decode("utf-8")) + 10)
    padded = report + b"<!--" + "注".encode("utf-8") * (3 * limits.page_chars) + b"-->"
    cut = parse_report(padded, content_type="text/html; charset=utf-8", encoding="utf-8", limits=limits)
    whole = parse_report(report, content_type="text/html; charset=utf-8", encoding="utf-8")
    assert (cut.parse_status, len(cut.cells)) == (whole.parse_status, len(whole.cells))
    assert cut.notes[-1] == f"read in its first {limits.page_chars} characters (GOV_REPORTS_PAGE_MAX_CHARS)"
