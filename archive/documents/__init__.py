"""Report documents other than HTML and text: bytes → the parser core's input (table rows + running text)."""

from __future__ import annotations

import io
import zipfile

from archive.documents.content import DocumentContent, UnreadableDocument

__all__ = ["DocumentContent", "UnreadableDocument", "document_format", "read_document"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def document_format(body: bytes) -> str | None:
    """pdf | docx | xlsx | ofd | doc | xls from the bytes themselves; None when none of these."""
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in body[:1024]:
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "ofd" if "OFD.xml" in names else None
    if body.startswith(_OLE):
        import olefile  # noqa: PLC0415 - only OLE files need it

        try:
            with olefile.OleFileIO(io.BytesIO(body)) as ole:
                if ole.exists("WordDocument"):
                    return "doc"
                if ole.exists("Workbook") or ole.exists("Book"):
                    return "xls"
        except OSError:
            return None
    return None


def read_document(body: bytes, fmt: str) -> DocumentContent:
    """Read bytes of a format `document_format` named; raises UnreadableDocument."""
    # Readers are imported on use: each pulls in a sizeable library.
    if fmt == "pdf":
        from archive.documents.pdf import read_pdf as reader
    elif fmt == "docx":
        from archive.documents.word import read_docx as reader
    elif fmt == "doc":
        from archive.documents.word_binary import read_doc as reader
    elif fmt == "xlsx":
        from archive.documents.excel import read_xlsx as reader
    elif fmt == "xls":
        from archive.documents.excel import read_xls as reader
    else:
        raise UnreadableDocument(f"{fmt}: no reader")
    try:
        return reader(body)
    except UnreadableDocument:
        raise
    except Exception as error:  # noqa: BLE001 - third-party parsers raise anything on damaged bytes
        raise UnreadableDocument(f"{fmt}: {type(error).__name__}: {error}") from error
