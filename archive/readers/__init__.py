"""The reader layer: a document's bytes → the parser core's input (`archive.content`).

HTML pages are read by `archive.readers.html` (one tree, its text and its table grids); PDF, Word
(docx; doc and WPS in the Word 97 format) and Excel (xlsx; xls and ET) documents by `read_document`
into table rows and running text; flipbooks' text pages by `archive.readers.flipbook`. Which
reader applies is decided by `archive.formats`.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from archive.content import DocumentContent, UnreadableDocument
from archive.readers.limits import READ_LIMITS, ReadLimits
from archive.readers.packages import check_package

__all__ = ["READ_LIMITS", "ReadLimits", "read_document"]

# format → (module, function); modules are imported on use: each pulls in a sizeable library.
_READERS = {
    "pdf": ("archive.readers.pdf", "read_pdf"),
    "docx": ("archive.readers.word", "read_docx"),
    "doc": ("archive.readers.word_binary", "read_doc"),
    "xlsx": ("archive.readers.excel", "read_xlsx"),
    "xls": ("archive.readers.excel", "read_xls"),
}

# Zip packages, checked against the zip limits before their reader inflates anything.
_PACKAGES = frozenset({"docx", "xlsx"})


def _reader(fmt: str) -> Callable[[bytes, ReadLimits], DocumentContent]:
    if fmt not in _READERS:
        raise UnreadableDocument(f"{fmt}: no reader")
    module, name = _READERS[fmt]
    return getattr(import_module(module), name)


def read_document(body: bytes, fmt: str, limits: ReadLimits = READ_LIMITS) -> DocumentContent:
    """Read bytes of a format `archive.formats.document_format` named; raises UnreadableDocument."""
    reader = _reader(fmt)
    if fmt in _PACKAGES:
        check_package(body, fmt, limits)
    try:
        return reader(body, limits)
    except UnreadableDocument:
        raise
    except Exception as error:  # noqa: BLE001 - third-party parsers raise anything on damaged bytes
        raise UnreadableDocument(f"{fmt}: {type(error).__name__}: {error}") from error
