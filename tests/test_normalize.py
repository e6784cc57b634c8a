"""Normalization for matching (format-spec §8.8)."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.normalize import (
    _DASH_IN_NUMBER,
    _PINYIN_LETTERS,
    CJK,
    compact,
    nfkc,
    one_document_steps,
    normalize_label,
    normalize_labels,
    normalize_text,
    normalize_texts,
    one_document,
    remembered,
    strip_glued_pinyin,
    to_simplified,
    without_blanks,
)


@pytest.mark.parametrize("raw, expected", [
    ("規(guī)範性文件", "规范性文件"),
    ("規範性檔案", "规范性文件"),  # Taiwan vocabulary (s2twp mirrors)
    ("政府資訊公開", "政府信息公开"),
    ("採購專案數量", "采购项目数量"),
    ("規范性文件", "规范性文件"),  # partial conversion, simplified 范 kept
    ("智慧新城管理委员会", "智慧新城管理委员会"),  # simplified text is never rewritten by vocabulary
    ("规范性文件", "规范性文件"),
    ("8.属于行政查询事项", "8.属于行政查询事项"),
    ("8.屬于行政查詢事項", "8.属于行政查询事项"),
    ("档案管理", "档案管理"),
])
def test_to_simplified(raw, expected):
    assert to_simplified(strip_glued_pinyin(raw)) == expected


@pytest.mark.parametrize("raw, expected", [
    ("三 、 本 年 度 办 理 结 果", "三、本年度办理结果"),
    ("(二)部分公開(區(qū)分處理的)", "(二)部分公开(区分处理的)"),
    ("3.危及“三安全一穩(wěn)定”", '3.危及"三安全一稳定"'),
    ("（1）属于国家秘密", "1.属于国家秘密"),
    ("1、属于国家秘密", "1.属于国家秘密"),
    ("政(zheng)(zheng)府(fu)(fu)", "政府"),
    ("本年新<br>制作数量".replace("<br>", "\u3000"), "本年新制作数量"),
])
def test_normalize_label(raw, expected):
    assert normalize_label(raw) == expected


def test_normalize_text_keeps_ascii_groups_and_signs():
    assert normalize_text("－1 (PDF) (单位:万元) 采购总金额（单位：万元）") == \
        "-1 (PDF) (单位:万元) 采购总金额(单位:万元)"


def test_list_marker_after_a_colon():
    assert normalize_label("其中：1、网站公开") == "其中:1.网站公开"


# The patterns as they were written, lookbehind first (slow: tested at every character); the
# rewritten ones start with the character they are about and must find exactly the same.
_OLD_GLUED_PINYIN = re.compile(rf"(?<=[{CJK}])(?:[(（][{_PINYIN_LETTERS}]{{1,7}}[)）])+")
_OLD_DASH_IN_NUMBER = re.compile(r"(?<![\d])[－−—–](?=\d)")
_SPACE_RUN = re.compile(r"\s+")
_OLD_SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}\d(),:])\s+|(?<!\s)\s+(?=[{CJK}(),:])")
_PIECES = ("规", "(", "（", ")", "）", "guī", "zheng", "zhèng", "ab", "a", "(一)", "—", "－", "−", "–", "1", "23",
           "١", " ", "  ", "\n", "\u3000", "\u00a0", ",", ":", "x", "中文")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_rewritten_patterns_match_what_the_old_ones_matched(text: str) -> None:
    assert strip_glued_pinyin(text) == _OLD_GLUED_PINYIN.sub("", text)
    assert _DASH_IN_NUMBER.sub("-", text) == _OLD_DASH_IN_NUMBER.sub("-", text)
    assert compact(text) == _OLD_SPACE_NEAR_CJK.sub("", _SPACE_RUN.sub(" ", text).strip())
    with one_document():
        assert normalize_text(text) == normalize_text.__wrapped__(text)  # remembered = read afresh
        assert normalize_text(text) == normalize_text.__wrapped__(text)


# Pieces of labels and cells as printed: traditional and simplified characters, Taiwan vocabulary,
# glued pinyin, full-width forms, list markers, quotes, dashes, every kind of blank (a newline too:
# the batch then reads text by text).
_BATCH_PIECES = _PIECES + ("規範性檔案", "資訊", "專案", "（二）", "(3)", "1、", "2．", "“", "」", "'", "＂", "－1", "﹢",
                           "，", "：", "\u200b", "\ufeff", "\t", "\r", "\x1c", "\u2028", "\x85", "ａ", "①", "㊟",
                           "a\u0301", "\u0301", "¨", "其中:1、", "處理", "萬元", "10,000")


_OLD_WHITESPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_OLD_QUOTES = str.maketrans({c: '"' for c in "“”„‟「」『』〝〞＂\"'‘’"})
_OLD_LIST_MARKER = re.compile(r"(^|(?<=[):]))(?:\((\d{1,2})\)|(\d{1,2})[、,.．])")


def _old_normalize_label(text: str) -> str:
    """normalize_label as it was written, one text at a time (translate, no newline handling)."""
    text = _OLD_WHITESPACE.sub("", normalize_text.__wrapped__(text)).translate(_OLD_QUOTES)
    return _OLD_LIST_MARKER.sub(lambda m: f"{m.group(2) or m.group(3)}.", text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_BATCH_PIECES), max_size=12).map("".join), max_size=12))
def test_batches_normalize_each_text_as_alone(texts: list[str]) -> None:
    expected_texts = [normalize_text.__wrapped__(t) for t in texts]
    expected_labels = [_old_normalize_label(t) for t in texts]
    assert normalize_texts(texts) == expected_texts
    assert normalize_labels(texts) == expected_labels
    with one_document():
        assert normalize_labels(texts) == expected_labels
        assert [normalize_label(t) for t in texts] == expected_labels  # remembered from the batch
        assert [normalize_text(t) for t in texts] == expected_texts


def test_label_blanks_are_every_whitespace_but_the_newline() -> None:
    import sys

    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c) != "\n")
    assert without_blanks(every) == re.sub(r"[\s\u200b\ufeff]", "", every)
    assert without_blanks(" a \u3000b\n\t c\u200b \n") == "ab\nc\n"


_FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name", sorted(p.name for p in _FIXTURES.rglob("*.txt")))
def test_batches_of_every_line_of_the_fixture_texts(name: str) -> None:
    lines = next(_FIXTURES.rglob(name)).read_text(encoding="utf-8").splitlines()
    assert normalize_labels(lines) == [_old_normalize_label(line) for line in lines]
    assert normalize_texts(lines) == [normalize_text.__wrapped__(line) for line in lines]


def test_nfkc_is_unicodedata_nfkc_for_every_code_point() -> None:
    import sys
    import unicodedata

    every = "\n".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert nfkc(every) == unicodedata.normalize("NFKC", every)


# Combining marks (reordered and composed), Hangul jamo and syllables, compatibility forms.
_COMPOSING = st.sampled_from(["\u0301", "\u0323", "\u0308", "\u0345", "\u05b0", "\u0e48", "\u1100", "\u1161",
                              "\u11a8", "\uac00", "a", "e", "\u1e9b", "\u2126", "\ufb01", "\uff21", "\u3000", "\u2460",
                              "\u00a8", "\u3099", "\u304b", "\uf900", "\u2f00", "規", "（", "１"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_COMPOSING, st.characters()), max_size=12).map("".join))
def test_nfkc_is_unicodedata_nfkc(text: str) -> None:
    import unicodedata

    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_a_function_made_during_a_document_is_remembered_in_it() -> None:
    calls: list[str] = []

    with one_document():
        shout = remembered(lambda text: calls.append(text) or text + "!")  # a module imported mid-parse
        assert [shout("a"), shout("a"), shout("b")] == ["a!", "a!", "b!"]
    assert calls == ["a", "b"]
    assert shout("a") == "a!" and calls == ["a", "b", "a"]  # outside a document: read afresh


def test_a_callbacks_steps_share_one_document_and_leave_none_between_them() -> None:
    calls: list[str] = []
    shout = remembered(lambda text: calls.append(text) or text + "!")

    def steps():
        yield shout("a")
        yield shout("a")  # the same page's label again: remembered from the step before
        yield shout("b")

    seen = []
    for item in one_document_steps(steps()):
        seen.append(item)
        shout("c"), shout("c")  # the consumer, between two steps, is outside the page's document
    assert seen == ["a!", "a!", "b!"]
    assert calls == ["a", "c", "c", "c", "c", "b", "c", "c"]


def test_a_failing_step_leaves_no_document_behind() -> None:
    shout = remembered(lambda text: text + "!")

    def steps():
        yield shout("a")
        raise ValueError("broken page")

    with pytest.raises(ValueError, match="broken page"):
        list(one_document_steps(steps()))
    calls: list[str] = []
    counted = remembered(lambda text: calls.append(text) or text)
    counted("x"), counted("x")
    assert calls == ["x", "x"]


# The report format's phrases (what the mapping back restores), as s2twp rewrites them.
_FORMAT_PHRASES = ("行政规范性文件", "规范性文件", "其他主动公开文件", "政府信息公开", "政府信息", "信息公开",
                   "信息内容", "上一年项目数量", "采购项目数量", "项目数量", "相关政府信息", "已获取信息",
                   "内部事务信息", "过程性信息", "政务信息")


def test_format_phrases_are_what_opencc_round_trips() -> None:
    """FORMAT_PHRASES is written out (s2twp costs 0.1 s a process to build): OpenCC derives it again."""
    import opencc

    from archive.normalize import FORMAT_PHRASES

    to_taiwan, back = opencc.OpenCC("s2twp"), opencc.OpenCC("t2s")
    round_trips = {back.convert(to_taiwan.convert(p)): p for p in _FORMAT_PHRASES}
    assert FORMAT_PHRASES == {wrong: right for wrong, right in round_trips.items() if wrong != right}
    assert to_simplified(opencc.OpenCC("s2twp").convert("本年新制作行政规范性文件和政府信息公开")) == \
        "本年新制作行政规范性文件和政府信息公开"
