"""Split a report's normalized text into its six sections (format-spec §2, boundary rule).

A heading is "[一-六]、" at a line start (or after whitespace/"。" in texts whose line breaks were
collapsed) followed by a short heading whose words name one of the six sections. The section is
chosen by those words, not by the printed numeral (old-style reports number differently, seed 003);
the printed numeral only breaks ties ("二、…主动公开、依申请公开等基本情况" is section 二). Sections only
move forward: a later heading for an earlier or the same section (tables captioned
"一、主动公开政府信息情况" inside section 五, numbering restarting in a PDF conversion) stays inside
the current section.
"""

from __future__ import annotations

import re

SECTION_KEYS = ("一", "二", "三", "四", "五", "六")
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "一": ("总体情况", "基本情况", "概况", "概述"),
    "二": ("主动公开",),
    "三": ("收到和处理", "依申请"),
    "四": ("行政复议", "行政诉讼"),
    "五": ("问题",),
    "六": ("其他", "其它"),
}
# The heading stops at whitespace, "。" or a table cell separator; table rows such as
# "一、本年新收政府信息公开申请数量 21 0 …" never carry the section words.
# Written to start with the numeral and look behind it (at a line's start, after whitespace or "。"),
# so the search skips ahead to numerals instead of testing a lookbehind at every character.
_HEADING = re.compile(r"(?P<num>[一二三四五六])(?<![^\s。][一二三四五六])、(?P<head>[^\s。|]{2,40})")


def _section_key(numeral: str, head: str) -> str | None:
    matching = [key for key, words in _KEYWORDS.items() if any(word in head for word in words)]
    if not matching:
        return None
    return numeral if numeral in matching else matching[0]


def section_headings(text: str) -> list[tuple[int, str]]:
    """(offset, section key) of each accepted heading, in text order."""
    accepted: list[tuple[int, str]] = []
    for match in _HEADING.finditer(text):
        line_end = text.find("\n", match.end())
        if "|" in text[match.end():line_end if line_end >= 0 else len(text)]:
            continue  # a table row whose first cell reads like a heading
        key = _section_key(match["num"], match["head"])
        if key and (not accepted or SECTION_KEYS.index(key) > SECTION_KEYS.index(accepted[-1][1])):
            accepted.append((match.start(), key))
    return accepted


def split_sections(text: str) -> dict[str, str]:
    """{"intro": text before 一, "一".."六": section text with its heading line}; absent sections omitted."""
    headings = section_headings(text)
    if not headings:
        return {"intro": text.strip()} if text.strip() else {}
    sections = {"intro": text[:headings[0][0]].strip()}
    bounds = [offset for offset, _ in headings] + [len(text)]
    for (offset, key), end in zip(headings, bounds[1:]):
        sections[key] = text[offset:end].strip()
    return {key: value for key, value in sections.items() if value}
