"""Hanweb's annual-report module: module/xxgk/xxgkAnnualReport.jsp?area=<org code>&fbtime=<year>.

Each (area, year) URL is one agency's report for one year. Pages reach it by links, jump-menu
options or script strings; a report page of the module offers the other years of its area in a
year menu (<select> of bare years), which gives that area's other reports.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from crawler.list_forms.model import DOCUMENT, ListFindings, ListRequest
from crawler.list_forms.page import ListPage
from crawler.list_forms.registry import page_reader

FORM = "hanweb_annual_report"

# The module's path is found by its literal name, then widened over URL characters on either side
# by linear scans: a pattern with an unbounded run before the literal backtracks quadratically over
# a long run of word characters (a 100,000-character menu froze the reactor for 108 s).
_MODULE = re.compile(r"xxgkAnnualReport\.jsp\?", re.IGNORECASE)
# What every match of _MODULE ends with. Searched for first: a case-blind pattern that starts with
# a letter is tried at every character (260 µs on a 35 KB report page, on every page of every
# crawl), one that starts with "." is found by a scan for the "." (10 µs).
_JSP = re.compile(r"\.jsp\?", re.IGNORECASE)
_QUERY = re.compile(r"[^\s'\"<>]*")
_URL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:-")
_MAX_PREFIX = 2048  # characters of a URL before the module's name (Scrapy's URLLENGTH_LIMIT is 2083)
_YEAR = re.compile(r"(?:19|20)\d{2}")


@page_reader(FORM)
def read_annual_reports(page: ListPage) -> ListFindings:
    urls = [urljoin(page.url, found.replace("&amp;", "&")) for found in module_urls(page.html)]
    urls = [url for url in urls if _has_area_and_year(url)]
    urls += _year_menu_urls(page.root, page.url)
    requests = tuple(dict.fromkeys(ListRequest(url, DOCUMENT, base_url=page.url, form=FORM)
                                   for url in dict.fromkeys(urls) if url != page.url))
    return ListFindings(requests=requests, forms=(FORM,) if requests else ())


def module_urls(html: str) -> list[str]:
    """Every xxgkAnnualReport.jsp?… URL written in the page, in linear time."""
    found: list[str] = []
    if _JSP.search(html) is None:
        return found
    floor = 0  # a prefix never reaches back into the previous URL
    for match in _MODULE.finditer(html):
        if match.start() < floor:  # inside the query of the URL just found
            continue
        start = match.start()
        while start > max(floor, match.start() - _MAX_PREFIX) and (
                html[start - 1] in _URL_CHARS or html[start - 1].isalnum()):
            start -= 1
        end = _QUERY.match(html, match.end()).end()
        found.append(html[start:end])
        floor = end
    return found


def _has_area_and_year(url: str) -> bool:
    query = dict(parse_qsl(urlsplit(url).query))
    return bool(query.get("area")) and bool(_YEAR.fullmatch(query.get("fbtime", "")))


def _year_menu_urls(root: etree._Element, page_url: str) -> list[str]:
    """On a module page, the same area for every year its year menu offers."""
    if not _has_area_and_year(page_url) or "xxgkannualreport.jsp" not in page_url.lower():
        return []
    years = [option.get("value") or (option.text or "").strip() for option in root.iter("option")]
    parts = urlsplit(page_url)
    query = dict(parse_qsl(parts.query))
    return [urlunsplit(parts._replace(query=urlencode({**query, "fbtime": year})))
            for year in dict.fromkeys(years) if year and _YEAR.fullmatch(year.strip())]
