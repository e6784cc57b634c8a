"""parse_value: format-spec §6.4 cell semantics."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.normalize import one_document, to_simplified
from archive.parsing.values import clean_raw, clean_raws, is_value_like, parse_value


@pytest.mark.parametrize(
    ("raw", "col", "expected"),
    [
        ("", "made", (None, None, "blank")),
        ("\u00a0 ", "total", (None, None, "blank")),
        ("0", "total", (0, None, "ok")),
        (" 1,234 ", "total", (1234, None, "ok")),
        ("１２", "total", (12, None, "ok")),
        ("3件", "total", (3, "件", "ok")),
        ("-1", "delta_items", (-1, None, "ok")),
        ("+2", "delta_items", (2, None, "ok")),
        ("－1", "delta_items", (-1, None, "ok")),
        ("-1", "total", (None, None, "unparsed")),
        ("1.5", "total", (None, None, "unparsed")),
        ("/", "total", (None, None, "not_applicable")),
        ("／", "total", (None, None, "not_applicable")),
        ("-", "made", (None, None, "not_applicable")),
        ("——", "made", (None, None, "not_applicable")),
        ("无", "made", (None, None, "not_applicable")),
        ("N/A", "made", (None, None, "not_applicable")),
        ("若干", "total", (None, None, "unparsed")),
        ("见附件", "total", (None, None, "unparsed")),
        ("71850元", "amount", (Decimal("7.185"), "元", "ok")),
        ("63363.40萬元", "amount", (Decimal("63363.4"), "万元", "ok")),
        ("251000元", "amount", (Decimal("25.1"), "元", "ok")),
        ("1000000元", "amount", (Decimal("100"), "元", "ok")),
        ("364", "amount", (Decimal(364), None, "ok")),
        ("7730.28", "fee_amount", (Decimal("7730.28"), "万元", "ok")),
        ("5条", "amount", (None, None, "unparsed")),
    ],
)
def test_parse_value(raw, col, expected):
    assert parse_value(raw, col) == expected


def test_money_is_decimal_in_plain_notation():
    value, _, _ = parse_value("1000000元", "amount")
    assert isinstance(value, Decimal) and str(value) == "100"


def test_pre2019_indicator_values():
    assert parse_value("2.5万元", "2012年度", "pre2019_stats") == (Decimal("2.5"), "万元", "ok")
    assert parse_value("294", "2012年度", "pre2019_stats") == (294, None, "ok")


@pytest.mark.parametrize(("raw", "like"), [("12", True), ("", True), ("/", True), ("2.其他法律", False), ("规章", False)])
def test_is_value_like(raw, like):
    assert is_value_like(raw) is like


_OLD_BLANK = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_OLD_MINUS_SIGNS = str.maketrans({"−": "-", "－": "-", "—": "-", "–": "-", "﹢": "+"})


def _old_clean_raw(raw: str) -> str:
    """clean_raw as it was written (translate), one cell at a time."""
    text = unicodedata.normalize("NFKC", _OLD_BLANK.sub("", raw or ""))
    return to_simplified.__wrapped__(text).translate(_OLD_MINUS_SIGNS).replace("，", ",")


_CELL_PIECES = ("0", "12", "1,234", "3.50", "−", "－", "—", "–", "﹢", "+", "，", ",", "万元", "萬元", "件", " ", "\u3000",
                "\u00a0", "\u200b", "\ufeff", "\n", "\t", "\u2028", "/", "—/", "无", "無", "ＮＡ", "１２", "¨", "a\u0301", "個")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_CELL_PIECES), max_size=6).map("".join), max_size=15))
def test_cells_cleaned_in_one_pass_as_one_by_one(raws: list[str]) -> None:
    expected = [_old_clean_raw(raw) for raw in raws]
    assert clean_raws(raws) == expected
    with one_document():
        assert clean_raws(raws) == expected
        assert [clean_raw(raw) for raw in raws] == expected  # remembered from the batch


_KEYS = [("requests", "natural_person"), ("active", "made"), ("active", "delta_items"), ("active", "amount"),
         ("requests", "fee_amount"), ("pre2019_stats", "v")]


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[0-9]{1,12}\Z"), st.sampled_from(_KEYS))
def test_plain_digits_read_as_the_number_pattern_reads_them(digits: str, key: tuple[str, str]) -> None:
    """The plain-count shortcut reads what the pattern reads (leading zeros, every column kind)."""
    from archive.parsing import values

    table, col = key
    match = values._NUMBER.match(digits)
    if table == "pre2019_stats":
        expected = values._indicator(match)
    elif col in values.MONEY_COLUMNS:
        expected = values._money(match, col)
    else:
        expected = values._count(match, col)
    assert parse_value(digits, col, table) == expected
    assert parse_value(digits, col, table)[0] == int(digits)
