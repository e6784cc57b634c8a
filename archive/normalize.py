"""Text normalization for matching labels and titles (format-spec §8.8); raw text is always kept elsewhere."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# Spam mirrors glue tone-marked or plain pinyin after characters: 規(guī)章, 政(zheng)(zheng)府.
# Only lowercase groups of 1-7 letters directly after a CJK character, so "(一)", "(PDF)" and
# "(单位:万元)" survive.
_GLUED_PINYIN = re.compile(rf"(?<=[{_CJK}])(?:[(（][{_PINYIN_LETTERS}]{{1,7}}[)）])+")
_WHITESPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟「」『』〝〞＂\"'‘’"})
_DASH_IN_NUMBER = re.compile(r"(?<![\d])[－−—–](?=\d)")
# "1、", "1．", "(1)", "（1）" → "1." at the start of a label or after a closing paren.
_LIST_MARKER = re.compile(r"(^|(?<=\)))(?:\((\d{1,2})\)|(\d{1,2})[、,.．])")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # tw2sp reverses Taiwan vocabulary too (規範性檔案 → 规范性文件, 資訊 → 信息).
    return opencc.OpenCC("tw2sp")


def strip_glued_pinyin(text: str) -> str:
    """Remove parenthesized pinyin glued after CJK characters by machine-converting mirrors."""
    return _GLUED_PINYIN.sub("", text)


def to_simplified(text: str) -> str:
    """Traditional → simplified script, Taiwan phrases included; simplified text passes unchanged."""
    return _converter().convert(text)


def normalize_text(text: str) -> str:
    """Pinyin stripped, NFKC, simplified script; whitespace kept (for running text)."""
    text = unicodedata.normalize("NFKC", strip_glued_pinyin(text))
    return _DASH_IN_NUMBER.sub("-", to_simplified(text))


def normalize_label(text: str) -> str:
    """normalize_text plus whitespace removed, quotes and list markers unified (for matching)."""
    text = _WHITESPACE.sub("", normalize_text(text)).translate(_QUOTES)
    return _LIST_MARKER.sub(lambda m: f"{m.group(2) or m.group(3)}.", text)
