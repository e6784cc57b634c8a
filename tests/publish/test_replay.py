"""Sanitizing archived HTML for replay: nothing in the output can run or fetch."""

from __future__ import annotations

import re

import lxml.html
import pytest

from archive.publish.replay import REPLAY_CSP, is_html, sanitize_html
from tests.publish.fixture_archive import SHANGHAI_URL, hostile_html

CANARY = "http://127.0.0.1:9"


def _sanitized() -> str:
    return sanitize_html(hostile_html(CANARY), "text/html; charset=utf-8", url="http://www.hostile.example.gov.cn/a.html",
                         banner="Archived copy", resolve=lambda urls: {u: "/gov/-/snapshot/1" for u in urls
                                                                       if u == SHANGHAI_URL})


def test_no_script_handler_frame_form_or_link_element_survives():
    tree = lxml.html.document_fromstring(_sanitized())
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "iframe", "object", "embed", "link", "meta", "base", "form", "input", "button"} - {"meta"}
    assert [m.attrib for m in tree.iter("meta")] == [{"charset": "utf-8"}]
    handlers = [(el.tag, name) for el in tree.iter() if isinstance(el.tag, str) for name in el.attrib
                if name.startswith("on")]
    assert handlers == []


def test_no_external_url_remains_anywhere_in_the_output():
    # The original address of a non-archived link stays visible as a tooltip (text, never fetched).
    html = re.sub(r'title="未存档 \(not archived\): [^"]*"', "", _sanitized())
    assert CANARY not in html
    assert "198.51.100.1" not in html
    assert "javascript:" not in html
    assert not re.search(r"url\s*\(", html)


def test_links_to_archived_pages_point_at_their_replay_and_others_lose_their_href():
    tree = lxml.html.document_fromstring(_sanitized())
    archived = tree.find_class("archived-link")[0]
    live = tree.find_class("live-link")[0]
    assert archived.get("href") == "/gov/-/snapshot/1"
    assert live.get("href") is None
    assert live.get("title") == f"未存档 (not archived): {CANARY}/live-page"


def test_report_content_and_layout_survive():
    tree = lxml.html.document_fromstring(_sanitized())
    assert tree.find_class("hostile-title")[0].text_content() == "某县人民政府2021年政府信息公开工作年度报告"
    cell = tree.xpath("//td[@rowspan='2']")[0]
    assert (cell.text, cell.get("style")) == ("复议", "color: red")
    assert tree.find_class("replay-banner")[0].text == "Archived copy"


def test_gbk_page_is_decoded_before_cleaning():
    body = "<html><body><p>行政复议</p></body></html>".encode("gbk")
    assert "<p>行政复议</p>" in sanitize_html(body, "text/html; charset=gbk", url="http://a/")


def test_csp_allows_no_script_and_no_network():
    directives = dict(part.strip().split(" ", 1) if " " in part.strip() else (part.strip(), "")
                      for part in REPLAY_CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    assert "script-src" not in directives and "sandbox" in directives
    # Under `sandbox` the replay's origin is opaque: frame-ancestors 'self' would blank the report view's frame.
    assert "frame-ancestors" not in directives


def test_is_html_by_content_type_or_sniffing():
    assert is_html("text/html; charset=gbk", b"")
    assert not is_html("application/pdf", b"%PDF-1.4")
    assert is_html(None, b"  <!DOCTYPE html><html>")
    assert not is_html(None, b"%PDF-1.4")


@pytest.mark.parametrize("css", [
    "background:u\\rl(http://x/beacon)", "background:\\75 rl(http://x/beacon)", "background:\\000075rl(http://x/beacon)",
    "background:U\\52L(http://x/beacon)", "background:u/**/rl(http://x/beacon)", "@\\69mport 'http://x/beacon';",
    "width:e\\78pression(alert(1))",
])
def test_css_escapes_are_decoded_before_urls_are_matched(css):
    page = f"<html><head><style>p{{{css}}}</style></head><body><p style=\"{css}\">x</p></body></html>"
    out = sanitize_html(page.encode(), "text/html; charset=utf-8", url="http://a/")
    assert "beacon" not in out and "alert" not in out


def test_a_decoded_escape_does_not_close_the_style_element():
    page = "<html><head><style>p{content:'\\3c/style\\3e<img src=x>'}</style></head><body>x</body></html>"
    out = sanitize_html(page.encode(), "text/html; charset=utf-8", url="http://a/")
    assert out.count("</style>") == 2 and "<img" not in out
