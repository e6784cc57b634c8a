"""Text normalization for matching labels and titles (format-spec §8.8); raw text is always kept elsewhere."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps

import opencc

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
_WHITESPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟「」『』〝〞＂\"'‘’"})
_DASH_IN_NUMBER = re.compile(r"[－−—–](?<!\d.)(?=\d)")  # a dash not after a digit, before one
# "1、", "1．", "(1)", "（1）" → "1." at the start of a label, after a closing paren or after a
# colon ("其中:1、网站公开").
_LIST_MARKER = re.compile(r"(^|(?<=[):]))(?:\((\d{1,2})\)|(\d{1,2})[、,.．])")


# Phrases of the report format that Taiwan-style conversion (s2twp) rewrites by vocabulary, not
# only by character (文件 → 檔案, 信息 → 資訊, 项目 → 專案). OpenCC's tw2sp would undo these, but it
# also rewrites plain simplified text (智慧 → 智能, 文件 → 文档, 查询 → 查找), so only these
# phrases, in their round-tripped form, are mapped back.
FORMAT_PHRASES = (
    "行政规范性文件", "规范性文件", "其他主动公开文件", "政府信息公开", "政府信息", "信息公开",
    "信息内容", "上一年项目数量", "采购项目数量", "项目数量", "相关政府信息", "已获取信息",
    "内部事务信息", "过程性信息", "政务信息",
)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _taiwan_phrases() -> tuple[re.Pattern, dict[str, str]]:
    to_taiwan = opencc.OpenCC("s2twp")
    back = {_converter().convert(to_taiwan.convert(p)): p for p in FORMAT_PHRASES}
    back = {wrong: right for wrong, right in back.items() if wrong != right}
    pattern = re.compile("|".join(sorted(map(re.escape, back), key=len, reverse=True)))
    return pattern, back


def strip_glued_pinyin(text: str) -> str:
    """Remove parenthesized pinyin glued after CJK characters by machine-converting mirrors."""
    return _GLUED_PINYIN.sub("", text)


# Cell texts and labels repeat within a report and across reports; whole texts do not, so only
# short strings are remembered (a bounded cache, evicting the least recently used).
CACHED_LENGTH = 200
CACHE_SIZE = 16384


def _cached(function: Callable[[str], str]) -> Callable[[str], str]:
    """`function` remembered for strings of up to CACHED_LENGTH characters."""
    remembered = lru_cache(maxsize=CACHE_SIZE)(function)

    def call(text: str) -> str:
        return remembered(text) if len(text) <= CACHED_LENGTH else function(text)

    call.cache_clear = remembered.cache_clear  # type: ignore[attr-defined]
    _CACHES.append(remembered.cache_clear)
    return wraps(function)(call)


_CACHES: list[Callable[[], None]] = []


def clear_caches() -> None:
    """Forget every remembered normalization (benchmarks measure a report read cold)."""
    for clear in _CACHES:
        clear()


@_cached
def to_simplified(text: str) -> str:
    """Traditional → simplified script (t2s), with the format's Taiwan-vocabulary phrases restored
    (規範性檔案 → 规范性文件); simplified text passes unchanged."""
    if text.isascii():  # no ideograph to convert, no phrase to restore
        return text
    converted = _converter().convert(text)
    pattern, back = _taiwan_phrases()
    return pattern.sub(lambda m: back[m.group(0)], converted)


@_cached
def normalize_text(text: str) -> str:
    """Pinyin stripped, NFKC, simplified script; whitespace kept (for running text)."""
    if text.isascii():  # NFKC keeps ASCII, and pinyin, script and dashes are all non-ASCII
        return text
    text = unicodedata.normalize("NFKC", strip_glued_pinyin(text))
    return _DASH_IN_NUMBER.sub("-", to_simplified(text))


@_cached
def normalize_label(text: str) -> str:
    """normalize_text plus whitespace removed, quotes and list markers unified (for matching)."""
    text = _WHITESPACE.sub("", normalize_text(text)).translate(_QUOTES)
    return _LIST_MARKER.sub(lambda m: f"{m.group(2) or m.group(3)}.", text)


_SPACE_RUN = re.compile(r"\s+")
# A single space (compact collapses runs first) after a CJK character, digit or (),: or before a CJK
# character or (),:, matched from the space so the search skips ahead to spaces.
_SPACE_NEAR_CJK = re.compile(rf" (?:(?<=[{CJK}\d(),:] )|(?=[{CJK}(),:]))")


@_cached
def compact(text: str) -> str:
    """Whitespace between CJK characters/digits removed; spacing between Latin words kept."""
    return _SPACE_NEAR_CJK.sub("", _SPACE_RUN.sub(" ", text).strip())
