"""The article of a report page: the content container of the portal's CMS, not its menus.

A portal page wraps the report in the site's chrome: header menu, breadcrumb (当前位置), side columns,
footer (网站地图, ICP备案). The chrome is mostly links, or holds the breadcrumb; the report is mostly
text. The article is the shallowest container free of chrome (no breadcrumb, at most `LINK_SHARE`
link text) that still holds `ARTICLE_SHARE` of the page's text outside links and every report table,
so the menus, the breadcrumb and the footer fall outside it whatever the CMS names its divs, and the
title, the metadata header and the intro stay in.

Measured on the 74 report pages of the demo and fixture portals (README "Report text"): trafilatura
drops or reorders table cells on 46 pages; readability-lxml keeps the cells but leaves menu text on 6
pages and loses sections on 6; this container keeps every cell and section and no menu text. The
whole page stays archived (snapshots.body); only `reports.text`, the sections and the search index
use the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from archive.text_stylesheets import text_stylesheet

ARTICLE_SHARE = 0.5  # of the page's non-link text the article must hold
LINK_SHARE = 0.3  # of a container's text that may be link text (menus and lists are mostly links)
_BREADCRUMB = re.compile(r"当前位置|您的位置|您现在的位置|所在位置|當前位置")
_CELLS = frozenset({"td", "tr", "tbody", "table"})
_SKIP = frozenset({"script", "style", "noscript", "template", "title", "head", "select", "option", "svg"})
_SKIP_TAGS = tuple(sorted(_SKIP))
# A table of the report (format-spec §11), as opposed to the page's layout or metadata tables.
_REPORT_TABLE = re.compile(r"第二十[条條]第|本年新收|申请人情况|申請人情況|结果维持|結果維持|指标名称|指標名稱|统计指标")
_CONTAINERS = frozenset({"div", "article", "section", "main", "td", "body", "form", "center", "table", "tbody",
                         "tr"})


_STRING = etree.XPath("string()")


def _tag(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


@dataclass
class _Size:
    text: int = 0  # characters outside links
    links: int = 0  # characters inside links
    breadcrumb: bool = False  # holds the 当前位置 trail


def _measure(element: etree._Element, sizes: dict[etree._Element, _Size], in_link: bool = False) -> _Size:
    """Text inside and outside links under `element`, recorded per container: the Python walk that
    `_candidate_sizes` reads in C (and falls back to)."""
    tag = _tag(element)
    size = _Size()
    if tag in _SKIP or not tag:
        return size
    in_link = in_link or tag == "a"
    own = len((element.text or "").strip())
    size.links, size.text = (own, 0) if in_link else (0, own)
    size.breadcrumb = bool(element.text and _BREADCRUMB.search(element.text))
    for child in element:
        child_size = _measure(child, sizes, in_link)
        tail = len((child.tail or "").strip())
        size.text += child_size.text + (0 if in_link else tail)
        size.links += child_size.links + (tail if in_link else 0)
        size.breadcrumb = size.breadcrumb or child_size.breadcrumb or bool(child.tail and _BREADCRUMB.search(child.tail))
    if tag in _CONTAINERS:
        sizes[element] = size
    return size


def _clean(size: _Size) -> bool:
    """No breadcrumb and not made of links: no part of the site's chrome."""
    return not size.breadcrumb and size.links <= LINK_SHARE * (size.text + size.links)


# Element sizes in libxslt (C) rather than a Python walk: each text node outside skipped elements
# is printed and ended by a mark, links and candidate containers are wrapped in marks. The marks are
# Unicode noncharacters (for internal use only); on a page that prints one, each is printed as
# U+FFFD, which counts the same (one character, not whitespace, no breadcrumb). Other pages' text
# nodes are copied as they are: translating every node costs twice the rest of the stylesheet.
_CANDIDATES = ("article", "center", "div", "form", "main", "section")
_TEXT_END, _LINK, _LINK_END, _OPEN, _CLOSE = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3", "\ufdd4"
_MARKS = "".join((_TEXT_END, _LINK, _LINK_END, _OPEN, _CLOSE))
_PRINTED_MARKS = "\ufffd" * len(_MARKS)
_MARKED = re.compile(f"[{_MARKS}]")


def _measure_stylesheet(text_node: str) -> etree.XSLT:
    return text_stylesheet(
        f'<xsl:template match="{"|".join(sorted(_SKIP))}"/>'
        f'<xsl:template match="text()">{text_node}{_TEXT_END}</xsl:template>'
        f'<xsl:template match="a">{_LINK}<xsl:apply-templates/>{_LINK_END}</xsl:template>'
        f'<xsl:template match="{"|".join(_CANDIDATES)}">{_OPEN}<xsl:apply-templates/>{_CLOSE}</xsl:template>')


_MEASURE = _measure_stylesheet("<xsl:copy/>")
_MEASURE_MARKED = _measure_stylesheet(f"<xsl:value-of select=\"translate(., '{_MARKS}', '{_PRINTED_MARKS}')\"/>")
_PIECES = re.compile(f"([{_LINK}{_LINK_END}{_OPEN}{_CLOSE}])")


def _candidate_sizes(root: etree._Element) -> tuple[int, list[tuple[etree._Element, _Size]]]:
    """(the page's text outside links, the size of every candidate container in post-order)."""
    try:
        marks = _MARKED.search(etree.tostring(root, method="text", encoding=str)) is not None
        marked = str((_MEASURE_MARKED if marks else _MEASURE)(root))
    except etree.XSLTApplyError:  # libxslt's nesting limit: the Python walk has none
        sizes: dict[etree._Element, _Size] = {}
        total = _measure(root, sizes).text
        return total, [(e, size) for e, size in sizes.items() if _tag(e) in _CANDIDATES]
    elements = [e for e in root.iter(_CANDIDATES) if next(e.iterancestors(_SKIP_TAGS), None) is None]
    opened: list[tuple[etree._Element, int, int, int]] = []
    closed: list[tuple[etree._Element, _Size]] = []
    text = links = crumbs = depth = 0
    reached = iter(elements)
    for piece in _PIECES.split(marked):
        if piece == _LINK:
            depth += 1
        elif piece == _LINK_END:
            depth -= 1
        elif piece == _OPEN:
            opened.append((next(reached), text, links, crumbs))
        elif piece == _CLOSE:
            element, text0, links0, crumbs0 = opened.pop()
            closed.append((element, _Size(text - text0, links - links0, crumbs > crumbs0)))
        elif piece:
            chars = sum(len(node.strip()) for node in piece.split(_TEXT_END))  # as the walk counts
            text, links = (text, links + chars) if depth else (text + chars, links)
            crumbs += _BREADCRUMB.search(piece) is not None
    return text, closed


def article_element(root: etree._Element) -> etree._Element | None:
    """The shallowest chrome-free container holding ARTICLE_SHARE of the page's non-link text and
    every report table; None when the whole page is the report (no chrome found)."""
    total, sizes = _candidate_sizes(root)
    if total == 0:
        return None
    tables = {t for t in root.iter("table") if _REPORT_TABLE.search(_STRING(t))}
    candidates = [e for e, size in sizes if size.text >= ARTICLE_SHARE * total and _clean(size)]
    if not candidates:
        return None
    best = min(candidates, key=_depth)
    return best if tables <= set(best.iter("table")) else None


def _depth(element: etree._Element) -> int:
    return sum(1 for _ in element.iterancestors())
