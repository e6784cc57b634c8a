"""Decode archived bytes to text: BOM, then the declared charsets that actually fit, then a sniff.

Portals contradict themselves: a server default of `charset=UTF-8` in the HTTP header over a GBK
page that says `<meta charset="gbk">`, or the reverse. A browser trusts the header; a reader of
government pages does better to trust the first declaration under which the bytes decode without
error, falling back to the header's with replacement characters only when nothing fits.
"""

from __future__ import annotations

import codecs
import logging
from dataclasses import dataclass
from typing import Callable

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

from archive.library_failures import is_library_failure

logger = logging.getLogger(__name__)

# Undeclared pages are almost always UTF-8 or of the GB family; GB18030 is a superset of GB2312
# and GBK, so it decodes all three.
_SNIFF_ORDER = ("utf-8", "gb18030")
# A GB2312 or GBK label is read as GB18030, as the WHATWG Encoding Standard decodes it (its gbk
# decoder is the gb18030 decoder): pages so labelled print characters beyond GBK, which Python's gbk
# codec refuses. w3lib resolved these labels to gb18030 until 2.5; 2.6 resolves them to gbk.
_GB_CODECS = frozenset({"gb2312", "gbk"})


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def _candidates(body: bytes, content_type: str | None) -> list[str]:
    declared = [_declared(http_content_type_encoding, content_type) if content_type else None,
                _declared(html_body_declared_encoding, body)]
    names = [_gb18030(resolve_encoding(name)) for name in declared if name] + list(_SNIFF_ORDER)
    return [name for name in dict.fromkeys(names) if name]


def _declared(reader: Callable[[bytes | str], str | None], value: bytes | str) -> str | None:
    """The encoding `reader` finds declared in `value`; None (nothing declared) when the reader
    fails on it, a panic of a Rust extension included (archive/library_failures.py)."""
    try:
        return reader(value)
    except BaseException as error:
        if not is_library_failure(error):
            raise
        logger.warning("Encoding declaration unreadable (%s: %s): the body is decoded by sniffing",
                       type(error).__name__, str(error)[:200])
        return None


def _gb18030(name: str | None) -> str | None:
    """The encoding name, GB2312 and GBK read as GB18030 (_GB_CODECS)."""
    try:
        return "gb18030" if name and codecs.lookup(name).name in _GB_CODECS else name
    except LookupError:
        return name


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _known(body: bytes, encoding: str) -> DecodedText | None:
    """The body in an encoding recorded when it was decoded before; None for an unknown name."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    _, bom = read_bom(body)
    return DecodedText(body[len(bom or b""):].decode(name, "replace"), name)


def decode_body(body: bytes, content_type: str | None = None, *, encoding: str | None = None) -> DecodedText:
    """Decode a fetched body, never raising on bad bytes.

    `encoding`, when the archive recorded one for these bytes (what this function chose at fetch
    time), is used as is instead of detecting again."""
    known = _known(body, encoding) if encoding else None
    if known is not None:
        return known
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return DecodedText(body[len(bom):].decode(bom_encoding, "replace"), codecs.lookup(bom_encoding).name)
    candidates = _candidates(body, content_type)
    for encoding in candidates:
        text = _strict(body, encoding)
        if text is not None:
            return DecodedText(text, encoding)
    fallback = candidates[0]
    return DecodedText(body.decode(fallback, "replace"), fallback)
