"""The article body HTML of each document, from its copied source text."""

from __future__ import annotations

import re
from html import escape

from demo_portal.catalog import Document, content_text
from demo_portal.texttables import Paragraph, parse_serialized
from demo_portal.wordtables import word_table_html

_ARCHIVE_BODY_MARK = "==================== 正文 ===================="
# Older archived pages start with the page chrome flattened into the text (当前位置 … 相关链接： -->).
_FLATTENED_CHROME = re.compile(r"^当前位置：.*?相关链接：\s*-->\s*", re.S)
# A heading starting after a sentence end, in text whose line breaks were removed.
_GLUED_HEADING = re.compile(r"(?<=[。；！？：])(?=(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）))")
_MARKDOWN_RULE = re.compile(r"^\|[\s|:-]+\|$")


def _paragraph(text: str) -> str:
    return f"<p class=MsoNormal style='text-indent:2em'>{escape(text)}</p>"


def _archived_paragraphs(text: str) -> list[str]:
    body = text.split(_ARCHIVE_BODY_MARK, 1)[-1].strip()
    body = _FLATTENED_CHROME.sub("", body)
    pieces = (piece for chunk in body.split() for piece in _GLUED_HEADING.split(chunk))
    return [piece for piece in pieces if piece]


def _trs_text(document: Document) -> str:
    return "\n".join(_paragraph(p) for p in _archived_paragraphs(content_text(document.file)))


# Where the archived text of a 平潭 page reaches its tables (which it glued) and where prose resumes.
_TABLES_START = re.compile(r"^二、主动公开政府信息情况")
_TABLES_END = re.compile(r"^五、")


def _trs_text_tables(document: Document) -> str:
    """The archived page text for its prose, the page's real tables (content/*_tables.html) for
    sections 二 to 四, whose cells the archived text glued together."""
    pieces = _archived_paragraphs(content_text(document.file))
    start = next((i for i, p in enumerate(pieces) if _TABLES_START.match(p)), len(pieces))
    end = next((i for i, p in enumerate(pieces) if i > start and _TABLES_END.match(p)), len(pieces))
    return "\n".join([*(_paragraph(p) for p in pieces[:start]), content_text(document.tables),
                      *(_paragraph(p) for p in pieces[end:])])


def _serialized_text(document: Document) -> str:
    lines = content_text(document.file).splitlines()[document.skip_lines :]
    blocks = parse_serialized("\n".join(lines))
    return "\n".join(
        _paragraph(block.text) if isinstance(block, Paragraph) else word_table_html(block.rows) for block in blocks
    )


def _markdown_table(rows: list[str]) -> str:
    cells = (
        "<tr>" + "".join(f"<td>{escape(cell.strip())}</td>" for cell in row.strip().strip("|").split("|")) + "</tr>"
        for row in rows
        if not _MARKDOWN_RULE.match(row.strip())
    )
    return "<table border=1 cellspacing=0>" + "".join(cells) + "</table>"


def _markdown(document: Document) -> str:
    """A PDF→Markdown conversion: wrapped lines joined into paragraphs, each table fragment kept apart."""
    out: list[str] = []
    lines: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if lines:
            out.append(_paragraph("".join(lines)))
            lines.clear()
        if table:
            out.append(_markdown_table(table))
            table.clear()

    for raw in content_text(document.file).removeprefix("正文\n").splitlines():
        line = raw.strip()
        if line.startswith("|"):
            if lines:
                flush()
            table.append(line)
        elif not line or line.startswith("#"):
            flush()
            if line:
                out.append(f"<p class=MsoNormal><b>{escape(line.lstrip('#').strip())}</b></p>")
        else:
            if table:
                flush()
            lines.append(line)
    flush()
    return "\n".join(out)


def _plain_text(document: Document) -> str:
    return "\n".join(_paragraph(line) for line in content_text(document.file).splitlines() if line.strip())


def _attachment_stub(document: Document) -> str:
    return _paragraph(document.intro)


def _html_fragment(document: Document) -> str:
    return content_text(document.file)


_RENDERERS = {
    "trs_text": _trs_text,
    "trs_text_tables": _trs_text_tables,
    "serialized_text": _serialized_text,
    "markdown": _markdown,
    "plain_text": _plain_text,
    "attachment_stub": _attachment_stub,
    "html_fragment": _html_fragment,
}


def body_html(document: Document) -> str:
    """The HTML that goes inside the article's content div."""
    return _RENDERERS[document.body](document)
