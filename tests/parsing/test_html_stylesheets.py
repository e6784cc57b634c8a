"""The HTML reader's stylesheets (libxslt) read exactly what the Python walks they replace read.

Generated pages mix block, cell, skipped, link and container elements, comments, spans, every kind
of blank, breadcrumb words and the noncharacters the stylesheets use as marks.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.content import Row
from archive.parsing import main_content
from archive.readers.html import element_text, html_grid, html_rows, html_text, leaf_tables, parse_html, walked_text
from archive.readers.spans import distinct_cells

_TAGS = ("p", "div", "span", "td", "th", "tr", "table", "tbody", "a", "br", "script", "style", "title", "h1",
         "noscript", "object", "iframe", "select", "option", "head", "section", "article", "main", "form",
         "center", "li", "img", "meta", "o:p")
# The marks are rare: a page that holds one is read by the Python walks.
_WORDS = ("本年新收", " ", "\u3000", "\u00a0", "\n", "\u200b", "当前位置", "首页", "0", "12", "report.pdf",
          "注:", "&nbsp;", "a  b", "") * 20 + ("\ufdd0", "\ufdd2", "\ufdd4", "&#xfdd1;")
_ATTRIBUTES = ("", ' rowspan="2"', " colspan=3", ' rowspan="x\ufdd1"', ' href="/a/b.pdf"', ' href="/x.html"',
               ' name="ArticleTitle" content="某县2020年政府信息公开工作年度报告"', ' src="viewer.html?file=r.pdf"')


def _markup(depth: int) -> st.SearchStrategy[str]:
    text = st.lists(st.sampled_from(_WORDS), max_size=3).map("".join)
    if depth == 0:
        return text
    element = st.tuples(st.sampled_from(_TAGS), st.sampled_from(_ATTRIBUTES),
                        st.lists(_markup(depth - 1), max_size=4), text).map(
        lambda t: f"<{t[0]}{t[1]}>{''.join(t[2])}</{t[0]}>{t[3]}")
    comment = text.map(lambda t: f"<!--{t}-->")
    return st.one_of(text, element, comment)


def _table(cells: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    cell = st.tuples(st.sampled_from(("td", "th")), st.sampled_from(_ATTRIBUTES), cells).map(
        lambda t: f"<{t[0]}{t[1]}>{t[2]}</{t[0]}>")
    row = st.lists(cell, max_size=4).map(lambda cs: f"<tr>{''.join(cs)}</tr>")
    return st.lists(row, min_size=1, max_size=4).map(lambda rs: f"<table>{''.join(rs)}</table>")


# What cells hold: words, breaks, paragraphs, inline and skipped elements, comments.
_CELL_PARTS = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(
    ("<br>", "<p>本年</p>", "<div>新收</div>", "<span>1</span>", "<script>x</script>", "<style>y</style>",
     "<!--c-->", "<li>z</li>", "<h2>h</h2>", "<o:p>0</o:p>"))), max_size=5).map("".join)
_BLOCKS = st.one_of(_markup(4), _table(st.one_of(_markup(2), _CELL_PARTS)),
                    _table(_table(_CELL_PARTS).map(lambda t: f"x{t}")))
_PAGES = st.lists(_BLOCKS, min_size=1, max_size=4).map(lambda parts: f"<html><body>{''.join(parts)}</body></html>")


def _walked_sizes(root):
    sizes: dict = {}
    total = main_content._measure(root, sizes).text
    return total, [(e, s) for e, s in sizes.items() if main_content._tag(e) in main_content._CANDIDATES]


@settings(max_examples=150, deadline=None)
@given(_PAGES)
def test_stylesheets_read_what_the_walks_read(page: str) -> None:
    root = parse_html(page)
    assert html_text(root) == walked_text(root)
    for element in root.iter(main_content._CANDIDATES):
        assert element_text(element) == walked_text(element).text
    assert main_content._candidate_sizes(root) == _walked_sizes(root)
    walked_rows = [Row(distinct_cells(row), exact=True) for table in leaf_tables(root) for row in html_grid(table)]
    assert html_rows(root) == walked_rows
