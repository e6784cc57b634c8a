"""What counts as a change of a page: its content without the fragments that change on every render.

View counters (浏览次数: 123), the time the page was generated, CSRF tokens, session ids and nonces
change on every fetch of an unchanged report; a digest of the text with those fragments blanked
decides whether a fetch is a new version. The archive still keeps the raw bytes of each version.
Linear: one lxml parse, one walk, patterns without nested unbounded runs.
"""

from __future__ import annotations

import hashlib
import re

import lxml.html
from lxml import etree

from archive.decoding import decode_body
from archive.formats import is_text

# Labelled counters: 浏览次数：123, 阅读量 45, 访问量:6, 点击数 7, views: 8.
_COUNTER = re.compile(r"(浏览|阅读|访问|点击|查看)(次数|量|数|人次)?\s*[:：]?\s*\d{1,12}\s*次?|\bviews?\s*[:：]?\s*\d{1,12}",
                      re.IGNORECASE)
# Times of day and full timestamps (a page printing when it was generated).
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?")
# Long hex/base64-ish tokens (session ids, nonces, cache busters) and session parameters in URLs.
_TOKEN = re.compile(r"\b(?=\d*[A-Fa-f])[0-9A-Fa-f]{16,128}\b|(jsessionid|phpsessid|sid|sessionid|token|_csrf|csrf_token|nonce|"
                    r"timestamp|_t|t)=[^&\s\"'<>;]{1,256}", re.IGNORECASE)
_VOLATILE_INPUTS = ("csrf", "token", "nonce", "viewstate", "eventvalidation", "session")
_SKIP = {"script", "style", "noscript", "template"}
_MAX_CHARS = 4_000_000  # the first part of a huge page decides (the readers read no more of it)


def content_digest(body: bytes, content_type: str | None, encoding: str | None = None) -> str:
    """SHA-256 of the page's normalized text (HTML/text), or of the raw bytes (any other body)."""
    if not is_text(body, content_type):
        return hashlib.sha256(body).hexdigest()
    text = decode_body(body, content_type, encoding=encoding).text[:_MAX_CHARS]
    return hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()


def normalized_text(text: str) -> str:
    """Visible text and link targets of the page, volatile fragments blanked, whitespace collapsed."""
    pieces = _page_pieces(text)
    joined = " ".join(pieces)
    for pattern in (_COUNTER, _TIME, _TOKEN):
        joined = pattern.sub(" ", joined)
    return " ".join(joined.split())


def _page_pieces(text: str) -> list[str]:
    try:
        root = lxml.html.document_fromstring(text) if text.strip() else None
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        return [text]
    pieces: list[str] = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "input" and any(word in (element.get("name") or "").lower() for word in _VOLATILE_INPUTS):
            pass  # a hidden token field: its value changes on every render
        elif tag in ("a", "img", "iframe", "embed"):
            pieces.append(element.get("href") or element.get("src") or "")
        if tag not in _SKIP and element.text and not isinstance(element, etree._Comment):
            pieces.append(element.text)
        if element.tail:
            pieces.append(element.tail)
    return pieces
