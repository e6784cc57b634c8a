"""What a fetch was (archive/fetch_kinds.py) and what counts as a change (archive/change_detection.py),
over generated pages: template pages of every kind wrapped in random site chrome, and real reports."""

from __future__ import annotations

import gzip
import random
import zlib

import pytest

from archive.change_detection import content_digest
from archive.fetch_kinds import (
    CHALLENGE,
    LOGIN_WALL,
    OK,
    OVER_LIMIT,
    REDIRECTED_TO_HOME,
    SOFT_404,
    TRUNCATED,
    Answer,
    fetch_kind,
    inflated_size,
    script_redirect,
    wire_kind,
)
from benchmarks.mutations import real_document

HTML = {"content-type": "text/html; charset=utf-8"}
REPORT = real_document("corpus_021.html")
NOT_FOUND = ["您访问的页面不存在", "对不起，页面未找到", "该信息已删除", "404 Not Found", "文章不存在或已被删除"]
CHALLENGES = ["<p>访问被拦截</p>", "<p>安全验证，请完成验证</p>", "<noscript>请开启JavaScript</noscript>",
              "<script>document.cookie='__jsl_clearance=1';location.reload()</script>"]
LOGINS = ["<form>用户登录 <input type=password name=p></form>", "<p>请先登录</p><input type=\"password\">"]


def _page(rng: random.Random, inner: str, encoding: str = "utf-8") -> bytes:
    chrome = rng.choice(["", "<div class=nav><a href=/>首页</a><a href=/xxgk/>政务公开</a></div>",
                         "<header>示范市人民政府门户网站</header>"])
    footer = rng.choice(["", "<footer>主办：示范市人民政府办公室 备案号 12345</footer>"])
    return f"<html><head><meta charset='{encoding}'><title>提示</title></head><body>{chrome}{inner}{footer}</body></html>".encode(encoding)


@pytest.mark.parametrize(("pieces", "kind"), [(NOT_FOUND, SOFT_404), (CHALLENGES, CHALLENGE), (LOGINS, LOGIN_WALL)])
def test_template_pages_are_their_kind(pieces: list[str], kind: str) -> None:
    rng = random.Random(kind)
    for _ in range(200):
        encoding = rng.choice(["utf-8", "gbk"])
        body = _page(rng, rng.choice(pieces), encoding)
        headers = {"content-type": f"text/html; charset={encoding}"}
        assert fetch_kind(Answer("http://h/a/b.html", 200, headers, body)) == kind, body


def test_reports_and_long_pages_are_ok_whatever_they_mention() -> None:
    rng = random.Random(1)
    assert fetch_kind(Answer("http://h/r.html", 200, HTML, REPORT)) == OK
    for _ in range(100):
        mention = rng.choice(NOT_FOUND + CHALLENGES + LOGINS)
        body = REPORT.replace(b"</body>", mention.encode() + b"</body>")
        assert fetch_kind(Answer("http://h/r.html", 200, HTML, body)) == OK


def test_waf_headers_and_statuses() -> None:
    body = _page(random.Random(2), "<p>blocked</p>")
    assert fetch_kind(Answer("http://h/a", 403, {**HTML, "server": "Yundun"}, body)) == CHALLENGE
    assert fetch_kind(Answer("http://h/a", 200, {**HTML, "x-safe-firewall": "1"}, body)) == CHALLENGE
    assert fetch_kind(Answer("http://h/a", 404, HTML, body)) == "http_error"
    assert fetch_kind(Answer("http://h/a", 302, HTML, b"")) == "redirect"


def test_redirected_to_home() -> None:
    body = _page(random.Random(3), "<p>欢迎</p>")
    assert fetch_kind(Answer("http://h/", 200, HTML, body, redirected_from=("http://h/ndbg/r.html",))) == REDIRECTED_TO_HOME
    assert fetch_kind(Answer("http://h/index.html", 200, HTML, body, redirected_from=("http://h/",))) == OK
    assert fetch_kind(Answer("http://h/new/r.html", 200, HTML, REPORT, redirected_from=("http://h/old/r.html",))) == OK


