"""Joining a PDF flipbook's text pages (FlipBuilder `files/basic-html/pageN.html`) into one report text.

The fixture book is the real 洪泽 2023 PDF text (corpus 022, pdfplumber's text of its 5 pages, page
footers "- N -" included) cut at its page breaks and wrapped in the markup Flip PDF Professional
writes for each page (the page chrome, the `<pre><code>` PDF text with its indentation, the
page-number window, the previous/next buttons, the noscript page list of index.html). Tables 2 and
3 are cut by page breaks and Table 3's header is stacked fragments ("结果 结果 其他 尚未 / 总 计 /
维持 纠正 结果 审结 …").
"""

from __future__ import annotations

import re

import pytest

from archive.readers.flipbook import (
    book_base,
    join_pages,
    joined_text,
    page_number,
    page_url,
    read_page,
)
from archive.parsing import parse_report
from tests.documents.exact_cells import assert_cells_exact, expected
from tests.support.flipbooks import FOOTER, REPORT_TEXT, flipbuilder_book, pdf_pages

BOOK_URL = "http://180.76.149.248:88/book/2022dzs/xinfang/files/basic-html/"


def _without_footers(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not FOOTER.match(line))


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def book() -> dict[str, str]:
    return flipbuilder_book("hzq2023", pdf_pages())


# -- URLs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "base", "number"), [
    (BOOK_URL + "page8.html", BOOK_URL, 8),
    (BOOK_URL + "index.html", BOOK_URL, None),
    ("https://x.gov.cn/flip/files/assets/basic-html/page-12.html", "https://x.gov.cn/flip/files/assets/basic-html/", 12),
    ("https://x.gov.cn/flip/files/assets/basic-html/toc.html", "https://x.gov.cn/flip/files/assets/basic-html/", None),
    ("http://180.76.149.248:88/book/2022dzs/xinfang/index.html", None, None),
    ("http://180.76.149.248:88/book/2022dzs/xinfang/mobile/index.html", None, None),
    ("https://x.gov.cn/zwgk/page2.html", None, None),
])
def test_book_pages_are_known_by_their_url(url, base, number) -> None:
    assert (book_base(url), page_number(url)) == (base, number)


def test_page_url() -> None:
    assert page_url(BOOK_URL, 3) == BOOK_URL + "page3.html"
    assert page_url("https://x.gov.cn/f/files/assets/basic-html/", 3) == "https://x.gov.cn/f/files/assets/basic-html/page-3.html"


# -- one page -----------------------------------------------------------------------------------
def test_a_page_is_its_pdf_text_and_its_page_links(book) -> None:
    page = read_page(book["page3.html"], BOOK_URL + "page3.html")
    assert page.text == pdf_pages()[2]
    assert page.linked_pages == {1, 2, 3, 4, 5}


def test_the_index_page_lists_every_page(book) -> None:
    long_book = flipbuilder_book("b", [f"第{n}页正文" for n in range(1, 13)])
    assert read_page(long_book["page1.html"], BOOK_URL + "page1.html").linked_pages == set(range(1, 6))
    assert read_page(long_book["index.html"], BOOK_URL + "index.html").linked_pages == set(range(1, 13))


def test_an_empty_template_page_has_no_text() -> None:
    """Flip PDF's page for a page without text: an empty <code> nested in the outer <pre><code>."""
    markup = ('<html><body><div id="content-top1">Page 1 - Demo</div><div id="content-top2">P. 1</div>'
              '<pre style="word-break:break-all;"><code><p class="use-as-video-title"></p>\n'
              '      <pre style="white-space:pre-line"><code>\n   \n    </code></pre></code></pre>'
              '<a href="page2.html">2</a></body></html>')
    page = read_page(markup, BOOK_URL + "page1.html")
    assert (page.text.strip(), page.linked_pages) == ("", {2})


