"""What a fetch turned out to be, whatever its status said: the `fetches.kind` vocabulary.

A portal answers 200 with its 404 template, a WAF's JavaScript challenge, a login form, a body cut
short by the connection, or the home page a dead link redirects to. None of these is a report;
each is told from the status, the headers, the size and the page's visible text (short pages only:
a report page runs to thousands of characters, a template page to a few hundred).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from archive.decoding import decode_body

OK = "ok"
SOFT_404 = "soft_404"
CHALLENGE = "challenge"
LOGIN_WALL = "login_wall"
TRUNCATED = "truncated"
REDIRECTED_TO_HOME = "redirected_to_home"
REDIRECT = "redirect"
HTTP_ERROR = "http_error"
OVER_LIMIT = "over_limit"  # a body that inflates past DOWNLOAD_MAXSIZE: Scrapy drops it unread
# Kinds of a 2xx answer that is not the document its link promised.
NOT_THE_DOCUMENT = frozenset({SOFT_404, CHALLENGE, LOGIN_WALL, TRUNCATED, REDIRECTED_TO_HOME, OVER_LIMIT})
# What a known report's URL giving one of these on a re-crawl means (report_events.kind, beside the
# coverage's removed_404, unlisted, changed and restored).
EVENTS = {SOFT_404: "removed_soft_404", REDIRECTED_TO_HOME: "removed_redirected_home", CHALLENGE: "blocked",
          LOGIN_WALL: "blocked"}

_SHORT_TEXT = 1500  # visible characters: template pages say a sentence; reports say pages
_SCAN_BYTES = 256 * 1024  # only a body this short is read for template markers
_NOT_FOUND_WORDS = ("页面不存在", "页面未找到", "找不到页面", "找不到该页面", "无法找到该页", "页面已删除", "页面已失效",
                    "信息不存在", "文章不存在", "内容不存在", "信息已删除", "已被删除", "您访问的页面", "访问的页面不存在",
                    "page not found", "404 not found", "not found", "错误404", "404错误")
_CHALLENGE_WORDS = ("安全狗", "云盾", "知道创宇", "创宇盾", "加速乐", "访问被拦截", "访问已被拦截", "被拦截", "访问被阻断",
                    "请开启javascript", "启用javascript", "enable javascript", "checking your browser", "人机验证",
                    "安全验证", "滑动验证", "请完成验证", "web应用防火墙", "waf", "jsl_clearance", "__jsl", "acw_sc__",
                    "challenge-platform", "cf-chl", "ddos")
_LOGIN_WORDS = ("请登录", "用户登录", "登录后", "统一身份认证", "请先登录", "sign in", "log in", "login")
_LOGIN_PATH = re.compile(r"(^|/)(login|signin|sso|cas|passport|auth)(/|\.|$)", re.IGNORECASE)
_WAF_HEADERS = (("server", ("yundun", "waf", "safe3", "jiasule", "anyu", "wangzhan", "yunsuo", "cloudflare")),
                ("x-powered-by-anquanbao", ()), ("x-safe-firewall", ()), ("x-powered-by-360wzb", ()),
                ("cf-mitigated", ()), ("x-waf-event-info", ()))
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/index.php",
                         "/default.html", "/default.htm", "/default.aspx", "/index.aspx", "/index.asp"})


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: its final URL, status, headers, body, the URLs that redirected to it."""

    url: str
    status: int
    headers: dict[str, str]  # lowercase names
    body: bytes
    redirected_from: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


# How a reader gets the page's tree when it needs one: parsed from the body (the default), or the
# tree the crawl already parsed of it (crawler/page_reading.py). None: nothing parsed.
TreeSource = Callable[[], "etree._Element | None"]


def fetch_kind(answer: Answer, tree: TreeSource | None = None) -> str:
    """The kind of one decoded answer (OK, SOFT_404, CHALLENGE, LOGIN_WALL, REDIRECTED_TO_HOME, …);
    whether it was cut short is told on the wire, before decompression (`truncated`). `tree`, if
    given, is the page's tree (which is read, never changed)."""
    if 300 <= answer.status < 400:
        return REDIRECT
    waf = _waf_header(answer.headers)
    text = _visible_text(answer, tree) if len(answer.body) <= _SCAN_BYTES else None
    if answer.status >= 400:
        if waf or (text is not None and _says(text, _CHALLENGE_WORDS)):
            return CHALLENGE
        if answer.status in (401, 403) and text is not None and _says(text, _LOGIN_WORDS):
            return LOGIN_WALL
        return HTTP_ERROR
    if answer.redirected_from and redirects_home(answer.redirected_from[0], answer.url):
        return REDIRECTED_TO_HOME
    if text is None or len(text) > _SHORT_TEXT:
        return OK
    if waf or _says(text, _CHALLENGE_WORDS) or _script_only(answer, text):
        return CHALLENGE
    if _says(text, _LOGIN_WORDS) and (b"type=\"password\"" in answer.body.lower() or b"type=password" in answer.body.lower()
                                      or _LOGIN_PATH.search(urlsplit(answer.url).path)):
        return LOGIN_WALL
    if _says(text, _NOT_FOUND_WORDS):
        return SOFT_404
    return OK


