"""What a document is and what it is called: whether it is an annual report, its title, the
agency and data year its title names (format-spec §10.3). Decided by title and body, never by
column; the crawler (which links to follow, which pages to record) and the parser (`not_a_report`,
title, agency, year) both ask this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from lxml import etree

from archive.normalize import CJK, compact, normalize_label
from archive.text_stylesheets import text_stylesheet

# Documents a report may be published as, or attached to its page as.
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd")
_ATTACHMENT_PATH = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")$", re.IGNORECASE)

# The report phrase every title ends with: 政府信息公开工作年度报告, 信息公开年报, 政务信息公开年度报告.
_TAIL = r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?"

# The strict form, for the crawler (after normalize_label: ASCII parentheses, no whitespace). The
# title must END with the report phrase (plus an optional version suffix such as (图片版)), which
# keeps out notices *about* reports: 关于做好2023年政府信息公开工作年度报告编制工作的通知.
_REPORT_TITLE = re.compile(
    r"^(?P<pre>.*?)(?:(?P<year>(?:19|20)\d{2})年度?)?(?P<mid>.*?)"
    rf"{_TAIL}(?:年度报告|年报|报告)"
    r"(?P<suf>\([^()]*\))?$"
)
# Pages about a report rather than the report: notices, letters, interpretations, infographics.
_NOT_A_REPORT = re.compile(
    r"^关于|通知$|的函$|意见$|要点|办法$|方案$|制度$|目录$|指南$|解读|图解|一图|图说|问答|发布会")
# Other yearly documents of the same governments, often filed beside the reports and titled like
# them: the rule-of-law report, statistical communiqués, budget and final-account disclosures, the
# government work report, year-end summaries and work plans (政务公开工作要点).
_OTHER_DOCUMENT = re.compile(
    r"法治政府建设|法治建设|依法行政|统计公报|(?:预|决|预决)算(?:信息)?公开|政府工作报告|工作总结|总结$|"
    r"工作要点|述职|述法")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
# Words a report body uses (section headings and table labels, any generation of the format).
_BODY_MARKERS = ("主动公开", "依申请", "行政复议", "行政诉讼", "申请", "存在的主要问题", "改进")

# The tolerant forms, for a title read from a parsed document (compact text): with or without a
# year, and scrambled or shortened ones ("…2023年政府信息公开工作告年度报", "…政府信息公开工作报告").
_TITLE = re.compile(
    rf"^(?P<pre>.*?)(?P<year>(?:19|20)\d{{2}})年度?(?P<mid>.*?){_TAIL}(?:年度报告|年报)(?P<suf>\(.*?\))?$")
_TITLE_NO_YEAR = re.compile(rf"^(?P<pre>.+?){_TAIL}(?:年度报告|年报)(?P<suf>\(.*?\))?$")
_TITLE_LOOSE = re.compile(r"^(?P<pre>.*?)(?P<year>(?:19|20)\d{2})年度?(?P<mid>.*?)(?:政府|政务)?信息公开.{0,8}报")
_REPORTISH = re.compile(r"信息公开.{0,10}(?:报告|年报|年度报)")
_AGENCY_RUN = re.compile(rf"[{CJK}()]+$")

# "report title - site name" in <title>: the parts a template joins.
_TITLE_SEPARATORS = re.compile(r"\s*(?:[-_|｜—–]+|——)\s*")
_TITLE_CHARS = 120
# The longest text the tolerant forms try (a title with its site words and a version suffix).
_TOLERANT_TITLE_CHARS = 300


def match_report_title(title: str | None) -> re.Match | None:
    """The §10.3 title match on the normalized title, or None when it is not a report title."""
    if not title:
        return None
    label = normalize_label(title)
    if len(label) > 120 or _NOT_A_REPORT.search(label) or _OTHER_DOCUMENT.search(label):
        return None
    return _REPORT_TITLE.match(label)


def names_another_document(title: str | None) -> bool:
    """A title of another yearly document (法治政府建设年度报告, 统计公报, 预决算公开, 政府工作报告,
    工作总结, 工作要点): never a disclosure report, whatever the link to it said."""
    return bool(title) and bool(_OTHER_DOCUMENT.search(normalize_label(title)))


def is_named_report(title: str | None) -> bool:
    """A report title that names a year or an agency (a bare column name such as 政府信息公开年报 does not)."""
    match = match_report_title(title)
    return bool(match and (match.group("year") or match.group("pre") or match.group("mid")))


def year_in_title(title: str | None) -> int | None:
    """The data year named in a report title (the first 19xx/20xx followed by 年)."""
    if not title:
        return None
    found = _YEAR.search(normalize_label(title))
    return int(found.group(1)) if found else None


def body_looks_like_report(text: str) -> bool:
    """At least three of the report vocabulary markers: a page saying only the title is not a report."""
    # Normalizing leaves a simplified marker as it is, so markers already in the raw text are
    # markers of its label too: most reports answer without normalizing 200,000 characters.
    if sum(marker in text[:200_000] for marker in _BODY_MARKERS) >= 3:
        return True
    label = normalize_label(text[:200_000])
    return sum(marker in label for marker in _BODY_MARKERS) >= 3


def is_attachment_url(url: str) -> bool:
    """A link to a document file (PDF, Word, WPS, Excel, OFD) by its path's extension."""
    return bool(_ATTACHMENT_PATH.search(urlsplit(url).path))