def test_a_page_without_pre_is_its_text_outside_links() -> None:
    markup = ("<html><head><title>Page 2 - b</title><script>var x = 1;</script></head><body>"
              "<div class='nav'><a href='page1.html'>Previous Page</a> | <a href='page3.html'>Next Page</a></div>"
              "<div class='content'><p>二、主动公开政府信息情况</p><p>规章 0 0 0</p></div></body></html>")
    page = read_page(markup, BOOK_URL + "page2.html")
    assert _lines(page.text) == ["二、主动公开政府信息情况", "规章 0 0 0"]
    assert page.linked_pages == {1, 3}


# -- joining ------------------------------------------------------------------------------------
def test_pages_join_into_the_pdf_text_without_page_footers() -> None:
    joined = join_pages(pdf_pages())
    assert _lines(joined) == _lines(_without_footers(REPORT_TEXT))
    # Table 3 continues across the page 3/4 break as adjacent lines.
    lines = _lines(joined)
    assert lines[lines.index("2.没有现成信息需要另行制作") + 1] == "3.补正后申请内容仍不明确 0 0 0 0 0 0 0"


def test_running_headers_are_dropped_from_every_page_that_has_one() -> None:
    header = "洪泽区2023年政府信息公开工作年度报告"
    pages = pdf_pages()
    pages = pages[:1] + [f"{header}\n{text}" for text in pages[1:]]  # the cover page has none
    assert _lines(join_pages(pages)) == _lines(_without_footers(REPORT_TEXT))


def test_a_running_header_line_inside_a_page_body_is_kept() -> None:
    bodies = [["一、总体情况", "本年主动公开", "政府信息", "全文"], ["二、主动公开", "某区信访局", "主动公开", "文件"],
              ["三、依申请公开", "收到申请", "21件", "已办结"]]
    pages = ["\n".join(["某区信访局", *body]) for body in bodies]
    assert _lines(join_pages(pages)) == [line for body in bodies for line in body]


def test_bare_page_numbers_at_page_ends_are_dropped_when_they_count_the_pages() -> None:
    pages = [re.sub(r"- (\d+) -", r"\1", text) for text in pdf_pages()]
    assert _lines(join_pages(pages)) == _lines(_without_footers(REPORT_TEXT))


def test_a_number_ending_a_page_that_does_not_count_pages_is_kept() -> None:
    pages = ["一、总体情况\n本年收到申请\n21", "二、主动公开\n规章 0 0 0\n7"]
    assert _lines(join_pages(pages)) == ["一、总体情况", "本年收到申请", "21", "二、主动公开", "规章 0 0 0", "7"]


def test_numeric_rows_at_page_ends_are_not_running_footers() -> None:
    pages = ["一、总体情况\n0 0 0 0 0 0 0", "二、主动公开\n0 0 0 0 0 0 0"]
    assert _lines(join_pages(pages)) == ["一、总体情况", "0 0 0 0 0 0 0", "二、主动公开", "0 0 0 0 0 0 0"]


def test_joined_text_reads_archived_bytes(book) -> None:
    bodies = [(book[f"page{n}.html"].encode("utf-8"), "text/html; charset=utf-8", BOOK_URL + f"page{n}.html")
              for n in range(1, 6)]
    assert _lines(joined_text(bodies)) == _lines(_without_footers(REPORT_TEXT))


# -- the parser core on the joined text ---------------------------------------------------------
def test_the_joined_book_parses_to_the_reports_exact_cells(book) -> None:
    bodies = [(book[f"page{n}.html"].encode("utf-8"), "text/html; charset=utf-8", BOOK_URL + f"page{n}.html")
              for n in range(1, 6)]
    parsed = parse_report(joined_text(bodies).encode("utf-8"), content_type="text/plain; charset=utf-8")
    assert (parsed.title, parsed.year, parsed.format, parsed.parse_status) == (
        "洪泽区人民政府2023年政府信息公开工作年度报告", 2023, "2019+2021", "ok")
    assert parsed.table_formats == {"active": "2021", "requests": "2019", "review_litigation": "unknown"}
    assert_cells_exact(parsed.cells, expected("corpus_022_expected.json")["cells"])
    assert list(parsed.sections) == ["intro", "一", "二", "三", "四", "五", "六"]
