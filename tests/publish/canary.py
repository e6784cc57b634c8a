"""A loopback HTTP server that records every request it receives (and answers 404), used to prove
that archived pages load nothing: every external URL in the hostile fixture points here, and the
browser uses it as its proxy, so even a request to a non-loopback address would land here."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Recorder(BaseHTTPRequestHandler):
    def _record(self) -> None:
        self.server.hits.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = do_CONNECT = _record

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass


class CanaryServer:
    """`with CanaryServer() as canary:` → canary.url, canary.hits."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        self._server.hits = []
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def hits(self) -> list[str]:
        return self._server.hits

    def __enter__(self) -> "CanaryServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