def shown_document(source: str, base_url: str = "") -> str | None:
    """The document an <iframe>/<embed>/<object> shows: a PDF itself, or the `file=` of a PDF.js
    viewer (viewer.html?file=/upload/report.pdf); None when it shows something else."""
    url = urljoin(base_url, source.strip())
    shown = parse_qs(urlsplit(url).query).get("file")
    if shown:
        url = urljoin(url, unquote(shown[0]))
    return url if is_attachment_url(url) else None


def is_report_title(title: str | None) -> bool:
    """The tolerant test: the title speaks of a disclosure report at all (scrambled, shortened, or
    with site words around it); a parsed document whose title fails it is `not_a_report`."""
    return bool(title) and bool(_REPORTISH.search(compact(title)))


def _tolerant_match(title: str) -> re.Match[str] | None:
    title = compact(title)
    if len(title) > _TOLERANT_TITLE_CHARS:  # not a title; and the lazy runs are quadratic in it
        return None
    return _TITLE.match(title) or _TITLE_NO_YEAR.match(title) or _TITLE_LOOSE.match(title)


def title_names_report(title: str | None) -> bool:
    """A title in one of the tolerant report forms (what a wrapped title line must join into)."""
    return bool(title) and _tolerant_match(title) is not None


def title_year(title: str | None) -> int | None:
    """The data year of a title in a tolerant report form (None for any other title)."""
    return year_in_title(title) if title_names_report(title) else None


def title_agency(title: str | None) -> str | None:
    """The agency a report title names before or around its year (洪泽区人民政府…2023年…年度报告)."""
    match = _tolerant_match(title) if title else None
    if not match:
        return None
    groups = match.groupdict()
    for part in (groups.get("pre"), groups.get("mid")):
        # Spam mirrors prefix names with junk ("uedbet体育_uedbet官网@:西柳镇…"): keep the trailing
        # run of Chinese characters, which is the agency name.
        run = _AGENCY_RUN.search(part or "")
        if run and len(run.group()) >= 2:
            # "…区人民政府信息公开…": the report phrase's optional 政府 took the agency's.
            return run.group() + "政府" if run.group().endswith("人民") else run.group()
    return None


def title_tag_parts(text: str) -> list[str]:
    """The parts of a <title> such as "report title - site name" (TRS, Hanweb and others join them)."""
    return [part for part in _TITLE_SEPARATORS.split(text) if part.strip()]


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


# The candidates' elements in document order, chosen in C (a Python test of every div, p, td and
# span cost more than the rest of the page's classification). Classed elements are found from their
# class and id attributes: a predicate on every element (`*[@class or @id]`) cost libxml2 0.5 µs an
# element, 0.32 ms of a report page that parses in 0.9 ms; the attribute axis costs a fifth of
# that. Only ASCII letters lower-case to "title", so translate() is str.lower() here.
_CLASSED = "contains(translate(., 'TILE', 'tile'), 'title')"
_TITLE_ELEMENTS = etree.XPath(
    " | ".join(f"descendant-or-self::{tag}" for tag in ("meta", "h1", "h2", "h3", "title"))
    + f" | (descendant-or-self::*/@class | descendant-or-self::*/@id)[{_CLASSED}]"
    "/parent::*[self::div or self::p or self::td or self::span]")
