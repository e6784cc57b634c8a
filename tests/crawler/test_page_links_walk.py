"""A page's links, from the elements one XPath chooses, are those the walk over every element found."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from parsel import Selector

from archive import links


def _walked_links(root, base_url: str) -> list[links.PageLink]:
    """links.page_links as it was: every element of the linking tags looked at in Python."""
    seen: set[str] = set()
    found: list[links.PageLink] = []
    base = next((b.get("href") for b in root.iter("base") if b.get("href")), None)
    if base:
        base_url = urljoin(base_url, base.strip())
    for element in root.iter("a", "li", "div", "td", "span", "tr", "p", "dd"):
        href = (element.get("href") or "").strip() if element.tag == "a" else ""
        if not href or href.startswith("javascript:"):
            opened = links._ONCLICK_URL.search(element.get("onclick") or href)
            href = opened.group(1) if opened else ""
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        found.append(links.PageLink(url, links._link_text(element), links._clean(element.get("title")),
                                    links.link_place(element)))
    for url in links._embedded_documents(root, base_url):
        if url not in seen:
            seen.add(url)
            found.append(links.PageLink(url, "", ""))
    return found


TAGS = ["a", "li", "div", "td", "span", "tr", "p", "dd", "b", "ul", "table", "nav", "A", "iframe", "img"]
TARGETS = st.sampled_from(["", "t1.html", "./t2024_1.html", "/a/b.pdf", "#top", "javascript:void(0)",
                           "javascript:window.open('./w.html')", "mailto:x@y", "t1.html#p2", "http://o.gov.cn/r",
                           "ftp://x/y", " t3.html "])
ONCLICKS = st.sampled_from(["", "window.open('./o.html')", "location.href='/l.html'", "doit()",
                            "location.assign(\"/as.html\")"])
WORDS = st.sampled_from(["", "list", "footer", "nav menu", "crumb", "side", "news", "x"])


@st.composite
def element(draw) -> str:
    tag = draw(st.sampled_from(TAGS))
    attributes = []
    if draw(st.booleans()):
        attributes.append(f'href="{draw(TARGETS)}"')
    if draw(st.booleans()):
        attributes.append(f'onclick="{draw(ONCLICKS)}"')
    if draw(st.booleans()):
        attributes.append(f'{draw(st.sampled_from(["class", "id"]))}="{draw(WORDS)}"')
    if draw(st.booleans()):
        attributes.append(f'title="{draw(st.sampled_from(["2023年报告", "", "年度报告全文"]))}"')
    if tag in ("iframe", "img"):
        attributes.append(f'src="{draw(TARGETS)}" alt="{draw(st.sampled_from(["", "公开"]))}"')
        return f"<{tag} {' '.join(attributes)}>"
    inner = "".join(draw(st.lists(st.deferred(lambda: element()) | st.sampled_from(["年报", " ", "更多"]), max_size=3)))
    return f"<{tag} {' '.join(attributes)}>{inner}</{tag}>"


@settings(max_examples=200, deadline=None)
@given(st.lists(element(), max_size=6), st.sampled_from(["", '<base href="/sub/">', '<base href="">']))
def test_page_links_are_the_walks(elements: list[str], base: str) -> None:
    html = f"<html><head>{base}</head><body>{''.join(elements)}</body></html>"
    root = Selector(text=html, base_url="http://g.gov.cn/col/index.html").root
    assert links.page_links(root, "http://g.gov.cn/col/index.html") == _walked_links(root, "http://g.gov.cn/col/index.html")
    body = root.find("body")
    assert links.page_links(body, "http://g.gov.cn/") == _walked_links(body, "http://g.gov.cn/")
