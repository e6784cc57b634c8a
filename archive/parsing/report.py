"""Entry point: one archived document (bytes) → ParsedReport. Never raises.

parse_status vocabulary (what was found and what not):

- ``ok``: the three standard tables (or a pre-2019 statistics table) were found;
- ``partial:<table>_missing[+<table>_missing…]``: some of active/requests/review_litigation missing;
  ``partial:<table>`` (joined the same way): that table was read but cells of it are missing (rows the
  copy never showed or the reader could not place; listed in ``notes``), see parsing/completeness.py;
- ``no_tables``: a report (or an unidentified text) without any table or table vocabulary;
- ``unknown_layout``: the text carries table vocabulary (§11: 第二十条第, 本年新收, 申请人情况,
  结果维持, 统计指标) but no table could be extracted;
- ``not_a_report``: no tables and a title that does not name an annual report (a letter, a notice);
- ``empty_document``: no text at all;
- ``see_attachment``: an HTML page without tables or sections that links a document file: the
  report is published as that attachment (archived and parsed as its own `reports` row);
- ``image_only``: a PDF without a text layer (a scan), or an HTML page whose report body is only
  pictures (``<img>`` and no sections, no tables);
- ``broken_document:<pdf|docx|doc|xlsx|xls>``: a document of a readable format whose bytes could
  not be read (truncated, damaged, encrypted); the reader's message is in ``notes``;
- ``unsupported_document:<pdf|word|office|image|archive>``: bytes of that kind no reader here could
  read: a bare image, an archive, a format without a reader (RTF, OFD, old WPS), or a truncated,
  damaged or encrypted file; ``notes`` says which and why.
- ``error:<ExceptionClass>``: an unexpected exception, or a library's panic (a PyO3 extension's
  ``PanicException``, archive/library_failures.py); its message is in ``notes``.

PDF (pdfplumber), DOCX (python-docx), DOC/WPS (olefile), XLSX (openpyxl) and XLS/ET (xlrd) are read by
``archive.readers`` into table rows and running text, then parsed like HTML; ``archive.formats``
decides which reader a body needs.

``notes`` holds the table notes (注:…) and then the table extractor's problems prefixed "problem: ".
"""

from __future__ import annotations

import re

from lxml import etree

from archive.classify import is_report_title
from archive.content import DocumentContent, DocumentOverLimit, HtmlHints, UnreadableDocument
from archive.decoding import decode_body
from archive.formats import DOCUMENT_KINDS, TEXT_KINDS, document_format, document_kind
from archive.library_failures import is_library_failure
from archive.normalize import normalize_text, normalize_texts, one_document
from archive.parsing.checks import report_checks
from archive.parsing.completeness import with_partial_tables
from archive.parsing.derived import derived_cells
from archive.parsing.main_content import article_element
from archive.parsing.metadata import extract_metadata
from archive.parsing.model import ParsedReport
from archive.parsing.sections import split_sections
from archive.readers import READ_LIMITS, ReadLimits, read_document
from archive.readers.html import element_text, html_text, parse_html

STANDARD_TABLES = ("active", "requests", "review_litigation")
_FORMAT_ORDER = ("pre2019", "2019", "2021")
_TABLE_VOCABULARY = re.compile(r"第二十条第|本年新收|申请人情况|结果维持|统计指标|指标名称")


def text_lines(text: str) -> list[str]:
    """Non-empty lines with runs of whitespace collapsed."""
    return [" ".join(words) for line in text.splitlines() if (words := line.split())]


def normalized_lines(lines: list[str]) -> str:
    """The lines normalized, as text_lines of their normalized text. Line by line (normalization is
    line-local), remembered per line: the article's lines are the page's, normalized once."""
    return "\n".join(text_lines("\n".join(normalize_texts(lines))))


