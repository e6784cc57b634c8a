"""Is this document an annual report? Decided by title and body (format-spec §10.3), never by column."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from archive.normalize import normalize_label

# Documents a report may be published as, or attached to its page as.
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd")
_ATTACHMENT_PATH = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")$", re.IGNORECASE)

# After normalize_label (ASCII parentheses, no whitespace). The title must END with the report
# phrase (plus an optional version suffix such as (图片版)), which keeps out notices *about*
# reports: 关于做好2023年政府信息公开工作年度报告编制工作的通知.
_REPORT_TITLE = re.compile(
    r"^(?P<pre>.*?)(?:(?P<year>(?:19|20)\d{2})年度?)?(?P<mid>.*?)"
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:年度报告|年报|报告)"
    r"(?P<suf>\([^()]*\))?$"
)
# Pages about a report rather than the report: notices, letters, interpretations, infographics.
_NOT_A_REPORT = re.compile(
    r"^关于|通知$|的函$|意见$|要点|办法$|方案$|制度$|目录$|指南$|解读|图解|一图|图说|问答|发布会")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
# Words a report body uses (section headings and table labels, any generation of the format).
_BODY_MARKERS = ("主动公开", "依申请", "行政复议", "行政诉讼", "申请", "存在的主要问题", "改进")


def match_report_title(title: str | None) -> re.Match | None:
    """The §10.3 title match on the normalized title, or None when it is not a report title."""
    if not title:
        return None
    label = normalize_label(title)
    if len(label) > 120 or _NOT_A_REPORT.search(label):
        return None
    return _REPORT_TITLE.match(label)


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
