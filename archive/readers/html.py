"""HTML pages → the parser core's input: one lxml tree, its running text and title hints, its table rows.

`parse_html` parses once; `html_text` walks the tree once for the text (block elements become line
breaks, table cells end with " |") and the title hints; `html_rows` reads every `<table>` grid.

`html_grid` expands rowspan/colspan into a full rectangle in which every spanned position
**repeats** the text of the cell that covers it, and remembers which positions share a cell.
`html_rows` then gives, per grid row, the distinct cells left to right (a colspan counts once, a
rowspan cell from above appears again in each row it covers, so a row carries its group labels).
All `<table>` elements of a page are read in document order as one row stream: a table split
over several elements therefore continues naturally, and repeated header rows are dropped later
because header rows never map to data (the table mapper recognizes them by their texts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from archive.classify import is_attachment_url, shown_document
from archive.content import HtmlHints, Row
from archive.readers.limits import READ_LIMITS, ReadLimits
from archive.readers.spans import BLANKS, distinct_cells
from archive.text_stylesheets import text_stylesheet

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Elements whose text is not page text; <title> is read as a hint instead.
_SKIP = ("iframe", "noscript", "object", "script", "select", "style", "svg", "template", "title")
_BLOCK = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
          "section", "article", "header", "footer", "dt", "dd", "dl", "blockquote", "pre", "hr",
          "caption", "thead", "tbody", "form", "center", "body", "html"}
_CELLS = {"td", "th"}
_META_FIELDS = {"pubdate": "published", "firstpublishedtime": "published", "contentsource": "publisher"}
_CELL_BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass
class HtmlText:
    """What one walk over the parsed tree yields: text with cells ended by " |", and title hints."""

    text: str
    hints: HtmlHints
    images: int = 0  # <img> elements in the page body
    attachments: int = 0  # links to document files (the report may be in one of them)


# One parser for every page: lxml.html's parser builds the same tree but creates every element
# proxy through a Python class lookup (HtmlElement), which costs more than the parse itself.
_PARSER = etree.HTMLParser()


def parse_html(text: str) -> etree._Element | None:
    """Parse once with lxml; None when there is nothing to parse."""
    text = _XML_DECLARATION.sub("", _CONTROL.sub("", text))  # lxml refuses both in str input
    if not text.strip():
        return None
    return etree.fromstring(text, _PARSER)  # None for a document without elements


# The page text in libxslt (C) instead of a Python walk over every node: block elements are line
# breaks around their content, cells end with " | ", skipped elements give nothing (their tails,
# text nodes of the parent, stay); comments and processing instructions give nothing but their tails.
_TEXT = text_stylesheet(
    f'<xsl:template match="{"|".join(_SKIP)}"/>'
    f'<xsl:template match="{"|".join(sorted(_BLOCK))}">'
    '<xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text></xsl:template>'
    f'<xsl:template match="{"|".join(sorted(_CELLS))}"><xsl:apply-templates/><xsl:text> | </xsl:text>'
    '</xsl:template>')
_STRING = etree.XPath("string()")  # what lxml.html's text_content() is


def _shows_document(tag: str, element: etree._Element) -> bool:
    """A link to a document file, or a document shown in the page (iframe/embed/object)."""
    if tag == "a":
        return is_attachment_url(element.get("href") or "")
    return tag in ("iframe", "embed", "object") and shown_document(element.get("src") or element.get("data") or "")


def html_text(root: etree._Element) -> HtmlText:
    """The page's text (block elements become line breaks, table cells end with " |") and its hints."""
    try:
        text = str(_TEXT(root))
    except etree.XSLTApplyError:  # libxslt's nesting limit: the Python walk has none
        return walked_text(root)
    page = _hints(root)
    page.text = text
    return page


def element_text(element: etree._Element) -> str:
    """The text of one element as `html_text` reads it within its page, its tail included."""
    try:
        return str(_TEXT(element)) + (element.tail or "")
    except etree.XSLTApplyError:
        return walked_text(element).text


def _meta(element: etree._Element, meta_title: str | None, meta_fields: dict[str, str]) -> str | None:
    """Read one <meta>: the ArticleTitle (the first one kept) is returned, header fields are added."""
    name = (element.get("name") or "").lower()
    content = element.get("content") or ""
    if name == "articletitle" and content.strip():
        return meta_title or content
    if name in _META_FIELDS and content.strip():
        meta_fields.setdefault(_META_FIELDS[name], content)
    return meta_title


