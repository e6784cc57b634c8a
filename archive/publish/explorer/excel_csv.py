"""`?_bom=1` on any CSV export (table, view, canned query, streamed): a UTF-8 byte order mark first.

Excel opens a CSV file without a BOM in the system's legacy code page (GBK on Chinese Windows, cp1252
elsewhere), which garbles UTF-8 Chinese; with the BOM it reads UTF-8. Datasette writes the CSV itself,
so the mark is added on the way out, to successful CSV responses only.
"""

from __future__ import annotations

from urllib.parse import parse_qs

BOM = "\ufeff".encode("utf-8")
BOM_ARG = "_bom"
_CSV_TYPES = (b"text/csv", b"text/plain")


def wants_bom(scope: dict) -> bool:
    """Whether the request is for a CSV export with `_bom` set (1, on, yes…; not 0, off or empty)."""
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return False
    values = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True).get(BOM_ARG)
    return bool(values) and values[-1].lower() not in ("", "0", "off", "false", "no")


def with_bom(app):
    """ASGI middleware that starts the body of a successful CSV response with a BOM when asked to."""

    async def wrapped(scope, receive, send):
        if not wants_bom(scope):
            return await app(scope, receive, send)
        state = {"add": False}

        async def send_with_bom(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                state["add"] = message["status"] == 200 and headers.get(b"content-type", b"").startswith(_CSV_TYPES)
                if state["add"] and b"content-length" in headers:
                    message = {**message, "headers": [
                        (k, str(int(v) + len(BOM)).encode() if k == b"content-length" else v)
                        for k, v in message["headers"]]}
            elif message["type"] == "http.response.body" and state["add"]:
                state["add"] = False
                message = {**message, "body": BOM + message.get("body", b"")}
            await send(message)

        return await app(scope, receive, send_with_bom)

    return wrapped
