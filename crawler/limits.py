"""The readers' per-document limits (archive.readers.ReadLimits) from the crawl's settings."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from archive.readers import ReadLimits


def read_limits(settings: BaseSettings) -> ReadLimits:
    """GOV_REPORTS_PDF_MAX_PAGES, _SHEET_MAX_CELLS, _DOC_MAX_CHARS, _CELL_MAX_SPAN, _PAGE_MAX_CHARS,
    _ZIP_MAX_BYTES and _ZIP_MAX_MEMBERS as ReadLimits."""
    return ReadLimits(
        pdf_pages=settings.getint("GOV_REPORTS_PDF_MAX_PAGES"),
        sheet_cells=settings.getint("GOV_REPORTS_SHEET_MAX_CELLS"),
        doc_chars=settings.getint("GOV_REPORTS_DOC_MAX_CHARS"),
        cell_span=settings.getint("GOV_REPORTS_CELL_MAX_SPAN"),
        page_chars=settings.getint("GOV_REPORTS_PAGE_MAX_CHARS"),
        zip_bytes=settings.getint("GOV_REPORTS_ZIP_MAX_BYTES"),
        zip_members=settings.getint("GOV_REPORTS_ZIP_MAX_MEMBERS"),
    )
