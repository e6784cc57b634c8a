"""Text normalization for matching labels and titles (format-spec §8.8); raw text is always kept elsewhere."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps
from typing import TypeVar

import opencc

T = TypeVar("T")

# CJK ideographs (Extension A, the basic block, compatibility ideographs): the one definition of
# "a Chinese character" for every pattern in the project.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Wide characters: CJK radicals to ideographs, CJK punctuation, full-width forms and curly quotes,
# the characters between which a wrapped line of Chinese text is joined without a space.
CJK_WIDE = "\u2e80-\u9fff\uff00-\uffef\u3000-\u303f“”‘’"
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# Spam mirrors glue tone-marked or plain pinyin after characters: 規(guī)章, 政(zheng)(zheng)府.
# Only lowercase groups of 1-7 letters directly after a CJK character, so "(一)", "(PDF)" and
# "(单位:万元)" survive.
# Written to start with the opening parenthesis and look behind it (not "(?<=[CJK])(?:…)+"), so the
# search skips ahead to parentheses instead of testing a lookbehind at every character.
_GLUED_PINYIN = re.compile(rf"[(（](?<=[{CJK}][(（])[{_PINYIN_LETTERS}]{{1,7}}[)）]"
                           rf"(?:[(（][{_PINYIN_LETTERS}]{{1,7}}[)）])*")
_QUOTES = re.compile("[“”„‟「」『』〝〞＂'‘’]")  # each becomes '"'
_DASH_IN_NUMBER = re.compile(r"[－−—–](?<!\d.)(?=\d)")  # a dash not after a digit, before one
# "1、", "1．", "(1)", "（1）" → "1." at the start of a label, after a closing paren or after a
# colon ("其中:1、网站公开").
_LIST_MARKER = re.compile(r"(?m)(^|(?<=[):]))(?:\((\d{1,2})\)|(\d{1,2})[、,.．])")


# Phrases of the report format that Taiwan-style conversion (s2twp) rewrites by vocabulary, not
# only by character (文件 → 檔案, 信息 → 資訊, 项目 → 專案). OpenCC's tw2sp would undo these, but it
# also rewrites plain simplified text (智慧 → 智能, 文件 → 文档, 查询 → 查找), so only these
# phrases, in their round-tripped form (t2s of s2twp), are mapped back. The round trip is written out
# here because building OpenCC's s2twp converter costs 0.1 s in every process; a test derives it
# from OpenCC again (tests/test_normalize.py), so a new OpenCC that rewrites differently fails there.
FORMAT_PHRASES = {
    "行政规范性档案": "行政规范性文件", "规范性档案": "规范性文件", "其他主动公开档案": "其他主动公开文件",
    "政府资讯公开": "政府信息公开", "政府资讯": "政府信息", "资讯公开": "信息公开", "资讯内容": "信息内容",
    "上一年专案数量": "上一年项目数量", "采购专案数量": "采购项目数量", "专案数量": "项目数量",
    "相关政府资讯": "相关政府信息", "已获取资讯": "已获取信息", "内部事务资讯": "内部事务信息",
    "过程性资讯": "过程性信息", "政务资讯": "政务信息",
}


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _taiwan_phrases() -> tuple[re.Pattern, dict[str, str]]:
    pattern = re.compile("|".join(sorted(map(re.escape, FORMAT_PHRASES), key=len, reverse=True)))
    return pattern, FORMAT_PHRASES


def nfkc(text: str) -> str:
    """NFKC as Unicode defines it, canonical composition of the compatibility decomposition: the
    same string as unicodedata's NFKC, which takes about 7× as long on Chinese text (measured on
    CPython 3.11: 175 ns a character against 25 ns for NFKD then NFC)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text))


def strip_glued_pinyin(text: str) -> str:
    """Remove parenthesized pinyin glued after CJK characters by machine-converting mirrors."""
    return _GLUED_PINYIN.sub("", text)


# Labels and cell texts repeat within a report (0, /, 合计, every row's phrases): inside
# `one_document()` each normalization is remembered until the document is read. Nothing outlives
# the document, so no bound is needed beyond the document's own (GOV_REPORTS_PAGE_MAX_CHARS), and a
# benchmark's parse is always read cold.
_DOCUMENT: ContextVar[dict[Callable, dict[str, str]] | None] = ContextVar("normalizations", default=None)


@contextmanager
def one_document() -> Iterator[None]:
    """Remember normalizations while one document is parsed."""
    token = _DOCUMENT.set({})
    try:
        yield
    finally:
        _DOCUMENT.reset(token)


def one_document_steps(steps: Iterable[T]) -> Iterator[T]:
    """The items of `steps` (a generator: a crawl callback), every step of it run inside the same
    `one_document()`: a context variable set around a whole generator would leak into its consumer
    between items, so the document's normalizations are entered again at each resumption."""
    memo: dict[Callable, dict[str, str]] = {}
    iterator = iter(steps)
    while True:
        token = _DOCUMENT.set(memo)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            _DOCUMENT.reset(token)
        yield item


