"""Patterns run on page text are linear in it: each rewritten one finds what the backtracking one found."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archive import classify, links, normalize
from archive.parsing import metadata
from archive.readers import spans
from crawler.list_forms import json_api
from crawler.list_forms.hanweb_annual_report import module_urls

# The patterns as they were, quadratic or exponential on long runs: the references on short inputs.
OLD_MODULE = re.compile(r"[\w./:-]*xxgkAnnualReport\.jsp\?[^\s'\"<>]*", re.IGNORECASE)
OLD_ONCLICK = re.compile(r"(?:window\.open|location(?:\.href)?\s*=|location\.assign)\s*\(?\s*['\"]([^'\"]+)['\"]")
OLD_INLINE = re.compile(rf"\s+(?={metadata._LABEL_ALT}\s*:)")
OLD_SPACE_NEAR_CJK = re.compile(rf"(?<=[{normalize.CJK}\d(),:])\s+|\s+(?=[{normalize.CJK}(),:])")
OLD_WRAP = re.compile(rf"(?<=[{spans.CJK_WIDE}])\s*\n\s*(?=[{spans.CJK_WIDE}])")


def _texts(*pieces: str) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_texts("a", "/", "中", ".", "_", "é", " ", "'", "<li>", "&amp;", "xxgkAnnualReport.jsp?",
              "XXGKANNUALREPORT.JSP?", "?area=1&fbtime=2020", "http://h:8/"))
def test_module_urls_are_the_old_pattern_findall(text: str) -> None:
    assert module_urls(text) == OLD_MODULE.findall(text)


@settings(max_examples=300, deadline=None)
@given(_texts("window.open", "location", ".href", "=", "location.assign", "(", " ", "'", '"', "./a.html"))
def test_onclick_finds_what_it_found(text: str) -> None:
    old, new = OLD_ONCLICK.search(text), links._ONCLICK_URL.search(text)
    assert (old and old.group(1)) == (new and new.group(1))


@settings(max_examples=300, deadline=None)
@given(_texts(" ", "\n", "\u3000", "索引号", "索 引 号", ":", "发布日期", "中", "a", "1", "(", ","))
def test_whitespace_runs_split_and_join_as_before(text: str) -> None:
    assert metadata._INLINE_LABEL.split(text) == OLD_INLINE.split(text)
    collapsed = re.sub(r"\s+", " ", text).strip()  # what compact applies it to
    assert normalize.compact(text) == OLD_SPACE_NEAR_CJK.sub("", collapsed)
    assert spans._WRAP_CJK.sub("", text) == OLD_WRAP.sub("", text)


def test_a_run_of_backslashes_in_a_script_string_is_read_once() -> None:
    assert json_api._STRING.match('"a\\\\"b').group(2) == "a\\\\"
    assert json_api._STRING.match('"' + "\\" * 5000) is None
    assert json_api._STRING.match("'x\\'y'").group(2) == "x\\'y"


def _old_body_text(root) -> str:
    """classify.body_text as it was: recursive (a RecursionError past ~1,000 nested elements)."""
    parts: list[str] = []

    def walk(element) -> None:
        if isinstance(element.tag, str) and element.tag.lower() in classify._SKIP_TEXT_TAGS:
            if element.tail:
                parts.append(element.tail)
            return
        if element.text and isinstance(element.tag, str):
            parts.append(element.text)
        for child in element:
            walk(child)
        if element.tail:
            parts.append(element.tail)

    walk(next(root.iter("body"), root))
    return " ".join("".join(parts).split())


@settings(max_examples=300, deadline=None)
@given(_texts("<div>", "</div>", "<a href=x>", "</a>", "<script>", "</script>", "<!-- c -->", "<p>", "</p>", "t1",
              " t2 ", "<nav>", "</nav>", "<ul><li>", "</li></ul>", "<br>", "<select><option>o", "</select>"))
def test_body_text_reads_what_it_read(fragment: str) -> None:
    from parsel import Selector

    root = Selector(text=f"<html><body>{fragment}</body></html>").root
    assert classify.body_text(root) == _old_body_text(root)
    assert classify.walked_body_text(root.find("body")) == _old_body_text(root)


def test_body_text_of_a_page_nested_deeper_than_the_stack() -> None:
    from parsel import Selector

    root = Selector(text="<html><body>" + "<div>" * 1500 + "主动公开" + "</div>" * 1500 + "</body></html>").root
    assert classify.body_text(root) == "主动公开"


def test_body_text_of_a_tree_nested_past_libxslts_limit() -> None:
    from lxml import etree

    root = etree.Element("html")  # built, not parsed: the HTML parser keeps 2,048 levels at most
    element = etree.SubElement(root, "body")
    for _ in range(6000):  # libxslt stops at 3,000 nested templates
        element = etree.SubElement(element, "div")
    element.text, element.tail = "主动公开", "尾"
    assert classify.body_text(root) == "主动公开尾"