def _says(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


def _waf_header(headers: dict[str, str]) -> bool:
    for name, values in _WAF_HEADERS:
        value = headers.get(name)
        if value is not None and (not values or any(v in value.lower() for v in values)):
            return True
    return False


def redirects_home(url: str, location: str) -> bool:
    """A redirect from a page (not itself the home page) to the site's home page: a dead link."""
    return _is_home(location) and not _is_home(url)


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path.lower() in _HOME_PATHS and not parts.query


def wire_kind(answer: Answer, max_size: int) -> str | None:
    """On the wire (body still content-encoded): TRUNCATED for fewer or more bytes than
    Content-Length, Scrapy's dataloss flag or a gzip/deflate stream cut short; OVER_LIMIT for a
    stream that inflates past `max_size` (a gzip bomb); None otherwise."""
    if "dataloss" in answer.flags:
        return TRUNCATED
    length = answer.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) != len(answer.body):
        return TRUNCATED
    encoding = answer.headers.get("content-encoding", "").lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None
    size = inflated_size(answer.body, encoding, max_size)
    return TRUNCATED if size is None else OVER_LIMIT if size > max_size else None


def inflated_size(body: bytes, encoding: str, cap: int) -> int | None:
    """What the stream inflates to (counting stops past `cap`; output discarded, 1 MiB at a time);
    None when it is cut short or damaged."""
    inflater = zlib.decompressobj(31 if "gzip" in encoding else 15)
    data, size = body, 0
    try:
        while data and not inflater.eof and size <= cap:
            size += len(inflater.decompress(data, 1 << 20))
            data = inflater.unconsumed_tail
    except zlib.error:
        return None
    return size if inflater.eof or size > cap else None


def _visible_text(answer: Answer, tree: TreeSource | None = None) -> str | None:
    """The page's visible text (scripts and styles aside), or None for a body that is not HTML/text."""
    body = answer.body
    head = body[:1024].lstrip().lower()
    if not (head.startswith((b"<", b"\xef\xbb\xbf<")) or "html" in answer.headers.get("content-type", "")):
        return None
    root = tree() if tree else html_tree(body, answer.headers.get("content-type"))
    if root is None:
        return ""
    return " ".join(_shown_text(root, _CODE).split())  # <noscript> is what a challenge says


_CODE = ("script", "style", "template")
_CODE_AND_NOSCRIPT = ("script", "style", "noscript", "template")
_STRING = etree.XPath("string()")


def _shown_text(root: etree._Element, blanked: tuple[str, ...]) -> str:
    """The tree's text (as text_content()) with the own text of the `blanked` elements (a
    <script>'s code) left out. The crawl shares one tree between its readers: their text is
    blanked for this one read and put back (a walk of the text nodes in Python, or an XPath
    predicate on each, costs several times the C string())."""
    own = [(element, element.text) for element in root.iter(*blanked)]
    try:
        for element, _ in own:
            element.text = ""
        return _STRING(root)
    finally:
        for element, text in own:
            element.text = text


def _script_only(answer: Answer, text: str) -> bool:
    """A page that is all script (a JavaScript challenge computes a cookie, then reloads)."""
    lowered = answer.body.lower()
    return len(text) < 40 and lowered.count(b"<script") >= 1 and (b"document.cookie" in lowered or b"eval(" in lowered)


_JS_LOCATION = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*['"]([^'"\s<>]{1,2000})['"]"""
    r"""|location\.(?:replace|assign)\(\s*['"]([^'"\s<>]{1,2000})['"]\s*\)""")


_REFRESH = re.compile(r"\s*\d{1,6}(?:\.\d{1,6})?\s*[;,]\s*url\s*=\s*(\S[^\s]{0,2000})", re.IGNORECASE)


def html_tree(body: bytes, content_type: str | None) -> lxml.html.HtmlElement | None:
    """The page decoded as the archive decodes it, parsed once; None when lxml finds nothing."""
    try:
        return lxml.html.document_fromstring(decode_body(body, content_type).text)
    except (etree.ParserError, ValueError):
        return None


def script_redirect(body: bytes, content_type: str | None = None, tree: TreeSource | None = None) -> str | None:
    """The target of a page that only sends the browser on: <meta http-equiv="refresh"
    content="0;url=…"> or <script>location.href='…'</script>, with little text of its own. `tree`,
    if given, is the page's tree (read, never changed)."""
    if len(body) > _SCAN_BYTES:
        return None
    root = tree() if tree else html_tree(body, content_type)
    if root is None:
        return None
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            match = _REFRESH.match(meta.get("content") or "")
            if match:
                return match.group(1).strip("'\" ")
    scripts = [script.text or "" for script in root.iter("script")]
    if len(" ".join(_shown_text(root, _CODE_AND_NOSCRIPT).split())) > 200:
        return None  # a page with content of its own that also redirects somewhere: read as it is
    for code in scripts:
        match = _JS_LOCATION.search(code)
        if match:
            return match.group(1) or match.group(2)
    return None
