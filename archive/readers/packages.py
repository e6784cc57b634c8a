"""Zip packages (DOCX, XLSX) checked against the reading limits before a reader inflates them.

The central directory declares every member's decompressed size, and zipfile never inflates a
member past its declared size, so the declared sizes bound what reading the package can cost.
"""

from __future__ import annotations

import io
import zipfile

from archive.content import DocumentOverLimit, UnreadableDocument
from archive.readers.limits import ReadLimits

# Members a reader parses as XML (document, sheets, shared strings, styles, relationships).
_PARSED_SUFFIXES = (".xml", ".rels", ".vml")


def check_package(body: bytes, fmt: str, limits: ReadLimits) -> None:
    """Raise DocumentOverLimit for a zip bomb (too many members, XML that inflates too far)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(body)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnreadableDocument(f"{fmt}: {type(error).__name__}: {error}") from error
    if len(members) > limits.zip_members:
        raise DocumentOverLimit(f"{fmt}: {len(members)} zip members (limit {limits.zip_members})")
    parsed = sum(member.file_size for member in members if member.filename.lower().endswith(_PARSED_SUFFIXES))
    if parsed > limits.zip_bytes:
        raise DocumentOverLimit(f"{fmt}: XML members inflate to {parsed} bytes (limit {limits.zip_bytes})")
