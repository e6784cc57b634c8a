"""DOCX → DocumentContent with python-docx: body paragraphs and real Word tables in document order.

Merged cells are read from the markup Word writes: `w:gridSpan` for horizontal merges,
`w:vMerge` ("restart" then continuation cells) for vertical ones, `w:gridBefore` for rows that
start right of the table's first grid column.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from archive.content import DocumentContent, Row, UnreadableDocument
from archive.readers.limits import READ_LIMITS, ReadLimits
from archive.readers.spans import SpannedCell, cell_text, spanned_rows, table_line

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR = qn("w:t"), qn("w:tab"), qn("w:br")
_VAL = qn("w:val")


def read_docx(body: bytes, limits: ReadLimits = READ_LIMITS) -> DocumentContent:
    """Rows of every table and the running text of the body."""
    try:
        document = docx.Document(io.BytesIO(body))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise UnreadableDocument(f"docx: {type(error).__name__}: {error}") from error
    rows: list[Row] = []
    lines: list[str] = []
    for block in document.element.body.iterchildren(_P, _TBL):
        if block.tag == _P:
            lines.append(paragraph_text(block))
            continue
        table = table_rows(block, limits.cell_span)
        rows.extend(table)
        lines.extend(table_line(row.cells) for row in table)
    title = (document.core_properties.title or "").strip() or None
    return DocumentContent(rows=rows, text="\n".join(lines), title=title)


def paragraph_text(paragraph: etree._Element) -> str:
    """Text of a w:p: runs' text, tabs as spaces, line breaks as newlines."""
    parts: list[str] = []
    for node in paragraph.iter(_T, _TAB, _BR):
        parts.append(node.text or "" if node.tag == _T else " " if node.tag == _TAB else "\n")
    return "".join(parts)


def _cell_content(tc: etree._Element) -> str:
    # Paragraphs of a cell (and of tables nested in it) are read as one text, like an HTML cell.
    return cell_text(" ".join(paragraph_text(p) for p in tc.iter(_P)))


def _int_property(parent: etree._Element | None, tag: str, default: int) -> int:
    node = parent.find(qn(tag)) if parent is not None else None
    try:
        return max(int(node.get(_VAL)), 0) if node is not None else default
    except (TypeError, ValueError):
        return default


def table_rows(table: etree._Element, max_span: int) -> list[Row]:
    """A w:tbl as rows; a vMerge continuation cell extends the cell above it."""
    cells: list[SpannedCell] = []
    open_merges: dict[int, int] = {}  # grid column → index in `cells` of the cell being merged down
    for r, tr in enumerate(table.iterchildren(_TR)):
        col = _int_property(tr.find(qn("w:trPr")), "w:gridBefore", 0)
        for tc in tr.iterchildren(_TC):
            properties = tc.find(qn("w:tcPr"))
            span = max(_int_property(properties, "w:gridSpan", 1), 1)
            merge = properties.find(qn("w:vMerge")) if properties is not None else None
            above = open_merges.get(col)
            if merge is not None and merge.get(_VAL) != "restart" and above is not None:
                cell = cells[above]
                cells[above] = SpannedCell(cell.row, cell.col, cell.text, r - cell.row + 1, cell.colspan)
            else:
                cells.append(SpannedCell(r, col, _cell_content(tc), 1, span))
                if merge is not None:
                    open_merges[col] = len(cells) - 1
                else:
                    open_merges.pop(col, None)
            col += span
    return spanned_rows(cells, max_span)
