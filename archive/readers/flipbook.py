"""PDF flipbooks (FlipBuilder / Flip PDF / FlipHTML5): the text pages of one book joined into one report text.

A flipbook generator publishes the JavaScript book at `…/index.html` and, beside it, a text version
of every PDF page at `…/files/basic-html/page1.html … pageN.html` (plus `index.html`, a copy of
page 1 listing every page). Each page wraps the PDF page's text, line by line as the PDF laid it
out, in `<pre><code>` between the generator's chrome ("Basic HTML Version", "Page 3 - book",
"P. 3", page-number links). Joining keeps only the PDF text, drops each page's printed page
number and the lines repeated at the top or bottom of most pages (running headers/footers), and
concatenates the pages in order, so a table cut by a page break reads as one table again.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from archive.decoding import decode_body

# FlipBuilder/FlipHTML5: files/basic-html/page3.html; FlippingBook: files/assets/basic-html/page-3.html.
_BOOK_PAGE = re.compile(r"^(?P<base>.*/files/(?:assets/)?basic-html/)(?:page-?(?P<number>\d+)|index|toc)\.html?$",
                        re.IGNORECASE)
_SKIP = {"script", "style", "noscript", "template", "title", "a", "select"}
_BLOCK = {"p", "div", "br", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "td"}
_DIGITS = re.compile(r"\d+")
# Printed page numbers that cannot be anything else: "- 3 -", "— 3 —", "第3页", "第 3 页 共 5 页", "3/5", "P. 3".
_DECORATED_NUMBER = re.compile(
    r"^(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|P\.\s*\d+)$")
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_WORD = re.compile(r"\w")
_LETTER = re.compile(r"[^\W\d_]")
_EDGE = 2  # lines at each end of a page where running headers, footers and page numbers sit


@dataclass(frozen=True)
class FlipbookPage:
    """One basic-html page: its PDF text (layout kept) and the book pages it links to."""

    text: str
    linked_pages: frozenset[int]


def book_base(url: str) -> str | None:
    """The book's `…/files/basic-html/` URL when url is one of its text pages (pageN, index, toc)."""
    parts = urlsplit(url)
    match = _BOOK_PAGE.match(parts.path)
    if not match:
        return None
    return urlunsplit((parts.scheme, parts.netloc, match.group("base"), "", ""))


def page_number(url: str) -> int | None:
    """N of `…/files/basic-html/pageN.html`; the index/toc page is not numbered."""
    match = _BOOK_PAGE.match(urlsplit(url).path)
    return int(match.group("number")) if match and match.group("number") else None


def page_url(base: str, number: int) -> str:
    """Page N of the book at base (FlippingBook's files/assets/basic-html/ names it page-N)."""
    dash = "-" if base.lower().endswith("/assets/basic-html/") else ""
    return urljoin(base, f"page{dash}{number}.html")


def read_page(html: str, url: str) -> FlipbookPage:
    """Parse one text page once: the text of its outermost <pre> blocks (the PDF page), or, for a
    generator without them, the visible non-link text; and the page numbers its links name."""
    root = lxml.html.document_fromstring(html) if html.strip() else None
    if root is None:
        return FlipbookPage("", frozenset())
    linked = {page_number(urljoin(url, a.get("href") or "")) for a in root.iter("a")}
    pres = [pre for pre in root.iter("pre") if not any(a.tag == "pre" for a in pre.iterancestors())]
    text = "\n".join(pre.text_content() for pre in pres) if pres else _visible_text(root)
    return FlipbookPage(text, frozenset(n for n in linked if n is not None))


def _visible_text(root: lxml.html.HtmlElement) -> str:
    """Body text outside scripts and links (a page's navigation is links), blocks on their own lines."""
    pieces: list[str] = []
    walker = lxml.etree.iterwalk(next(root.iter("body"), root), events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                walker.skip_subtree()
                continue
            pieces.append(("\n" if tag in _BLOCK else "") + (element.text or ""))
        else:
            pieces.append(("\n" if tag in _BLOCK else "") + (element.tail or ""))
    # A separator between navigation links (" | ") is not page text, and pipes would read as cells.
    return "\n".join(line for line in "".join(pieces).splitlines() if _WORD.search(line))


def join_pages(texts: list[str]) -> str:
    """The pages' texts in order as one text, without running headers/footers and page numbers."""
    pages = [[line.rstrip() for line in text.splitlines() if line.strip()] for text in texts]
    running = _running_lines(pages)
    offset = _page_number_offset(pages)
    kept: list[str] = []
    for number, lines in enumerate(pages, start=1):
        expected = None if offset is None else str(number + offset)
        kept.extend(_trim_edges(lines, running, expected))
    return "\n".join(kept)


def joined_text(bodies: list[tuple[bytes, str | None, str]]) -> str:
    """Archived page bodies (bytes, content type, URL), in page order, as the book's text."""
    return join_pages([read_page(decode_body(body, content_type).text, url).text
                       for body, content_type, url in bodies])


def _key(line: str) -> str:
    """A line compared across pages: whitespace collapsed, every number the same."""
    return _DIGITS.sub("#", " ".join(line.split()))


def _edges(lines: list[str]) -> list[str]:
    return lines[:_EDGE] + lines[_EDGE:][-_EDGE:]


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines at a page edge on at least two pages and half of them: headers and footers."""
    counts = Counter(key for lines in pages for key in {_key(line) for line in _edges(lines)})
    # A line of numbers only (a table row cut at the page end) is never a header or a footer.
    return {key for key, count in counts.items()
            if count >= 2 and count * 2 >= len(pages) and _LETTER.search(key)}


def _page_number_offset(pages: list[list[str]]) -> int | None:
    """printed - position for bare page numbers at page ends, when most pages agree on one."""
    offsets = Counter()
    for number, lines in enumerate(pages, start=1):
        for line in {line.strip() for line in _edges(lines)}:
            if _BARE_NUMBER.match(line):
                offsets[int(line) - number] += 1
    if not offsets:
        return None
    offset, count = offsets.most_common(1)[0]
    return offset if count >= 2 and count * 2 >= len(pages) else None


def _is_chrome(line: str, running: set[str], page_number: str | None) -> bool:
    bare = " ".join(line.split())
    return bool(_DECORATED_NUMBER.match(bare)) or bare == page_number or _key(line) in running


def _trim_edges(lines: list[str], running: set[str], page_number: str | None) -> list[str]:
    start, end = 0, len(lines)
    while start < end and start < _EDGE and _is_chrome(lines[start], running, page_number):
        start += 1
    while end > start and len(lines) - end < _EDGE and _is_chrome(lines[end - 1], running, page_number):
        end -= 1
    return lines[start:end]