def _tables(root: etree._Element | None, raw_text: str):
    # Imported here so that report-level parsing can be tested (and used) while the table
    # extractor is replaced by a stub.
    from archive.parsing import tables

    if root is None:
        return tables.extract_tables_from_text(raw_text)
    result = tables.extract_tables_from_html(root)
    if (result.problems or not (result.found or result.cells)) and _TABLE_VOCABULARY.search(normalize_text(raw_text)):
        # Tables the HTML does not hold whole (text-serialized cells in <p>s, fragments of a PDF
        # conversion): the page's text may read better. Keep whichever finds more of the report.
        text_result = tables.extract_tables_from_text(raw_text)
        if _completeness(text_result) > _completeness(result):
            return text_result
    return result


def _completeness(result) -> tuple[int, int, int]:
    """Tables found, then fewer problems, then more cells."""
    return len(result.found), -len(result.problems), len(result.cells)


def _header_only_review_table(found: set[str], problems: list[str], text: str) -> bool:
    """Table 3's header rows are printed, no data row was extracted, and the other tables were read fine."""
    if "review_litigation" in found or any(p.startswith("review_litigation") for p in problems):
        return False
    if not found & {"active", "requests"}:
        return False  # the extractor does not read this layout at all (glued cells)
    return all(word in text for word in ("结果维持", "尚未审结", "复议后起诉"))


def report_format(table_formats: dict[str, str]) -> str:
    """The set of known table formats, "+"-joined in era order; "unknown" when none is known."""
    known = [f for f in _FORMAT_ORDER if f in set(table_formats.values())]
    return "+".join(known) or "unknown"


def _status(found: set[str], title: str | None, text: str) -> str:
    if not found:
        if title and not is_report_title(title):
            return "not_a_report"
        return "unknown_layout" if _TABLE_VOCABULARY.search(text) else "no_tables"
    standard = [t for t in STANDARD_TABLES if t in found]
    if not standard:
        return "ok"  # a pre-2019 statistics table alone is the whole table content of its era
    missing = [f"{t}_missing" for t in STANDARD_TABLES if t not in found]
    return "partial:" + "+".join(missing) if missing else "ok"


def _document_tables(content: DocumentContent):
    """The document's table rows through the parser core; its running text when they hold nothing."""
    from archive.parsing import tables

    result = tables.extract_tables_from_rows(content.rows)
    if not result.found and not result.cells and _TABLE_VOCABULARY.search(normalize_text(content.text)):
        text_result = tables.extract_tables_from_text(content.text)
        if text_result.found or text_result.cells:
            return text_result
    return result


def _parse_document(body: bytes, kind: str, title_hint: str | None, limits: ReadLimits) -> ParsedReport:
    """PDF, Word and Excel documents: their readers feed the same parser core as HTML."""
    fmt = document_format(body)
    if fmt is None or fmt == "ofd":
        return ParsedReport(parse_status=f"unsupported_document:{kind}", title=title_hint,
                            notes=[f"{fmt or kind}: no reader for these bytes"])
    try:
        content = read_document(body, fmt, limits)
    except DocumentOverLimit as error:  # a bomb or a dump: fetching it again gives the same
        return ParsedReport(parse_status=f"over_limit:{fmt}", title=title_hint, notes=[str(error)])
    except UnreadableDocument as error:
        # A truncated, damaged or encrypted file: worth fetching again, unlike an unsupported one.
        return ParsedReport(parse_status=f"broken_document:{fmt}", title=title_hint, notes=[str(error)])
    if content.image_only:
        return ParsedReport(parse_status="image_only", title=title_hint or content.title)
    hints = HtmlHints(title_tag=content.title)
    return _assemble(content.text, hints, _document_tables(content), title_hint, images=0)


