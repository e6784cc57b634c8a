"""XLSX (openpyxl) and XLS (xlrd) → DocumentContent: every sheet's used range as one table, merged ranges as spans."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import xlrd
from openpyxl.utils.exceptions import InvalidFileException

from archive.content import DocumentContent, Row, UnreadableDocument
from archive.readers.limits import READ_LIMITS, ReadLimits
from archive.readers.spans import SpannedCell, cell_text, spanned_rows, table_line


def number_text(value: float | int) -> str:
    """A stored number as printed: integers without ".0", others in their shortest decimal form."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return format(Decimal(str(value)), "f")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return number_text(value)
    return cell_text(str(value))


def _content(sheets: list[list[SpannedCell]], max_span: int) -> DocumentContent:
    rows: list[Row] = []
    for cells in sheets:
        rows.extend(row for row in spanned_rows(cells, max_span) if any(row.cells))
    # A one-cell row is a paragraph written into the sheet, not a table row.
    lines = (row.cells[0] if len(row.cells) == 1 else table_line(row.cells) for row in rows)
    return DocumentContent(rows=rows, text="\n".join(lines))


def read_xlsx(body: bytes, limits: ReadLimits = READ_LIMITS) -> DocumentContent:
    """All sheets of an Office Open XML workbook, in sheet order, up to limits.sheet_cells per sheet."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(body), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise UnreadableDocument(f"xlsx: {type(error).__name__}: {error}") from error
    sheets = []
    for sheet in book.worksheets:
        spans = {(m.min_row, m.min_col): (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
                 for m in sheet.merged_cells.ranges}
        covered = {(r, c) for m in sheet.merged_cells.ranges for r, c in _positions(m)} - spans.keys()
        cells = []
        for row in sheet.iter_rows(max_row=min(sheet.max_row, limits.sheet_cells // max(sheet.max_column, 1))):
            for cell in row:
                at = (cell.row, cell.column)
                if at in covered or (cell.value is None and at not in spans):
                    continue
                rowspan, colspan = spans.get(at, (1, 1))
                cells.append(SpannedCell(cell.row - 1, cell.column - 1, _text(cell.value), rowspan, colspan))
        sheets.append(cells)
    return _content(sheets, limits.cell_span)


def _positions(merged) -> list[tuple[int, int]]:
    return [(r, c) for r in range(merged.min_row, merged.max_row + 1)
            for c in range(merged.min_col, merged.max_col + 1)]


def read_xls(body: bytes, limits: ReadLimits = READ_LIMITS) -> DocumentContent:
    """All sheets of a BIFF (Excel 97-2003) workbook; merged ranges need formatting_info."""
    try:
        book = xlrd.open_workbook(file_contents=body, formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, zipfile.BadZipFile, KeyError, ValueError, IndexError, AssertionError,
            EOFError, OSError) as error:
        raise UnreadableDocument(f"xls: {type(error).__name__}: {error}") from error
    sheets = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        spans = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in sheet.merged_cells}
        covered = {(r, c) for r0, r1, c0, c1 in sheet.merged_cells
                   for r in range(r0, r1) for c in range(c0, c1)} - spans.keys()
        cells = []
        for r in range(min(sheet.nrows, limits.sheet_cells // max(sheet.ncols, 1))):
            for c, cell in enumerate(sheet.row(r)):
                if (r, c) in covered or (cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
                                         and (r, c) not in spans):
                    continue
                value = cell.value if cell.ctype in (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER) else ""
                rowspan, colspan = spans.get((r, c), (1, 1))
                cells.append(SpannedCell(r, c, _text(value), rowspan, colspan))
        sheets.append(cells)
    return _content(sheets, limits.cell_span)
