"""The HTTP header blocks of WARC records, from what the archive kept, and back.

The archive stores bodies decoded (Content-Encoding and chunking undone by the crawler), so a
record carries the body identity-encoded: the headers that described the wire form are renamed
`X-Archive-Orig-*` (their values kept as received) and Content-Length is the stored body's.
"""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders

ORIGINAL_PREFIX = "X-Archive-Orig-"
WIRE_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def response_block(status: int, headers: dict[str, str] | None, *, content_type: str | None,
                   length: int | None, location: str | None = None) -> StatusAndHeaders:
    """Status line and headers as received; the wire-form headers kept as X-Archive-Orig-*,
    Content-Length the length of the body written (None: no body is written)."""
    pairs: list[tuple[str, str]] = []
    for name, value in (headers or {}).items():
        if name.lower() in WIRE_HEADERS:
            pairs.append((ORIGINAL_PREFIX + name, value))
        else:
            pairs.append((name, value))
    names = {name.lower() for name, _ in pairs}
    if content_type and "content-type" not in names:
        pairs.append(("Content-Type", content_type))
    if location and "location" not in names:
        pairs.append(("Location", location))
    if length is not None:
        pairs.append(("Content-Length", str(length)))
    return StatusAndHeaders(_status_line(status), pairs, protocol="HTTP/1.1")


def added_names(block: StatusAndHeaders, received: dict[str, str] | None) -> str | None:
    """The headers of `block` the archive supplied (not received): named in the record's
    `GovReports-Added-Headers`, so that an import keeps only what the server sent."""
    names = {name.lower() for name in received or {}}
    added = [name for name, _ in block.headers if name.lower() not in names and not name.startswith(ORIGINAL_PREFIX)]
    return ", ".join(added) or None


def without_added(headers: dict[str, str], added: str | None) -> dict[str, str]:
    drop = {name.strip().lower() for name in (added or "").split(",")}
    return {name: value for name, value in headers.items() if name.lower() not in drop}


def request_block(url: str, request: str | None) -> tuple[StatusAndHeaders, bytes]:
    """The request line and Host (the archive keeps no other request header) and the form body of
    a request stored as "POST <form>"."""
    parts = urlsplit(url)
    method, _, form = (request or "GET").partition(" ")
    body = form.encode("latin-1")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pairs = [("Host", parts.netloc)]
    if body:
        pairs += [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", str(len(body)))]
    return StatusAndHeaders(f"{method} {target} HTTP/1.1", pairs, is_http_request=True), body


def stored_headers(block: StatusAndHeaders) -> dict[str, str]:
    """The headers to keep for a body read (decoded) from a record: X-Archive-Orig-* back under
    their own names; a Content-Encoding or Transfer-Encoding warcio undid kept as X-Archive-Orig-*."""
    originals = {name[len(ORIGINAL_PREFIX):].lower() for name, _ in block.headers
                 if name.startswith(ORIGINAL_PREFIX) and name[len(ORIGINAL_PREFIX):].lower() in WIRE_HEADERS}
    kept: dict[str, str] = {}
    for name, value in block.headers:
        lower = name.lower()
        if name.startswith(ORIGINAL_PREFIX) and lower[len(ORIGINAL_PREFIX):] in originals:
            name = name[len(ORIGINAL_PREFIX):]
        elif lower in originals:
            continue  # the identity-encoded record's own length, not what the server sent
        elif lower in ("content-encoding", "transfer-encoding"):
            name = ORIGINAL_PREFIX + name
        kept[name] = f"{kept[name]}, {value}" if name in kept else value
    return kept