def _parse(body: bytes, content_type: str | None, title_hint: str | None, encoding: str | None,
           limits: ReadLimits) -> ParsedReport:
    kind = document_kind(body, content_type)
    if kind in DOCUMENT_KINDS:
        return _parse_document(body, kind, title_hint, limits)
    if kind not in TEXT_KINDS:
        return ParsedReport(parse_status=f"unsupported_document:{kind}", title=title_hint)
    if encoding and len(body) > 4 * limits.page_chars:
        # The recorded encoding decodes a cut body as it stands (no detection to mislead): no
        # more than the characters read is decoded (4 bytes at most per character).
        body = body[:4 * limits.page_chars + 4]
    decoded = decode_body(body, content_type, encoding=encoding).text
    cut = len(decoded) > limits.page_chars
    decoded = decoded[:limits.page_chars]  # archived whole; read in its first part only
    root = parse_html(decoded) if kind == "html" else None
    article = None
    if root is not None:
        page = html_text(root)
        raw_text, hints, images, attachments = page.text, page.hints, page.images, page.attachments
        container = article_element(root)  # the report, not the site's menus (main_content.py)
        article = element_text(container) if container is not None else None
    else:
        raw_text, hints, images, attachments = decoded, HtmlHints(), 0, 0
    parsed = _assemble(raw_text, hints, lambda: _tables(root, raw_text), title_hint, images, attachments,
                       article=article)
    if cut:
        parsed.notes.append(f"read in its first {limits.page_chars} characters (GOV_REPORTS_PAGE_MAX_CHARS)")
    return parsed


def _assemble(raw_text: str, hints: HtmlHints, tables_of, title_hint: str | None, images: int,
              attachments: int = 0, article: str | None = None) -> ParsedReport:
    """Metadata, sections, tables and checks of one document's text and table result; `article` is
    the page's report text without the site's chrome (sections and `text` use it)."""
    raw_lines = text_lines(raw_text)
    text = normalized_lines(raw_lines)
    if not text:
        status = "image_only" if images else "empty_document"
        return ParsedReport(parse_status=status, title=title_hint)
    meta = extract_metadata(raw_lines, text, hints, title_hint)
    body = normalized_lines(text_lines(article)) if article else text
    sections = split_sections(body)
    tables = tables_of() if callable(tables_of) else tables_of
    found = set(tables.found) | set(tables.table_formats) | {c.table_key for c in tables.cells}
    checked_formats = dict(tables.table_formats)
    if _header_only_review_table(found, tables.problems, text):
        # Publishers omit Table 3's data row when everything is zero (seed 003): the table is
        # there, with nothing reported, which the identities label "empty".
        found.add("review_litigation")
        checked_formats["review_litigation"] = "unknown"
    narrative = "\n".join(sections.get(key, "") for key in ("intro", "一"))
    status = with_partial_tables(_status(found, meta.title, text), getattr(tables, "missing", []))
    if status in ("no_tables", "unknown_layout") and set(sections) <= {"intro"}:
        if attachments:
            status = "see_attachment"  # an HTML stub (全文见附件): the report is the linked document
        elif images:
            status = "image_only"  # a report page whose body is pictures of the printed report
    return ParsedReport(
        title=meta.title,
        agency=meta.agency,
        region=meta.region,
        year=meta.year,
        published=meta.published,
        index_no=meta.index_no,
        metadata=meta.fields,
        format=report_format(tables.table_formats),
        table_formats=dict(tables.table_formats),
        sections=sections,
        text=body,
        notes=list(tables.notes) + [f"problem: {p}" for p in tables.problems],
        parse_status=status,
        cells=list(tables.cells) + derived_cells(tables.cells, tables.table_formats),
        checks=report_checks(tables.cells, checked_formats, narrative=narrative,
                             section_six=sections.get("六"), missing=getattr(tables, "missing", ())),
    )


def parse_report(body: bytes, *, url: str | None = None, content_type: str | None = None,
                 title_hint: str | None = None, encoding: str | None = None,
                 limits: ReadLimits = READ_LIMITS) -> ParsedReport:
    """Parse one archived document; any failure becomes parse_status ``error:<ExceptionClass>``.

    `encoding` is the one the archive recorded when the bytes were fetched (`snapshots.encoding`):
    given, the text is decoded with it instead of being detected again. `limits` bound what the
    readers read of one document."""
    try:
        with one_document():
            return _parse(body, content_type, title_hint, encoding, limits)
    except BaseException as error:  # noqa: BLE001 - the contract is to never raise
        if not is_library_failure(error):  # Ctrl-C, exit, a caller's timeout: not the document's failure
            raise
        return ParsedReport(parse_status=f"error:{type(error).__name__}", notes=[str(error)],
                            title=title_hint)
