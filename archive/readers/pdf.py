"""PDF → DocumentContent with pdfplumber: tables found by their ruling lines, text by position.

Each page's ruled tables become rows (merged cells expanded as in HTML); the rows of all pages
form one stream, so a table continued on the next page simply goes on. Pages whose tables have
no ruling lines give no rows: the parser core then reads the running text, whose lines pdfplumber
builds by clustering characters by position (the text path handles label/value lines).
"""

from __future__ import annotations

import io

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.utils import PDFDocEncoding
from pdfplumber.table import Table

from archive.content import DocumentContent, Row, UnreadableDocument
from archive.readers.limits import READ_LIMITS, ReadLimits
from archive.readers.spans import SpannedCell, cell_text, spanned_rows

_EDGE = 1.0  # points: cell edges closer than this are the same grid line
_PDF_DOC_BYTES: dict[str, int] = {}
for _byte, _char in enumerate(PDFDocEncoding):
    _PDF_DOC_BYTES.setdefault(_char, _byte)  # undefined bytes all map to NUL: keep the first


def read_pdf(body: bytes, limits: ReadLimits = READ_LIMITS) -> DocumentContent:
    """Rows and text of every page (up to limits.pdf_pages); `image_only` when no page has a text layer."""
    try:
        pdf = pdfplumber.open(io.BytesIO(body))
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as error:
        raise UnreadableDocument(f"pdf: {type(error).__name__}: {error}") from error
    with pdf:
        pages = pdf.pages[:limits.pdf_pages]
        if not any(page.chars for page in pages):
            return DocumentContent(image_only=True, title=pdf_title(pdf.metadata))
        rows: list[Row] = []
        texts: list[str] = []
        for page in pages:
            rows.extend(page_rows(page, limits.cell_span))
            texts.append(page.extract_text() or "")
        return DocumentContent(rows=rows, text="\n".join(texts), title=pdf_title(pdf.metadata))


def page_rows(page: pdfplumber.page.Page, max_span: int) -> list[Row]:
    """Rows of the ruled tables of one page, top to bottom."""
    rows: list[Row] = []
    for table in sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0])):
        rows.extend(table_rows(table, max_span))
    return rows


def table_rows(table: Table, max_span: int) -> list[Row]:
    """A pdfplumber table as rows; a cell's span is the grid lines its box crosses."""
    tops = [row.bbox[1] for row in table.rows]
    lefts = [column.bbox[0] for column in table.columns]
    texts = table.extract()
    cells: list[SpannedCell] = []
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue  # covered by a spanned cell that starts above or to the left
            x0, top, x1, bottom = box
            rowspan = sum(1 for t in tops if top - _EDGE <= t < bottom - _EDGE)
            colspan = sum(1 for x in lefts if x0 - _EDGE <= x < x1 - _EDGE)
            cells.append(SpannedCell(r, c, cell_text(texts[r][c]), rowspan, colspan))
    return spanned_rows(cells, max_span)


def pdf_title(metadata: dict) -> str | None:
    """The Title property; pdfminer reads a UTF-16LE string (BOM FF FE) as PDFDocEncoding text."""
    title = metadata.get("Title")
    if isinstance(title, bytes):
        title = title.decode("latin-1")
    if not isinstance(title, str):
        return None
    if title.startswith("ÿþ"):
        raw = bytes(_PDF_DOC_BYTES.get(ch, 0x3F) for ch in title)
        title = raw.decode("utf-16", errors="replace")
    return title.strip() or None

