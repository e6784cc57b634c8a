"""How much of one document the readers read at most: beyond these a file is garbage or a bomb.

The defaults are defined here once; the crawl's settings override them (crawler/settings.py) and
`parse_report(..., limits=...)` passes them down to every reader.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    """Per-document reading limits."""

    pdf_pages: int = 500  # annual reports run to tens of pages; more is not a report (or a bomb)
    sheet_cells: int = 200_000  # a report sheet holds hundreds of cells; more is a data dump
    doc_chars: int = 5_000_000  # characters read from one piece of a binary Word file
    cell_span: int = 200  # rows/columns one table cell may span; Word never writes more
    # A report page is well under a megabyte of text; beyond this it is inline images or a generated
    # menu: archived whole, read (parsed, its links taken) in its first part only.
    page_chars: int = 4_000_000
    # Zip packages (DOCX, XLSX): the decompressed size of the XML members parsed, and the member
    # count, as the archive's directory declares them (zipfile never inflates past a declared size).
    zip_bytes: int = 64 * 1024 * 1024
    zip_members: int = 10_000


READ_LIMITS = ReadLimits()
