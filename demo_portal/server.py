"""Serve a PortalSite on loopback in a background thread, with switches for crawl edge cases."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from demo_portal.site import Page, PortalSite

_NOT_FOUND = "<!DOCTYPE html><html><head><meta charset=utf-8><title>404</title></head><body>您访问的页面不存在</body></html>"


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def _header(page: Page, name: str) -> str | None:
    return next((value for key, value in page.headers if key.lower() == name.lower()), None)


def _not_modified(page: Page, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if if_none_match is not None:
        return _etag(page.body) in {tag.strip() for tag in if_none_match.split(",")} or if_none_match.strip() == "*"
    last_modified = _header(page, "Last-Modified")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    server_version = "TRS-WCM/8.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # the portal keeps its own request log

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def do_POST(self) -> None:  # noqa: N802 - list APIs (Hanweb dataproxy.jsp, TRS search) are POSTed
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(send_body=True, form=self.rfile.read(length).decode("utf-8", "replace"))

    def _answer(self, *, send_body: bool, form: str = "") -> None:
        portal = self.server.portal
        portal._pause(self.path)
        status, headers, body = portal._response(self.command, self.path, self.headers, form)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's listen backlog is 5: a crawler with more connections opening at once had some
    # dropped and retried a second later (the bare spider of bench_crawl.py took 26 s for what it
    # fetches in 20 s at 8 connections, 97 s at 16). A web server's is a few hundred.
    request_queue_size = 128
    portal: "PortalServer"


class PortalServer:
    """Context manager serving one site; `url` is known once started."""

    def __init__(self, site: PortalSite, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.host, self.port = host, port
        self.url = ""
        self.requests: list[tuple[str, str, int]] = []
        self.api_requests: list[tuple[str, str | None, int]] = []  # (method, answer key, status)
        self._pages: dict[str, Page] = dict(site.pages)
        self._failures: dict[str, list[int]] = {path: [status] for path, status in site.flaky.items()}
        self._delays: dict[str, float] = {}
        self._open = threading.Event()  # cleared by hold(): requests wait until release()
        self._open.set()
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "PortalServer":
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.portal = self
        self.port = self._httpd.server_address[1]
        self.url = f"http://{self.host}:{self.port}/"
        # A short poll interval keeps stop() (and so every test using the portal) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="demo-portal", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> "PortalServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Switches ---------------------------------------------------------------------------------

    def revise(self, path: str, body: bytes) -> None:
        """Change a page's bytes (and so its ETag and Last-Modified) for the next crawl."""
        with self._lock:
            page = self._pages[path]
            previous = _header(page, "Last-Modified")
            stamp = max(time.time(), parsedate_to_datetime(previous).timestamp() + 1 if previous else 0)
            modified = format_datetime(datetime.fromtimestamp(int(stamp), timezone.utc), usegmt=True)
            headers = tuple((k, v) for k, v in page.headers if k.lower() != "last-modified")
            self._pages[path] = Page(
                path=page.path,
                body=body,
                content_type=page.content_type,
                status=page.status,
                headers=headers + (("Last-Modified", modified),),
                kind=page.kind,
                title=page.title,
            )

    def remove(self, path: str) -> None:
        """Delete a page: links to it stay, requests for it answer 404."""
        with self._lock:
            del self._pages[path]

    def fail_once(self, path: str, status: int = 500) -> None:
        """The next request to path answers `status`, later ones answer normally."""
        with self._lock:
            self._failures.setdefault(path, []).append(status)

    def set_delay(self, path: str, seconds: float) -> None:
        """Every request to path waits this long before answering (0 removes the delay)."""
        with self._lock:
            if seconds > 0:
                self._delays[path] = seconds
            else:
                self._delays.pop(path, None)

    def hold(self) -> None:
        """Requests wait unanswered from now until release() (so crawlers started together begin together)."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def page(self, path: str) -> Page | None:
        """The page currently served at a request path (directory paths serve index.html)."""
        with self._lock:
            return self._lookup(path)

    # Request handling ------------------------------------------------------------------------

    def _api_key(self, method: str, target: str, form: str) -> tuple[bool, str | None]:
        """(is an API endpoint, the key of its answer page) for a request."""
        parts = urlsplit(target)
        api = self.site.api_forms.get(parts.path)
        if api is None:
            return False, None
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        params.update(parse_qsl(form, keep_blank_values=True))
        return True, api.key(params) if method in (api.method, "HEAD") or api.method == "ANY" else None

    def _lookup(self, target: str) -> Page | None:
        if target in self._pages:
            return self._pages[target]
        path = urlsplit(target).path
        if path.endswith("/"):
            path += "index.html"
        return self._pages.get(path)

    def _pause(self, target: str) -> None:
        self._open.wait(60)  # a held portal never hangs a test for ever
        with self._lock:
            delay = self._delays.get(urlsplit(target).path, 0)
        if delay:
            time.sleep(delay)

    def _response(self, method: str, target: str, headers, form: str = "") -> tuple[int, list[tuple[str, str]], bytes]:
        with self._lock:
            is_api, key = self._api_key(method, target, form)
            if is_api:
                page = self._pages.get(key) if key else None
                status = 200 if page else 400
                self.api_requests.append((method, key, status))
                self.requests.append((method, target, status))
                if page is None:
                    return 400, [("Content-Type", "text/plain; charset=utf-8")], b"bad request"
                return 200, [("Content-Type", page.content_type), *page.headers], page.body
            page = self._lookup(target)
            key = page.path if page else urlsplit(target).path
            failures = self._failures.get(key)
            if failures:
                status, body, out = failures.pop(0), f"<html><body>{key}</body></html>".encode(), []
                out.append(("Content-Type", "text/html; charset=utf-8"))
            elif page is None:
                status, body, out = 404, _NOT_FOUND.encode(), [("Content-Type", "text/html; charset=utf-8")]
            else:
                status, body, out = self._page_response(page, headers)
            self.requests.append((method, target, status))
        return status, out, body

    def _page_response(self, page: Page, headers) -> tuple[int, bytes, list[tuple[str, str]]]:
        out = [("Content-Type", page.content_type), *page.headers]
        if page.status != 200:
            return page.status, page.body, out
        out.append(("ETag", _etag(page.body)))
        if _not_modified(page, headers.get("If-None-Match"), headers.get("If-Modified-Since")):
            return 304, b"", [(k, v) for k, v in out if k != "Content-Type"]
        return 200, page.body, out