_HINT_TAGS = ("meta", "title", "img", "h1", "a", "iframe", "embed", "object")


def _hints(root: etree._Element) -> HtmlText:
    """Title hints, images and attachment links of the page outside skipped elements."""
    meta_title = h1 = title_tag = None
    meta_fields: dict[str, str] = {}
    images = attachments = 0
    for element in root.iter(_HINT_TAGS):
        if next(element.iterancestors(_SKIP), None) is not None:
            continue
        tag = element.tag
        if tag == "meta":
            meta_title = _meta(element, meta_title, meta_fields)
        elif tag == "title":
            title_tag = _STRING(element) if title_tag is None else title_tag
        elif tag == "img":
            images += 1
        elif tag == "h1":
            h1 = _STRING(element) if h1 is None else h1
        if _shows_document(tag, element):
            attachments += 1
    hints = HtmlHints(meta_title=meta_title, title_tag=title_tag, h1=h1, meta_fields=meta_fields)
    return HtmlText(text="", hints=hints, images=images, attachments=attachments)


def walked_text(root: etree._Element) -> HtmlText:
    """`html_text` by a Python walk over every node: the reference the stylesheet is tested against."""
    pieces: list[str] = []
    meta_title = h1 = title_tag = None
    meta_fields: dict[str, str] = {}
    images = attachments = 0
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event in ("comment", "pi"):
            pieces.append(element.tail or "")
            continue
        if event == "start":
            if tag == "meta":
                meta_title = _meta(element, meta_title, meta_fields)
            if tag == "title" and title_tag is None:
                title_tag = _STRING(element)
            if tag == "img":
                images += 1
            if _shows_document(tag, element):
                attachments += 1
            if tag == "h1" and h1 is None:
                h1 = _STRING(element)
            if tag in _SKIP:
                walker.skip_subtree()  # its "end" event still comes and appends the tail
                continue
            if tag in _BLOCK:
                pieces.append("\n")
            pieces.append(element.text or "")
        else:
            if tag in _CELLS:
                pieces.append(" | ")
            elif tag in _BLOCK:
                pieces.append("\n")
            pieces.append(element.tail or "")
    hints = HtmlHints(meta_title=meta_title, title_tag=title_tag, h1=h1, meta_fields=meta_fields)
    return HtmlText(text="".join(pieces), hints=hints, images=images, attachments=attachments)


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _walk_text(element: etree._Element, parts: list[str]) -> None:
    tag = _tag(element)
    if tag in ("script", "style") or not tag:
        return
    if tag == "br":
        parts.append(" ")
        return
    if tag in _CELL_BLOCKS:
        parts.append(" ")
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk_text(child, parts)
        if child.tail:
            parts.append(child.tail)
    if tag in _CELL_BLOCKS:
        parts.append(" ")


def cell_text(element: etree._Element) -> str:
    """Visible text of a cell: `<br>` and paragraph breaks become one space, NBSP is blank."""
    parts: list[str] = []
    _walk_text(element, parts)
    return BLANKS.sub(" ", "".join(parts)).strip()


@lru_cache(maxsize=256)
def _span_digits(value: str) -> int | None:
    digits = re.sub(r"\D", "", value)[:4]
    return int(digits) if digits else None


