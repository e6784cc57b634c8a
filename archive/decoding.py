"""Decode archived bytes to text: BOM, HTTP charset, <meta> charset, then a strict UTF-8/GB18030 sniff."""

from __future__ import annotations

from dataclasses import dataclass

from w3lib.encoding import html_to_unicode

# Portals that declare nothing are almost always UTF-8 or one of the GB family; GB18030 is a
# superset of GB2312 and GBK, so it decodes all three.
_SNIFF_ORDER = ("utf-8", "gb18030")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def _sniff(body: bytes) -> str | None:
    for encoding in _SNIFF_ORDER:
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def decode_body(body: bytes, content_type: str | None = None) -> DecodedText:
    """Decode a fetched body the way a browser would, never raising on bad bytes."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_sniff)
    return DecodedText(text=text, encoding=encoding)
