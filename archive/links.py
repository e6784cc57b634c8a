"""The links of a portal page, read from its parsed tree once: <a href>, links opened by script,
image links named by their alt text, documents shown in <iframe>/<embed>/<object>, and where on the
page each link sits (menu, breadcrumb, sidebar, list, footer). Pure lxml: the crawler reads its
pages with it, and so does the import of other tools' captures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from archive.classify import shown_document

# Lists that open their items by script: onclick="window.open('./t2024_1.html')",
# "location.href='…'", or href="javascript:window.open('…')".
_ONCLICK_URL = re.compile(r"(?:window\.open|location(?:\.href)?\s*=|location\.assign)\s*(?:\(\s*)?['\"]([^'\"]+)['\"]")


class LinkPlace(StrEnum):
    """Where a link sits on its page, read from its ancestors' class and id."""

    MENU = "menu"
    CRUMB = "crumb"
    SIDE = "side"
    LIST = "list"
    FOOTER = "footer"
    BODY = "body"


# Template class/id words, most specific first (a footer inside a "main" block is still a footer).
_PLACE_WORDS = (
    (LinkPlace.FOOTER, ("foot", "copyright", "bottom", "btm")),
    (LinkPlace.CRUMB, ("crumb", "position", "location", "dqwz", "curr", "path")),
    (LinkPlace.MENU, ("nav", "menu", "header", "top")),
    (LinkPlace.SIDE, ("side", "left", "right", "aside", "tree")),
    (LinkPlace.LIST, ("list", "item", "news")),
)


@dataclass(frozen=True)
class PageLink:
    url: str
    text: str
    title: str
    place: LinkPlace = LinkPlace.BODY

    @property
    def label(self) -> str:
        """The fuller of link text and title attribute (TRS lists truncate the text, not the title)."""
        cut = self.text.rstrip("…. ")
        if self.title and (len(self.title) > len(self.text) or (cut != self.text and self.title.startswith(cut))):
            return self.title
        return self.text


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


# The elements that can link, chosen in C: a proxy made for every table cell to look for an onclick
# was most of the time page_links took (2.7 -> 0.8 ms on a report page of 600 elements). Onclick
# elements are found from their attributes: a predicate on every element costs libxml2 0.5 µs each.
_LINKING = etree.XPath("descendant-or-self::a[@href or @onclick] | descendant-or-self::*/@onclick/parent::*"
                       "[self::li or self::div or self::td or self::span or self::tr or self::p or self::dd]")


def page_links(root: etree._Element, base_url: str) -> list[PageLink]:
    """Every followable link of the page, absolute, without fragments, first occurrence kept:
    <a href>, and elements whose onclick opens a page (window.open('…'), location.href='…')."""
    seen: set[str] = set()
    links: list[PageLink] = []
    base = next((b.get("href") for b in root.iter("base") if b.get("href")), None)
    if base:  # <base href> (some CMS templates) changes what relative links resolve against
        base_url = urljoin(base_url, base.strip())
    for element in _LINKING(root):
        href = (element.get("href") or "").strip() if element.tag == "a" else ""
        if not href or href.startswith("javascript:"):
            opened = _ONCLICK_URL.search(element.get("onclick") or href)
            href = opened.group(1) if opened else ""
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        links.append(PageLink(url, _link_text(element), _clean(element.get("title")), link_place(element)))
    for url in _embedded_documents(root, base_url):
        if url not in seen:
            seen.add(url)
            links.append(PageLink(url, "", ""))
    return links


def link_place(element: etree._Element) -> LinkPlace:
    """The template block the element sits in (footer, breadcrumb, menu, sidebar, list), else body."""
    for ancestor in element.iterancestors():
        if not isinstance(ancestor.tag, str):
            continue
        if ancestor.tag in ("footer", "nav", "aside"):
            return {"footer": LinkPlace.FOOTER, "nav": LinkPlace.MENU, "aside": LinkPlace.SIDE}[ancestor.tag]
        words = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if words.strip():
            for place, markers in _PLACE_WORDS:
                if any(marker in words for marker in markers):
                    return place
    return LinkPlace.BODY


def _embedded_documents(root: etree._Element, base_url: str) -> list[str]:
    """Documents shown inside the page by <iframe>, <embed> or <object> (a PDF, or a PDF.js viewer)."""
    sources = (e.get("src") or e.get("data") or "" for e in root.iter("iframe", "embed", "object"))
    shown = (shown_document(source, base_url) for source in sources if source.strip())
    return [urldefrag(url)[0] for url in shown if url]


def _link_text(element: etree._Element) -> str:
    """The link's text, or the alt text of its image (menus drawn as pictures: 政府信息公开)."""
    text = _clean(element.text_content())
    if text:
        return text
    return next((_clean(img.get("alt")) for img in element.iter("img") if img.get("alt")), "")