_STRING = etree.XPath("string()")  # an element's text_content()


def title_candidates(root: etree._Element) -> list[str]:
    """Possible document titles of a page, most specific first: ArticleTitle meta, h1-h3, <title>
    and its parts, then elements whose class or id says title."""
    metas: list[str] = []
    found: list[str] = []
    classed: list[str] = []
    for element in _TITLE_ELEMENTS(root):
        tag = element.tag
        if tag == "meta":
            if (element.get("name") or "").lower() in ("articletitle", "title", "og:title"):
                metas.append(_clean(element.get("content")))
        elif tag in ("div", "p", "td", "span"):
            # Many CMS templates print the title in <div class="title">, not in a heading.
            text = _clean(_STRING(element))
            if len(text) <= _TITLE_CHARS:
                classed.append(text)
        else:
            text = _clean(_STRING(element))
            found.append(text)
            if tag == "title":
                found.extend(title_tag_parts(text))
    return [t for t in dict.fromkeys(metas + found + classed) if t]


def report_title(candidates: list[str], link_label: str | None = None) -> str | None:
    """The first candidate that is the title of an annual report; the text of the link that led
    to the page counts last (a template that prints its title nowhere recognisable)."""
    found = next((t for t in candidates if is_named_report(t)), None)
    if found or not is_named_report(link_label):
        return found
    # A page that calls itself another document (法治政府建设年度报告…) was linked under a mislabel.
    return None if any(names_another_document(t) for t in candidates) else link_label


def is_report(title: str | None, body_text: str, has_attachment: bool) -> bool:
    """A page is a report when its title names one and its body reads like one, or it links the
    attachment that holds it (the HTML stub + PDF form: 全文见附件)."""
    return bool(title) and (has_attachment or body_looks_like_report(body_text))


# Elements whose text is not what the page says: scripts, styles, link texts, menus of options.
_SKIP_TEXT_TAGS = {"script", "style", "noscript", "template", "a", "select", "option"}


# What body_text reads, in libxslt: a walk in Python took a tenth of the crawl's reactor thread.
_BODY_TEXT = text_stylesheet(f'<xsl:template match="{"|".join(sorted(_SKIP_TEXT_TAGS))}"/>')


def body_text(root: etree._Element) -> str:
    """Visible text outside links, scripts and menus: what a report page says, not what it links to."""
    body = next(root.iter("body"), root)
    try:
        text = str(_BODY_TEXT(body))
    except etree.XSLTApplyError:  # libxslt's nesting limit
        return walked_body_text(body)
    return " ".join((text + (body.tail or "")).split())


def walked_body_text(body: etree._Element) -> str:
    """`body_text` in one iterative walk, for a page nested deeper than libxslt goes (or the stack)."""
    parts: list[str] = []
    skipping = 0  # depth inside elements whose text is not the page's
    for event, element in etree.iterwalk(body, events=("start", "end", "comment", "pi")):
        if event in ("comment", "pi"):
            if not skipping and element.tail:
                parts.append(element.tail)
            continue
        skipped = isinstance(element.tag, str) and element.tag.lower() in _SKIP_TEXT_TAGS
        if event == "start":
            if skipped:
                skipping += 1
            elif not skipping and element.text:
                parts.append(element.text)
            continue
        skipping -= skipped
        if not skipping and element.tail:
            parts.append(element.tail)
    return " ".join("".join(parts).split())


def is_report_page(root: etree._Element, attachment_urls: Iterable[str] = (),
                   link_label: str | None = None) -> tuple[bool, str | None]:
    """(is a report, its title) of a parsed page: a report title, and a body that reads like a
    report or an attachment that holds it (the HTML stub + PDF form: 全文见附件)."""
    title = report_title(title_candidates(root), link_label)
    if not title:
        return False, None
    has_attachment = any(is_attachment_url(url) for url in attachment_urls)
    return is_report(title, body_text(root), has_attachment), title
