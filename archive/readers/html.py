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

import lxml.html
from lxml import etree

from archive.classify import is_attachment_url, shown_document
from archive.content import HtmlHints, Row
from archive.readers.limits import READ_LIMITS, ReadLimits
from archive.readers.spans import BLANKS, distinct_cells

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Elements whose text is not page text; <title> is read as a hint instead.
_SKIP = {"script", "style", "noscript", "template", "title", "svg", "object", "iframe", "select"}
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


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse once with lxml; None when there is nothing to parse."""
    text = _XML_DECLARATION.sub("", _CONTROL.sub("", text))  # lxml refuses both in str input
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except etree.ParserError:
        return None


def _shows_document(tag: str, element: lxml.html.HtmlElement) -> bool:
    """A link to a document file, or a document shown in the page (iframe/embed/object)."""
    if tag == "a":
        return is_attachment_url(element.get("href") or "")
    return tag in ("iframe", "embed", "object") and shown_document(element.get("src") or element.get("data") or "")


def html_text(root: lxml.html.HtmlElement) -> HtmlText:
    """Walk the tree once: block elements become line breaks, table cells end with " |"."""
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
                name = (element.get("name") or "").lower()
                content = element.get("content") or ""
                if name == "articletitle" and content.strip():
                    meta_title = meta_title or content
                elif name in _META_FIELDS and content.strip():
                    meta_fields.setdefault(_META_FIELDS[name], content)
            if tag == "title" and title_tag is None:
                title_tag = element.text_content()
            if tag == "img":
                images += 1
            if _shows_document(tag, element):
                attachments += 1
            if tag == "h1" and h1 is None:
                h1 = element.text_content()
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


def _span(element: etree._Element, name: str, max_span: int) -> int:
    digits = re.sub(r"\D", "", str(element.get(name) or ""))[:4]
    return min(max(int(digits), 1), max_span) if digits else 1


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The `<tr>` of this table, not of tables nested in it."""
    return [tr for tr in table.iter("tr") if _nearest_table(tr) is table]


def _nearest_table(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors("table"):
        return ancestor
    return None


def html_grid(table: etree._Element, limits: ReadLimits = READ_LIMITS) -> list[list[tuple[int, str]]]:
    """Rectangular grid of (cell id, text); spanned positions repeat the covering cell's id and text."""
    grid: dict[tuple[int, int], tuple[int, str]] = {}
    rows = _own_rows(table)
    width = 0
    cell_id = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if _tag(td) not in _CELLS:
                continue
            while (r, c) in grid:
                c += 1
            rowspan = min(_span(td, "rowspan", limits.cell_span), len(rows) - r)
            colspan = _span(td, "colspan", limits.cell_span)
            entry = (cell_id, cell_text(td))
            cell_id += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), entry)
            c += colspan
            width = max(width, c)
    blank = (-1, "")
    return [[grid.get((r, c), blank) for c in range(width)] for r in range(len(rows))]


def leaf_tables(root: etree._Element) -> list[etree._Element]:
    """`<table>` elements holding no other table (layout tables around report tables are skipped)."""
    return [t for t in root.iter("table") if next(t.iterdescendants("table"), None) is None]


def html_rows(root: etree._Element, limits: ReadLimits = READ_LIMITS) -> list[Row]:
    """All rows of all leaf tables of a page, in document order."""
    rows: list[Row] = []
    for table in leaf_tables(root):
        rows.extend(Row(distinct_cells(grid_row), exact=True) for grid_row in html_grid(table, limits))
    return rows
