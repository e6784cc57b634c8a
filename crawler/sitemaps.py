"""Sitemaps as a way in: the ones robots.txt names (read from Scrapy's own robots.txt parser, so
robots.txt is fetched once), else a guessed /sitemap.xml; entries scored by their URL alone."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.sitemap import Sitemap

from archive.links import PageLink
from crawler.discovery import LinkRole, classify_link

SITEMAP_SCORE = 55  # a sitemap robots.txt declares; a guessed one is a last resort (score 0)
# A sitemap entry has no link text: only its URL's tokens speak (a report column's path, an area's).
_URL_SCORES = {LinkRole.COLUMN: 75, LinkRole.AREA: 30, LinkRole.ATTACHMENT: 15}
_PLAIN_URL_SCORE = 10


@dataclass(frozen=True)
class SitemapFindings:
    sitemaps: tuple[str, ...] = ()  # child sitemaps of a sitemap index
    pages: tuple[tuple[str, int], ...] = ()  # (URL, score)


def declared_sitemaps(crawler: Crawler, page_url: str) -> list[str]:
    """The Sitemap: lines of the robots.txt of the page's host, as Scrapy's RobotsTxtMiddleware read it."""
    try:
        middlewares = crawler.engine.downloader.middleware.middlewares
    except (RuntimeError, AttributeError):  # no engine: the spider's decisions run on their own (tests)
        return []
    robots = next((m for m in middlewares if isinstance(m, RobotsTxtMiddleware)), None)
    parser = robots._parsers.get(urlsplit(page_url).netloc) if robots else None
    rules = getattr(parser, "rp", None)  # a Deferred while robots.txt is still being fetched
    return [urljoin(page_url, url) for url in getattr(rules, "sitemaps", ())]


def guessed_sitemap(page_url: str) -> str:
    return urljoin(page_url, "/sitemap.xml")


def read_sitemap(body: bytes, url: str) -> SitemapFindings:
    """The child sitemaps and scored page URLs of a sitemap body (nothing for anything else: a 404
    page, an HTML soft-404, broken XML)."""
    try:
        sitemap = Sitemap(body)
        entries = [entry["loc"] for entry in sitemap if entry.get("loc")]
    except (etree.LxmlError, StopIteration, ValueError):  # an empty or broken body: only a way in
        return SitemapFindings()
    located = [urljoin(url, loc.strip()) for loc in entries]
    if sitemap.type == "sitemapindex":
        return SitemapFindings(sitemaps=tuple(located))
    return SitemapFindings(pages=tuple((loc, score_sitemap_url(loc)) for loc in located))


def score_sitemap_url(url: str) -> int:
    role = classify_link(PageLink(url, "", ""), url)
    return _URL_SCORES.get(role, _PLAIN_URL_SCORE)
