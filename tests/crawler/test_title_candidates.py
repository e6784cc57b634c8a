"""A page's title candidates, chosen by one XPath, are those the walk over its elements chose."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from parsel import Selector

from archive import classify


def _walked_candidates(root) -> list[str]:
    """classify.title_candidates as it was: a Python test of every element."""
    found: list[str] = []
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() in ("articletitle", "title", "og:title"):
            found.append(classify._clean(meta.get("content")))
    classed: list[str] = []
    for element in root.iter("h1", "h2", "h3", "title", "div", "p", "td", "span"):
        if element.tag in ("div", "p", "td", "span"):
            if "title" in (element.get("class") or "").lower() or "title" in (element.get("id") or "").lower():
                text = classify._clean(element.text_content())
                if len(text) <= classify._TITLE_CHARS:
                    classed.append(text)
            continue
        text = classify._clean(element.text_content())
        found.append(text)
        if element.tag == "title":
            found.extend(classify.title_tag_parts(text))
    return [t for t in dict.fromkeys(found + classed) if t]


NAMES = st.sampled_from(["", "Title", "TITLE", "subtitle", "ti tle", "news-title", "tİtle", "x", "ArticleTitle",
                         "og:title", "TiTlE"])
TEXTS = st.sampled_from(["", "2019年政府信息公开工作年度报告", "平潭 县", "<!-- c -->首页", "年度报告_政府网",
                         "a" * 130, "<b>粗</b>体", "  "])


@st.composite
def element(draw) -> str:
    kind = draw(st.sampled_from(["meta", "h1", "h2", "h3", "title", "div", "p", "td", "span", "a", "li", "H2"]))
    if kind == "meta":
        return f'<meta name="{draw(NAMES)}" content="{draw(TEXTS)}">'
    attributes = draw(st.lists(st.sampled_from(["class", "id", "CLASS", "name"]), max_size=2, unique_by=str.lower))
    named = "".join(f' {attribute}="{draw(NAMES)}"' for attribute in attributes)
    inner = "".join(draw(st.lists(st.deferred(lambda: element()) | TEXTS, max_size=3)))
    return f'<{kind}{named}>{draw(TEXTS)}{inner}</{kind}>'


@settings(max_examples=400, deadline=None)
@given(st.lists(element(), max_size=8), st.booleans())
def test_title_candidates_are_the_walks(elements: list[str], in_table: bool) -> None:
    body = "".join(elements)
    html = f"<html><head>{elements[0] if elements else ''}</head><body>" + (
        f"<table><tr><td>{body}</td></tr></table>" if in_table else body) + "</body></html>"
    root = Selector(text=html).root
    assert classify.title_candidates(root) == _walked_candidates(root)
    inner = root.find("body")
    assert classify.title_candidates(inner) == _walked_candidates(inner)
