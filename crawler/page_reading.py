"""A fetched HTML page decoded and parsed once per response, shared by all that read it in the crawl.

The fetch-kind middleware (is it a 404 template, a challenge, a script redirect?) and the spider (its
links, its title, its list forms) read the same tree: one decode (archive.decoding), one parsel parse
of the first GOV_REPORTS_PAGE_MAX_CHARS characters, kept with the response for as long as it lives.

`ArchiveDecodingMiddleware` gives every text response that decoding's encoding, so that Scrapy's
own readers of `response.text` (its meta-refresh middleware) decode the page as the archive does
and never run w3lib's detection of their own: its prescan (w3lib 2.6, in Rust) panics on a body
cut off at `<meta`, and a panic there lost the page (README, Encodings).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from lxml import etree
from parsel import Selector
from scrapy.http import Request, Response, TextResponse

from archive.decoding import DecodedText, decode_body
from archive.library_failures import is_library_failure
from crawler.fetchlog import response_header

logger = logging.getLogger(__name__)

# Weakly keyed: a reading goes with its response (a retry or a redirect is a new response).
_READINGS: WeakKeyDictionary[TextResponse, PageReading] = WeakKeyDictionary()
_DECODINGS: WeakKeyDictionary[Response, DecodedText] = WeakKeyDictionary()


@dataclass(frozen=True)
class PageReading:
    """The page's text (decoded, cut to `max_chars`), the encoding it was decoded with, its tree."""

    body: bytes
    text: str
    encoding: str
    root: etree._Element
    max_chars: int
    whole: bool  # the text is the whole decoded page


def read_page(response: TextResponse, max_chars: int) -> PageReading:
    """The response's page read once (later calls with the same limit get the same reading)."""
    found = _READINGS.get(response)
    if found is not None and found.max_chars == max_chars and found.body is response.body:
        return found
    decoded = decoding(response)
    text = decoded.text[:max_chars]
    reading = PageReading(response.body, text, decoded.encoding, _tree(text, response.url), max_chars,
                          len(text) == len(decoded.text))
    _READINGS[response] = reading
    return reading


def decoding(response: Response) -> DecodedText:
    """The response's body decoded as the archive decodes it, once per response."""
    found = _DECODINGS.get(response)
    if found is None:
        found = _DECODINGS[response] = decode_body(response.body, response_header(response, "Content-Type"))
    return found


class ArchiveDecodingMiddleware:
    """Downloader middleware above Scrapy's meta-refresh one: each text response again with the
    encoding the archive decodes it with (see module doc)."""

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse):
            return response
        decoded = decoding(response)
        # Not response.replace(encoding=…): it reads response.encoding first, which runs the detection.
        attributes = {name: getattr(response, name) for name in response.attributes if name != "encoding"}
        again = type(response)(**attributes, encoding=decoded.encoding)
        _DECODINGS[again] = decoded
        return again


def _tree(text: str, url: str) -> etree._Element:
    """The page's tree, as HTML whatever it looks like (parsel would take a JSON answer, a list
    API's, for JSON). A page the parser fails on (a library's panic included) reads as an empty
    page: it is still archived as fetched and the crawl goes on, its links unread."""
    try:
        return Selector(text=text, base_url=url, type="html").root
    except BaseException as error:
        if not is_library_failure(error):
            raise
        logger.warning("Page %s unreadable (%s: %s): archived as fetched, its links not read", url,
                       type(error).__name__, str(error)[:200])
        return Selector(text="<html></html>", type="html").root
