"""What kind of bytes a body is: the one place that reads magic bytes and declared content types.

Two granularities. `document_kind` names the family (html | text | pdf | word | office | image |
archive) from the declared type and the first bytes; it is cheap, and decides whether a body is
text at all. `document_format` looks inside a container (zip entries, OLE streams) for the format a
reader reads: pdf | docx | xlsx | ofd | doc | xls (WPS and ET files are saved in the last two).
"""

from __future__ import annotations

import io
import re
import zipfile

DOCUMENT_KINDS = frozenset({"pdf", "word", "office"})  # families a document reader may read
TEXT_KINDS = frozenset({"html", "text"})

_PDF = b"%PDF"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc/.xls/.wps/.et
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (_PDF, "pdf"),
    (_OLE[:4], "word"),
    (_ZIP, "office"),  # .docx/.xlsx/.ofd or an archive
    (b"{\\rtf", "word"),
    (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"),
    (b"Rar!", "archive"), (b"\x1f\x8b", "archive"),
)
_CONTENT_TYPES: tuple[tuple[str, str], ...] = (
    ("pdf", "pdf"), ("msword", "word"), ("wordprocessingml", "word"), ("officedocument", "office"),
    ("ms-excel", "office"), ("image/", "image"), ("zip", "archive"), ("rar", "archive"),
    ("html", "html"), ("xml", "html"), ("text/plain", "text"),
)
_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype|html|head|body|p|div|table|meta|span|td|br|title|h1)\b", re.I)


def document_kind(body: bytes, content_type: str | None) -> str:
    """html | text | pdf | word | office | image | archive: a declared binary type first, then
    magic bytes (they win over a declared text type), then the declared type, then a sniff."""
    declared = (content_type or "").lower()
    for marker, kind in _CONTENT_TYPES:
        if marker in declared and kind not in TEXT_KINDS:
            return kind
    head = body[:8].lstrip()
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    for marker, kind in _CONTENT_TYPES:
        if marker in declared:
            return kind
    return "html" if _HTML_SNIFF.search(body[:4096]) else "text"


def is_text(body: bytes, content_type: str | None) -> bool:
    """Bytes to decode as characters (HTML or plain text), not a binary document."""
    return document_kind(body, content_type) in TEXT_KINDS


def document_format(body: bytes) -> str | None:
    """pdf | docx | xlsx | ofd | doc | xls from the bytes themselves; None when none of these."""
    head = body[:1024]
    if head.lstrip().startswith(_PDF) or _PDF + b"-" in head:  # readers accept junk before the header
        return "pdf"
    if body.startswith(_ZIP):
        return _zip_format(body)
    if body.startswith(_OLE):
        return _ole_format(body)
    return None


def _zip_format(body: bytes) -> str | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "ofd" if "OFD.xml" in names else None


def _ole_format(body: bytes) -> str | None:
    import olefile  # noqa: PLC0415 - only OLE files need it

    try:
        with olefile.OleFileIO(io.BytesIO(body)) as ole:
            if ole.exists("WordDocument"):
                return "doc"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except Exception:  # noqa: BLE001 - olefile raises OSError, ValueError and more on a damaged header
        return None
    return None
