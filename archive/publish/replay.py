"""Safe replay of an archived HTML page: untrusted markup made inert, like a web archive's replay.

Three layers, any one of which alone keeps the page from running code or reaching the live web:
1. the markup is cleaned (lxml_html_clean removes scripts, event handlers, frames, objects, forms,
   <link>, <meta refresh>, javascript: URLs, @import) and then every remaining URL is rewritten:
   links to pages the archive holds point at their archived copy, everything else loses its URL;
2. the response carries `REPLAY_CSP` (no scripts, no network but inline styles and data: images,
   sandboxed to an opaque origin);
3. the report view embeds it in an `<iframe sandbox>` without allow-scripts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from lxml.html import defs
from lxml_html_clean import Cleaner

from archive.decoding import decode_body

# No frame-ancestors: under `sandbox` the page's own origin is opaque, so 'self' would match no
# ancestor and Chromium would refuse to show the replay inside the report view.
REPLAY_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
              "base-uri 'none'; sandbox")
REPLAY_HEADERS = {
    "Content-Security-Policy": REPLAY_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, max-age=3600",
}
# Every attribute that can make a browser fetch or navigate (lxml's link_attrs plus newer ones).
URL_ATTRS = frozenset(defs.link_attrs) | {"srcset", "poster", "ping", "manifest", "icon", "imagesrcset"}
_CSS_URL = re.compile(r"url\s*\([^)]*\)|@import[^;]*;?|expression\s*\(", re.I)
_HTML_TYPES = ("text/html", "application/xhtml")

_cleaner = Cleaner(
    scripts=True, javascript=True, comments=True, style=False, inline_style=False, links=True,
    meta=True, page_structure=False, processing_instructions=True, embedded=True, frames=True,
    forms=True, annoying_tags=True, remove_unknown_tags=False, safe_attrs_only=True,
    kill_tags=("video", "audio", "source", "track"),
    safe_attrs=defs.safe_attrs | {"style"}, add_nofollow=False,
)

Resolver = Callable[[Iterable[str]], dict[str, str]]


def is_html(content_type: str | None, body: bytes) -> bool:
    """Whether a snapshot is an HTML page (by its Content-Type, else by sniffing the start)."""
    if content_type:
        return content_type.split(";")[0].strip().lower().startswith(_HTML_TYPES)
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


# CSS escapes (\75 rl(, u\rl() and comments (u/**/rl() hide `url(` from a pattern on the raw text.
_CSS_ESCAPE = re.compile(r"\\(?:([0-9A-Fa-f]{1,6})[ \t\n\r\f]?|(.))", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)


def _css_unescaped(css: str) -> str:
    """The CSS as a browser tokenizes it: comments dropped, escapes decoded (\75 → u, \r → r)."""
    def char(match: re.Match) -> str:
        if match.group(2) is not None:
            return "" if match.group(2) == "\n" else match.group(2)
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _CSS_ESCAPE.sub(char, _CSS_COMMENT.sub("", css))


def _neutralize_css(css: str) -> str:
    # < and > escaped again: a decoded "\\3c/style\\3e" must not close the <style> it stands in.
    return _CSS_URL.sub("none", _css_unescaped(css)).replace("<", "\\3c ").replace(">", "\\3e ")


def _rewrite(root: etree._Element, base_url: str, resolve: Resolver) -> None:
    """One walk over the cleaned tree: collect URLs, resolve them in one batch, rewrite or drop them."""
    pending: list[tuple[etree._Element, str, str]] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "style" and element.text:
            element.text = _neutralize_css(element.text)
        for name in list(element.attrib):
            if name.lower() == "style":
                element.set(name, _neutralize_css(element.get(name)))
            elif name.lower() in URL_ATTRS or name.lower().startswith("on"):
                value = element.attrib.pop(name)
                if name.lower() == "href" and element.tag == "a" and value.strip():
                    pending.append((element, name, urljoin(base_url, value.strip())))
    archived = resolve({url for _, _, url in pending}) if pending else {}
    for element, name, url in pending:
        if url in archived:
            element.set(name, archived[url])
        else:
            element.set("title", f"未存档 (not archived): {url}")
            element.set("class", (element.get("class", "") + " not-archived").strip())


def sanitize_html(body: bytes, content_type: str | None, *, url: str, banner: str = "",
                  resolve: Resolver = lambda urls: {}) -> str:
    """The archived page as an inert, self-contained HTML document (UTF-8)."""
    text = decode_body(body, content_type).text
    try:
        document = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        document = lxml.html.document_fromstring("<p></p>")
    _cleaner(document)
    _rewrite(document, url, resolve)
    body = document.find("body")
    # Keep the page's own (neutralized) style sheets; drop the rest of <head> (title, base, meta).
    parts = [*document.iterfind("head/style"), *(body if body is not None else document.iterchildren())]
    content = (escape(body.text) if body is not None and body.text else "") + "".join(
        etree.tostring(part, encoding="unicode", method="html") for part in parts)
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        "<style>.replay-banner{font:13px sans-serif;background:#fff3cd;padding:4px 8px;"
        "border-bottom:1px solid #e0c97f}a.not-archived{color:inherit;text-decoration:none}</style>"
        f"</head><body><div class=\"replay-banner\">{escape(banner)}</div>{content}</body></html>"
    )