def test_truncation_and_bombs_on_the_wire() -> None:
    rng = random.Random(4)
    for _ in range(100):
        body = REPORT[: rng.randint(100, len(REPORT))]
        zipped = gzip.compress(body)
        cut = zipped[: rng.randint(10, len(zipped) - 9)]
        assert wire_kind(Answer("http://h/a", 200, {"content-length": str(len(body) + 1)}, body), 10**8) == TRUNCATED
        assert wire_kind(Answer("http://h/a", 200, {"content-encoding": "gzip"}, cut), 10**8) == TRUNCATED
        assert wire_kind(Answer("http://h/a", 200, {"content-encoding": "gzip", "content-length": str(len(zipped))},
                                zipped), 10**8) is None
        assert inflated_size(zipped, "gzip", 10**8) == len(body)
    bomb = zlib.compress(b"\0" * (20 * 1024 * 1024))
    assert wire_kind(Answer("http://h/a", 200, {"content-encoding": "deflate"}, bomb), 10 * 1024 * 1024) == OVER_LIMIT
    assert wire_kind(Answer("http://h/a", 200, {}, b"x", flags=("dataloss",)), 10) == TRUNCATED


def test_the_crawl_s_shared_tree_reads_as_a_page_parsed_of_its_own_and_stays_as_it_was() -> None:
    """The crawl hands the spider's parsel tree in (crawler/page_reading.py): same kinds, same redirects."""
    from lxml import etree
    from parsel import Selector

    from archive.decoding import decode_body

    rng = random.Random(5)
    redirects = ["<script>location.href='/r.html'</script>", "<meta http-equiv=refresh content='0;url=/m.html'>",
                 "<template>location.href='/t.html'<b>x</b></template><script>location.assign('/a.html')</script>"]
    for n in range(300):
        inner = "".join(rng.choice(NOT_FOUND + CHALLENGES + LOGINS + redirects + ["<p>正文</p>" * 40, "<style>p{}</style>"])
                        for _ in range(rng.randint(1, 3)))
        encoding = rng.choice(["utf-8", "gbk"])
        body = _page(rng, inner, encoding)
        headers = {"content-type": f"text/html; charset={encoding}"}
        answer = Answer("http://h/a/b.html", rng.choice([200, 200, 403, 404]), headers, body)
        root = Selector(text=decode_body(body, headers["content-type"]).text, type="html").root
        before = etree.tostring(root)
        assert fetch_kind(answer, lambda: root) == fetch_kind(answer), body
        assert script_redirect(body, headers["content-type"], lambda: root) == script_redirect(body, headers["content-type"])
        assert etree.tostring(root) == before


def test_script_and_meta_refresh_redirects() -> None:
    assert script_redirect(b"<html><head><meta http-equiv='Refresh' content='0; URL=/a/r.html'></head></html>") == "/a/r.html"
    assert script_redirect(b"<html><body><script>location.replace('/b.html')</script></body></html>") == "/b.html"
    assert script_redirect(b"<script>top.location = \"http://h/c.html\";</script>") == "http://h/c.html"
    assert script_redirect(REPORT) is None


def test_volatile_fragments_make_no_new_version_and_content_does() -> None:
    rng = random.Random(5)
    base = REPORT.decode("utf-8")
    digest = content_digest(REPORT, "text/html; charset=utf-8")
    for _ in range(100):
        noisy = base.replace("</body>", f"<span>浏览次数：{rng.randint(0, 10**6)}</span>"
                                        f"<p>生成时间 {rng.randint(0, 23)}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}</p>"
                                        f"<input type=hidden name=csrf_token value={rng.getrandbits(64):x}>"
                                        f"<a href='/x.jsp?jsessionid={rng.getrandbits(64):x}'>x</a></body>")
        assert content_digest(noisy.encode(), "text/html; charset=utf-8") == content_digest(
            base.replace("</body>", "<span>浏览次数：1</span><p>生成时间 1:00:00</p><a href='/x.jsp?jsessionid=0'>x</a></body>").encode(),
            "text/html; charset=utf-8")
    words = [w for w in ("主动公开", "行政复议", "依申请") if w in base]
    changed = base.replace(words[0], words[0] + "新增", 1).encode()
    assert content_digest(changed, "text/html; charset=utf-8") != digest
    assert content_digest(b"%PDF-1.4 a", "application/pdf") != content_digest(b"%PDF-1.4 b", "application/pdf")