def _span(value: str, max_span: int) -> int:
    digits = _span_digits(value)
    return min(max(digits, 1), max_span) if digits is not None else 1


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The `<tr>` of this table, not of tables nested in it."""
    return [tr for tr in table.iter("tr") if _nearest_table(tr) is table]


def _nearest_table(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors("table"):
        return ancestor
    return None


# A printed cell before its grid: (rowspan attribute, colspan attribute, visible text).
PrintedCell = tuple[str, str, str]


def _grid(rows: list[list[PrintedCell]], limits: ReadLimits) -> list[list[tuple[int, str]]]:
    # Per row, its covered columns: a span reaches into the rows below before they are read.
    positions: list[dict[int, tuple[int, str]]] = [{} for _ in rows]
    width = 0
    cell_id = 0
    for r, cells in enumerate(rows):
        row = positions[r]
        c = 0
        for rowspan_value, colspan_value, text in cells:
            while c in row:
                c += 1
            entry = (cell_id, text)
            cell_id += 1
            if not rowspan_value and not colspan_value:  # most cells: no span attribute, one position
                row[c] = entry
                c += 1
            else:
                rowspan = min(_span(rowspan_value, limits.cell_span), len(rows) - r)
                colspan = _span(colspan_value, limits.cell_span)
                for covered in positions[r:r + rowspan]:
                    for dc in range(colspan):
                        covered.setdefault(c + dc, entry)
                c += colspan
            if c > width:
                width = c
    blank = (-1, "")
    return [[row.get(c, blank) for c in range(width)] for row in positions]


def html_grid(table: etree._Element, limits: ReadLimits = READ_LIMITS) -> list[list[tuple[int, str]]]:
    """Rectangular grid of (cell id, text); spanned positions repeat the covering cell's id and text."""
    rows = [[(str(td.get("rowspan") or ""), str(td.get("colspan") or ""), cell_text(td))
             for td in tr if _tag(td) in _CELLS] for tr in _own_rows(table)]
    return _grid(rows, limits)


def leaf_tables(root: etree._Element) -> list[etree._Element]:
    """`<table>` elements holding no other table (layout tables around report tables are skipped)."""
    return [t for t in root.iter("table") if next(t.iterdescendants("table"), None) is None]


# The cells of every leaf table in libxslt (C), as `cell_text` reads them, between marks: Unicode
# noncharacters (for internal use only; a page whose text holds one is read by the Python path).
_TABLE, _ROW, _CELL, _FIELD = "\ufdd3", "\ufdd1", "\ufdd2", "\ufdd0"
_MARKS = _TABLE + _ROW + _CELL + _FIELD  # taken out of span attributes: only their digits count
_TABLE_CELLS = text_stylesheet(
    '<xsl:template match="/"><xsl:for-each select="//table[not(.//table)]">' + _TABLE
    + '<xsl:for-each select=".//tr">' + _ROW + '<xsl:for-each select="td|th">' + _CELL
    # Most cells have no span: a test per cell costs less than translating an absent attribute.
    + f'<xsl:if test="@rowspan"><xsl:value-of select="translate(@rowspan, \'{_MARKS}\', \'\')"/></xsl:if>{_FIELD}'
    f'<xsl:if test="@colspan"><xsl:value-of select="translate(@colspan, \'{_MARKS}\', \'\')"/></xsl:if>{_FIELD}'
    '<xsl:apply-templates mode="cell"/></xsl:for-each></xsl:for-each></xsl:for-each></xsl:template>'
    '<xsl:template match="script|style" mode="cell"/>'
    '<xsl:template match="br" mode="cell"><xsl:text> </xsl:text></xsl:template>'
    f'<xsl:template match="{"|".join(sorted(_CELL_BLOCKS))}" mode="cell">'
    '<xsl:text> </xsl:text><xsl:apply-templates mode="cell"/><xsl:text> </xsl:text></xsl:template>')
_MARKED = re.compile(f"[{_TABLE}{_ROW}{_CELL}{_FIELD}]")


def _leaf_table_cells(root: etree._Element) -> list[list[list[PrintedCell]]]:
    """Per leaf table, per row, its printed cells."""
    if _MARKED.search(etree.tostring(root, method="text", encoding=str)):
        return [[[(str(td.get("rowspan") or ""), str(td.get("colspan") or ""), cell_text(td))
                  for td in tr if _tag(td) in _CELLS] for tr in _own_rows(table)] for table in leaf_tables(root)]
    marked = BLANKS.sub(" ", str(_TABLE_CELLS(root)))
    return [[[_printed(cell) for cell in row.split(_CELL)[1:]] for row in table.split(_ROW)[1:]]
            for table in marked.split(_TABLE)[1:]]


def _printed(marked: str) -> PrintedCell:
    rowspan, colspan, text = marked.split(_FIELD, 2)
    return rowspan, colspan, text.strip()


def html_rows(root: etree._Element, limits: ReadLimits = READ_LIMITS) -> list[Row]:
    """All rows of all leaf tables of a page, in document order."""
    rows: list[Row] = []
    for table in _leaf_table_cells(root):
        rows.extend(Row(distinct_cells(grid_row), exact=True) for grid_row in _grid(table, limits))
    return rows
