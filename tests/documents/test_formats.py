"""archive.formats, the one sniffer: document families from declared types and magic bytes, reader
formats from containers, and what is text (the store records an encoding only for text)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from archive.formats import document_format, document_kind, is_text
from tests.documents.exact_cells import document_path

MAGIC = {b"%PDF-1.7": "pdf", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "word", b"PK\x03\x04": "office",
         b"{\\rtf1": "word", b"\x89PNG\r\n": "image", b"\xff\xd8\xff\xe0": "image", b"GIF89a": "image",
         b"Rar!\x1a\x07": "archive", b"\x1f\x8b\x08": "archive"}
TEXT_TYPES = [None, "text/html", "text/html; charset=gbk", "text/plain", "application/xml"]
BINARY_TYPES = {"application/pdf": "pdf", "application/msword": "word", "image/png": "image",
                "application/vnd.ms-excel": "office", "application/zip": "archive",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word"}
SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(magic=st.sampled_from(sorted(MAGIC)), rest=st.binary(max_size=200), blank=st.sampled_from(["", " ", "\n", "\r\n"]),
       content_type=st.sampled_from(TEXT_TYPES))
def test_magic_bytes_win_over_a_declared_text_type(magic: bytes, rest: bytes, blank: str, content_type) -> None:
    body = blank.encode() + magic + rest
    assert document_kind(body, content_type) == MAGIC[magic]
    assert not is_text(body, content_type)


@SETTINGS
@given(content_type=st.sampled_from(sorted(BINARY_TYPES)), body=st.binary(max_size=200))
def test_a_declared_binary_type_wins_over_the_bytes(content_type: str, body: bytes) -> None:
    assert document_kind(body, content_type) == BINARY_TYPES[content_type]
    assert not is_text(body, content_type)


@SETTINGS
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<"), max_size=200),
       tag=st.sampled_from(["<p>", "<DIV class=x>", "<!DOCTYPE html>", "< table>", "<br/>", "<meta charset=gbk>"]),
       encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_text_without_magic_is_html_when_it_has_markup(text: str, tag: str, encoding: str) -> None:
    plain = text.lstrip().encode(encoding)
    assume(not any(plain.startswith(magic[:3]) for magic in MAGIC))  # text that begins like a binary file
    assert document_kind(plain, None) == "text"
    assert document_kind((text + tag).encode(encoding), None) == "html"
    assert document_kind((text + tag).encode(encoding), "text/plain") == "text"  # a declared text type decides
    assert is_text(plain, None) and is_text((text + tag).encode(encoding), None)


def test_reader_formats_from_containers() -> None:
    formats = {name: document_format(document_path(name).read_bytes())
               for name in ("022.pdf", "seed_000.doc", "seed_000.docx", "seed_000.xls", "seed_000.xlsx")}
    assert formats == {"022.pdf": "pdf", "seed_000.doc": "doc", "seed_000.docx": "docx",
                       "seed_000.xls": "xls", "seed_000.xlsx": "xlsx"}
    assert document_format(b"junk before the header %PDF-1.4") == "pdf"
    assert document_format(b"PK\x03\x04 not a zip") is None
    assert document_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 not a compound file") is None
    assert document_format(b"<html>") is None
