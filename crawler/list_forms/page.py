"""What a list form reader is handed: one parsed list page, or one list answer, with the crawl's limits.

The page is parsed once (by parsel, as the spider reads it), and its links and inline scripts are read
once; the spider's own decisions and every form reader work on this one object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from parsel import Selector

from archive.links import PageLink, page_links
from crawler import settings as defaults
from crawler.list_forms.model import ListRequest
from crawler.list_forms.scripts import script_texts


@dataclass(frozen=True)
class ListLimits:
    """How many further requests a list may ask for (settings GOV_REPORTS_LIST_MAX_PAGES and
    GOV_REPORTS_LIST_MAX_GROUPS; their defaults are in crawler/settings.py), and how much of a page
    is read (GOV_REPORTS_PAGE_MAX_CHARS)."""

    max_pages: int = defaults.GOV_REPORTS_LIST_MAX_PAGES
    max_groups: int = defaults.GOV_REPORTS_LIST_MAX_GROUPS
    max_chars: int = defaults.GOV_REPORTS_PAGE_MAX_CHARS

    @classmethod
    def from_settings(cls, getint: Callable[[str, int], int]) -> ListLimits:
        """From a Scrapy Settings' getint (a setting left out keeps its default)."""
        return cls(getint("GOV_REPORTS_LIST_MAX_PAGES", cls.max_pages),
                   getint("GOV_REPORTS_LIST_MAX_GROUPS", cls.max_groups),
                   getint("GOV_REPORTS_PAGE_MAX_CHARS", cls.max_chars))


@dataclass(frozen=True)
class ListPage:
    """One HTML page of a portal: its text, tree, every followable link and inline script code."""

    url: str
    html: str
    root: etree._Element
    links: tuple[PageLink, ...]
    scripts: tuple[str, ...]
    limits: ListLimits = field(default_factory=ListLimits)

    @classmethod
    def parse(cls, html: str, url: str, limits: ListLimits | None = None) -> ListPage:
        """The page `html` (already decoded) fetched from `url`, parsed once, in its first
        `limits.max_chars` characters (the whole page is archived)."""
        limits = limits or ListLimits()
        html = html[:limits.max_chars]
        return cls.of_tree(html, Selector(text=html, base_url=url).root, url, limits)

    @classmethod
    def of_tree(cls, html: str, root: etree._Element, url: str, limits: ListLimits) -> ListPage:
        """The page already parsed: `root` is parsel's tree of `html` (crawler/page_reading.py)."""
        return cls(url, html, root, tuple(page_links(root, url)), tuple(script_texts(root)), limits)


@dataclass(frozen=True)
class ListAnswer:
    """The decoded answer to one ListRequest (Hanweb XML, JSON)."""

    request: ListRequest
    text: str
    limits: ListLimits = field(default_factory=ListLimits)
