"""A fetched HTML page decoded and parsed once per response, shared by all that read it in the crawl.

The fetch-kind middleware (is it a 404 template, a challenge, a script redirect?) and the spider (its
links, its title, its list forms) read the same tree: one decode (archive.decoding), one parsel parse
of the first GOV_REPORTS_PAGE_MAX_CHARS characters, kept with the response for as long as it lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from archive.decoding import decode_body
from crawler.fetchlog import response_header

# Weakly keyed: a reading goes with its response (a retry or a redirect is a new response).
_READINGS: WeakKeyDictionary[TextResponse, PageReading] = WeakKeyDictionary()


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
    decoded = decode_body(response.body, response_header(response, "Content-Type"))
    text = decoded.text[:max_chars]
    # As HTML whatever it looks like: parsel would take a JSON answer (a list API's) for JSON.
    root = Selector(text=text, base_url=response.url, type="html").root
    reading = PageReading(response.body, text, decoded.encoding, root, max_chars, len(text) == len(decoded.text))
    _READINGS[response] = reading
    return reading