def remembered(function: Callable[[str], str]) -> Callable[[str], str]:
    """`function`, remembered per text inside `one_document()`."""

    def call(text: str) -> str:
        memo = _DOCUMENT.get()
        if memo is None:
            return function(text)
        table = memo.get(function)
        if table is None:  # the first call in this document (modules may be imported during one)
            table = memo[function] = {}
        result = table.get(text)
        if result is None:
            result = table[text] = function(text)
        return result

    call.remember = lambda texts, results: _remember(function, texts, results)  # type: ignore[attr-defined]
    return wraps(function)(call)


def _remember(function: Callable[[str], str], texts: list[str], results: list[str]) -> None:
    memo = _DOCUMENT.get()
    if memo is not None:
        memo.setdefault(function, {}).update(zip(texts, results))


@remembered
def to_simplified(text: str) -> str:
    """Traditional → simplified script (t2s), with the format's Taiwan-vocabulary phrases restored
    (規範性檔案 → 规范性文件); simplified text passes unchanged."""
    if text.isascii():  # no ideograph to convert, no phrase to restore
        return text
    converted = _converter().convert(text)
    pattern, back = _taiwan_phrases()
    return pattern.sub(lambda m: back[m.group(0)], converted)


@remembered
def normalize_text(text: str) -> str:
    """Pinyin stripped, NFKC, simplified script; whitespace kept (for running text)."""
    if text.isascii():  # NFKC keeps ASCII, and pinyin, script and dashes are all non-ASCII
        return text
    text = nfkc(strip_glued_pinyin(text))
    return _DASH_IN_NUMBER.sub("-", to_simplified(text))


def _label_form(text: str) -> str:
    """A normalize_text result (one line, or lines joined by newlines) as labels are matched."""
    text = _QUOTES.sub('"', without_blanks(text))
    return _LIST_MARKER.sub(_list_number, text)


def without_blanks(text: str) -> str:
    """Whitespace but the newline, and zero-width spaces, removed: the blanks of labels and cells,
    which are normalized one per line, joined by newlines. str.split() splits at exactly that
    whitespace, in C (a pattern's class test costs more on every Chinese character)."""
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return "\n".join(["".join(line.split()) for line in text.split("\n")])


def _list_number(match: re.Match[str]) -> str:
    return f"{match.group(2) or match.group(3)}."


@remembered
def normalize_label(text: str) -> str:
    """normalize_text plus whitespace removed, quotes and list markers unified (for matching)."""
    return _label_form(normalize_text(text).replace("\n", " "))


def _one_per_line(texts: list[str]) -> str | None:
    """`texts` joined by newlines, or None when one of them holds a newline itself."""
    joined = "\n".join(texts)
    return joined if joined.count("\n") == len(texts) - 1 else None


def in_one_pass(function: Callable[[str], str], texts: list[str],
                joined_pass: Callable[[str], list[str]]) -> list[str]:
    """`function` (a remembered one) of each text: those it has not read yet in this document are
    read by `joined_pass` over them joined one per line, and remembered."""
    memo = _DOCUMENT.get()
    known = memo.get(function.__wrapped__, {}) if memo is not None else {}  # type: ignore[attr-defined]
    unread = [text for text in dict.fromkeys(texts) if text not in known]
    joined = _one_per_line(unread) if unread else None
    if joined is None:
        return [function(text) for text in texts]
    read = dict(zip(unread, joined_pass(joined)))
    function.remember(unread, [read[text] for text in unread])  # type: ignore[attr-defined]
    return [read[text] if text in read else known[text] for text in texts]


def normalize_texts(texts: list[str]) -> list[str]:
    """normalize_text of each text, in one pass over them all (remembered like normalize_text).

    Every step is line-local (no pattern, NFKC composition or OpenCC phrase spans a newline), so
    texts without newlines are normalized joined by them and split again."""
    return in_one_pass(normalize_text, texts, lambda joined: normalize_text.__wrapped__(joined).split("\n"))


def normalize_labels(texts: list[str]) -> list[str]:
    """normalize_label of each text, in one pass over them all (remembered like normalize_label)."""
    return in_one_pass(normalize_label, texts, _labels_pass)


def _labels_pass(joined: str) -> list[str]:
    return _label_form("\n".join(normalize_texts(joined.split("\n")))).split("\n")


# A single space (compact collapses runs first) after a CJK character, digit or (),: or before a CJK
# character or (),:, matched from the space so the search skips ahead to spaces.
_SPACE_NEAR_CJK = re.compile(rf" (?:(?<=[{CJK}\d(),:] )|(?=[{CJK}(),:]))")


@remembered
def compact(text: str) -> str:
    """Whitespace between CJK characters/digits removed; spacing between Latin words kept."""
    # Runs of whitespace (what \s matches) as one space and the ends stripped, by str.split in C.
    return _SPACE_NEAR_CJK.sub("", " ".join(text.split()))
