"""A page's breadcrumb trails, chosen by one XPath over class and id attributes, are the elements a
walk over every element chooses, and the disclosure area read from them is the walk's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from parsel import Selector

from crawler import discovery

PAGE = "http://www.a.gov.cn/a/index.html"


def _walked_trails(root) -> list:
    """The trails as a Python test of every element reads them (class or id holds a trail word)."""
    return [element for element in root.getroottree().iter()
            if isinstance(element.tag, str)
            and any(word in (element.get("class") or "") or word in (element.get("id") or "")
                    for word in discovery._CRUMB_WORDS)]


VALUES = st.sampled_from(["", "crumb", "breadcrumbs", "Crumb", "position", "cur-position", "location", "dqwz",
                          "nav", "list", "locations main", "POSITION", "x"])
STEPS = st.sampled_from(["<a href='/'>首页</a>", "<a href='/zw/'>政务</a>", "<a href='/xw/'>政务动态</a>",
                         "<a href='/xxgk/'>政府信息公开</a>", " &gt; ", "当前位置：", "<!-- c -->"])


@st.composite
def element(draw) -> str:
    tag = draw(st.sampled_from(["div", "p", "span", "ul", "li", "td", "nav", "a"]))
    attributes = draw(st.lists(st.sampled_from(["class", "id", "name", "CLASS"]), max_size=2, unique_by=str.lower))
    named = "".join(f' {attribute}="{draw(VALUES)}"' for attribute in attributes)
    inner = "".join(draw(st.lists(st.deferred(lambda: element()) | STEPS, max_size=3)))
    return f"<{tag}{named}>{inner}</{tag}>"


@settings(max_examples=300, deadline=None)
@given(st.lists(element(), max_size=6), st.booleans())
def test_breadcrumb_trails_are_the_walks(elements: list[str], in_table: bool) -> None:
    body = "".join(elements)
    html = "<html><body>" + (f"<table><tr><td>{body}</td></tr></table>" if in_table else body) + "</body></html>"
    root = Selector(text=html).root
    trails = _walked_trails(root)
    assert discovery._CRUMBS(root) == trails
    steps = [[discovery.normalize_label(a.text_content()) for a in trail.iter("a")] for trail in trails]
    walked = any(any(word in step for word in discovery._CRUMB_AREA_WORDS)
                 and not any(w in step for w in discovery._LOW_WORDS) for trail in steps for step in trail)
    assert discovery.in_disclosure_area(root, PAGE) == walked
