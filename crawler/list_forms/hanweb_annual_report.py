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

_MODULE = re.compile(r"[\w./:-]*xxgkAnnualReport\.jsp\?[^\s'\"<>]*", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d{2}")


@page_reader(FORM)
def read_annual_reports(page: ListPage) -> ListFindings:
    urls = [urljoin(page.url, found.replace("&amp;", "&")) for found in _MODULE.findall(page.html)]
    urls = [url for url in urls if _has_area_and_year(url)]
    urls += _year_menu_urls(page.root, page.url)
    requests = tuple(dict.fromkeys(ListRequest(url, DOCUMENT, base_url=page.url, form=FORM)
                                   for url in dict.fromkeys(urls) if url != page.url))
    return ListFindings(requests=requests, forms=(FORM,) if requests else ())


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
