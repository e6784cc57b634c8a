"""One URL per resource: canonical URLs before the seen-set and the archive.

`w3lib.url.canonicalize_url` (query sorted, percent-encoding normalized, fragment dropped, port
kept), and session identifiers dropped: `;jsessionid=…` path parameters and session query
parameters, which portals mint anew on every render (a new URL for every link of every page).
The spider middleware applies it to every request a callback yields, before the scheduler's
seen-set; the downloader middleware to redirect targets that carry a session id (only then: the
seen-set's fingerprint already ignores query order and fragments, so replacing a request for those
alone would filter it as a duplicate of itself).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import Request
from scrapy.http import Response
from w3lib.url import canonicalize_url

# Query parameters that carry a session, not a resource (Java, PHP, ASP, ColdFusion, generic).
SESSION_PARAMS = frozenset({"jsessionid", "phpsessid", "aspsessionid", "sessionid", "session_id",
                            "cfid", "cftoken", "zjsessionid"})


def canonical_url(url: str) -> str:
    """The URL with session ids and the fragment dropped, canonicalized; unparsable URLs unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https"):
        return url
    path = "/".join(_without_session(segment) for segment in parts.path.split("/"))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in SESSION_PARAMS]
    rebuilt = urlunsplit(parts._replace(path=path, query=urlencode(query) if query != parse_qsl(
        parts.query, keep_blank_values=True) else parts.query, fragment=""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def _without_session(segment: str) -> str:
    """A path segment without its ;name=value parameters that carry a session (…/a.jsp;jsessionid=X)."""
    if ";" not in segment:
        return segment
    name, *params = segment.split(";")
    kept = [p for p in params if p.split("=", 1)[0].lower() not in SESSION_PARAMS]
    return ";".join([name, *kept])


def _canonical(item: Any) -> Any:
    if isinstance(item, Request):
        canonical = canonical_url(item.url)
        if canonical != item.url:
            return item.replace(url=canonical)
    return item


class CanonicalRequestMiddleware:
    """Spider middleware: every request a callback yields asks for the canonical URL."""

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        return (_canonical(item) for item in result)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            yield _canonical(item)


class CanonicalRedirectMiddleware:
    """Downloader middleware: a request (a redirect target) carrying a session id is replaced by the
    session-free URL, which the seen-set then filters like any other."""

    def process_request(self, request: Request) -> Request | None:
        canonical = canonical_url(request.url)
        return None if canonical == canonicalize_url(request.url) else request.replace(url=canonical)
