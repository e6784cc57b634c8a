"""Datasette plugin: the published archive is read-only, so a request other than GET/HEAD/OPTIONS
answers 405 Method Not Allowed (a POST to a table page used to raise a 500)."""

from __future__ import annotations

from datasette import hookimpl

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def refuse_writes(app):
    """ASGI wrapper: HTTP requests with a writing method get 405 and `Allow`, never reach the app."""

    async def wrapped(scope, receive, send):
        if scope.get("type") != "http" or scope.get("method", "GET").upper() in READ_METHODS:
            await app(scope, receive, send)
            return
        body = b"405 Method Not Allowed: this archive is read-only\n"
        await send({"type": "http.response.start", "status": 405,
                    "headers": [(b"allow", b"GET, HEAD, OPTIONS"), (b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return refuse_writes
