"""Image-only reports are recorded as such; broken or truncated documents never raise."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.content import UnreadableDocument
from archive.parsing import parse_report
from archive.readers import read_document
from tests.documents.exact_cells import document_path

FILES = ("022.pdf", "seed_000.docx", "seed_000.doc", "seed_000.xlsx", "seed_000.xls")


def blank_pdf() -> bytes:
    """A one-page PDF with an image and no text layer, like a scanned report."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (60, 80), 255).save(out, format="PDF")
    return out.getvalue()


def test_pdf_without_text_layer_is_image_only() -> None:
    parsed = parse_report(blank_pdf(), content_type="application/pdf", title_hint="某县2023年报告")
    assert (parsed.parse_status, parsed.title, parsed.cells) == ("image_only", "某县2023年报告", [])


def test_html_report_body_of_pictures_is_image_only() -> None:
    page = ("<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body>"
            "<h1>某县2023年政府信息公开工作年度报告</h1><p>发布日期:2024-01-20</p>"
            "<p><img src='p1.jpg'></p><p><img src='p2.jpg'></p></body></html>").encode()
    assert parse_report(page, content_type="text/html").parse_status == "image_only"
    assert parse_report(b"<html><body><img src='scan.png'></body></html>").parse_status == "image_only"


def test_html_report_with_text_and_pictures_is_not_image_only() -> None:
    page = ("<html><body><h1>某县2023年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本年度…</p>"
            "<img src='logo.png'></body></html>").encode()
    assert parse_report(page, content_type="text/html").parse_status == "no_tables"


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_files_give_a_status(name: str, keep: float) -> None:
    body = document_path(name).read_bytes()
    parsed = parse_report(body[:int(len(body) * keep)], title_hint="t")
    assert not parsed.parse_status.startswith("error:"), parsed.notes
    # A zip cut before its directory no longer says which Office format it was: unsupported.
    assert parsed.parse_status.startswith(("broken_document:", "unsupported_document:")) or parsed.parse_status in (
        "ok", "no_tables", "unknown_layout", "empty_document") or parsed.parse_status.startswith("partial:")


@pytest.mark.parametrize(("fmt", "body"), [("pdf", b"%PDF-1.7\n%\xe2\xe3"), ("docx", b"PK\x03\x04junk"),
                                           ("doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
                                           ("xlsx", b"not a zip"), ("xls", b"\xd0\xcf\x11\xe0")])
def test_reader_failures_are_unreadable_document(fmt: str, body: bytes) -> None:
    with pytest.raises(UnreadableDocument, match=f"^{fmt}: "):
        read_document(body, fmt)


def test_truncated_pdf_says_what_failed() -> None:
    parsed = parse_report(document_path("022.pdf").read_bytes()[:4000], title_hint="t")
    assert parsed.parse_status == "broken_document:pdf"
    assert parsed.notes and parsed.notes[0].startswith("pdf: ")


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0, max_value=60_000), flip=st.integers(min_value=0, max_value=255))
def test_damaged_docx_never_raises(cut: int, flip: int) -> None:
    body = bytearray(document_path("seed_003.docx").read_bytes())
    body[cut % len(body)] ^= flip
    assert not parse_report(bytes(body)).parse_status.startswith("error:")


def test_html_stub_linking_its_attachment_says_so_even_with_a_logo() -> None:
    page = ("<html><body><img src='/images/logo.png'><h1>某县2023年政府信息公开工作年度报告</h1>"
            "<p>现将《某县2023年政府信息公开工作年度报告》予以公布，全文见附件。</p>"
            "<p>附件：<a href='/files/P020240126.pdf'>某县2023年政府信息公开工作年度报告.pdf</a></p>"
            "</body></html>").encode()
    assert parse_report(page, content_type="text/html").parse_status == "see_attachment"


def test_html_stub_showing_its_pdf_in_a_viewer_says_so() -> None:
    page = ("<html><body><h1>某县2023年政府信息公开工作年度报告</h1>"
            "<iframe src='/pdfjs/web/viewer.html?file=/upload/2024/report.pdf'></iframe></body></html>").encode()
    assert parse_report(page, content_type="text/html").parse_status == "see_attachment"


@settings(max_examples=150, deadline=None)
@given(at=st.integers(min_value=0, max_value=511), value=st.integers(min_value=0, max_value=255),
       shift=st.sampled_from([None, 0, 1, 0x40, 0xFFFF]))
def test_a_damaged_word_97_header_never_raises(at: int, value: int, shift: int | None) -> None:
    # olefile reads the sector size as 2 ** (the header's sector shift) and fails on a shift of
    # 0xFFFF with a ValueError (an integer too long to print), where a bad header otherwise raises OSError.
    body = bytearray(document_path("seed_003.doc").read_bytes())
    body[at] = value
    if shift is not None:
        body[30:32] = shift.to_bytes(2, "little")
    assert not parse_report(bytes(body)).parse_status.startswith("error:")
