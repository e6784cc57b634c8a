"""One printed table cell → (value, unit, status) per format-spec §6.4; the raw text is kept by the caller."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from archive.normalize import in_one_pass, nfkc, remembered, to_simplified, without_blanks
from archive.parsing import forms

ParsedValue = tuple[int | Decimal | None, str | None, str]

# Columns whose values are money (§6.1); everything else outside pre2019_stats is a count.
MONEY_COLUMNS = forms.money_columns()
# The only columns where a sign is meaningful (本年增/减).
SIGNED_COLUMNS = forms.signed_columns()
# Units a column header states, so a bare number in that column carries it (本年收费金额（单位：万元）).
HEADER_UNITS = forms.header_units()

_NOT_APPLICABLE = frozenset({"/", "-", "--", "---", "—", "——", "–", "无", "N/A", "n/a", "NA"})
_BLANK = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_MONEY_UNITS = {"万元": Decimal(1), "元": Decimal("0.0001")}
_COUNT_UNITS = ("件", "项", "个", "条", "次", "人次", "篇", "人", "家", "场")
_UNITS = "|".join(sorted((*_MONEY_UNITS, *_COUNT_UNITS), key=len, reverse=True))
# Sign, digits with optional thousands separators, optional decimals, optional known unit.
_NUMBER = re.compile(
    rf"^(?P<sign>[+\-]?)(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<frac>\d+))?(?P<unit>{_UNITS})?$"
)


def _signs(text: str) -> str:
    """Minus and plus signs and the full-width comma as ASCII."""
    for sign, ascii_sign in (("−", "-"), ("－", "-"), ("—", "-"), ("–", "-"), ("﹢", "+"), ("，", ",")):
        if sign in text:
            text = text.replace(sign, ascii_sign)
    return text


@remembered  # cell texts repeat (0, /, 1…): each converted once per document
def clean_raw(raw: str) -> str:
    """NFKC, simplified script, no whitespace: the form a value is parsed from."""
    text = nfkc(_BLANK.sub("", raw or ""))
    return _signs(to_simplified(text))


def clean_raws(raws: list[str]) -> list[str]:
    """clean_raw of each cell text, in one pass over them all (as normalize.normalize_texts)."""
    return in_one_pass(clean_raw, raws, _cleaning_pass)


def _cleaning_pass(joined: str) -> list[str]:
    return _signs(to_simplified.__wrapped__(nfkc(without_blanks(joined)))).split("\n")


def is_blank(raw: str) -> bool:
    return not clean_raw(raw)


def is_value_like(raw: str) -> bool:
    """True for what can stand in a value cell: blank, a not-applicable mark, or a number with a unit."""
    text = clean_raw(raw)
    return not text or text in _NOT_APPLICABLE or _NUMBER.match(text) is not None


def _number(match: re.Match[str]) -> int | Decimal:
    digits = match["int"].replace(",", "")
    sign = -1 if match["sign"] == "-" else 1
    if match["frac"] is None:
        return sign * int(digits)
    return sign * Decimal(f"{digits}.{match['frac']}")


def _tidy(amount: Decimal) -> Decimal:
    """Trailing zeros dropped without switching to exponent form (7.1850 → 7.185, 100 stays 100)."""
    tidy = amount.normalize()
    return tidy if tidy.as_tuple().exponent <= 0 else tidy.quantize(Decimal(1))


def _money(match: re.Match[str], col_key: str) -> ParsedValue:
    unit = match["unit"] or None
    if (unit is not None and unit not in _MONEY_UNITS) or match["sign"] == "-":
        return None, None, "unparsed"
    amount = Decimal(_number(match))
    if unit is not None:
        amount = amount * _MONEY_UNITS[unit]
    amount = _tidy(amount)
    return amount, unit or HEADER_UNITS.get(col_key), "ok"


def _count(match: re.Match[str], col_key: str) -> ParsedValue:
    unit = match["unit"] or None
    value = _number(match)
    if isinstance(value, Decimal) or (match["sign"] and col_key not in SIGNED_COLUMNS):
        # A decimal or signed count cannot be a count of requests or documents (§6.4).
        return None, None, "unparsed"
    return value, unit, "ok"


def _indicator(match: re.Match[str]) -> ParsedValue:
    """Pre-2019 indicator values: any number, money converted to 万元 like the standard tables."""
    unit = match["unit"] or None
    if unit in _MONEY_UNITS:
        return _tidy(Decimal(_number(match)) * _MONEY_UNITS[unit]), unit, "ok"
    return _number(match), unit, "ok"


def parse_value(raw: str, col_key: str, table_key: str | None = None) -> ParsedValue:
    """(value, unit, status) of one cell; money columns are normalized to 万元 keeping the printed unit.

    A bare number in `amount` (采购总金额, whose template states no unit) gets unit None; in
    `fee_amount` the header states 万元, so that is its unit.
    """
    text = clean_raw(raw)
    if not text:
        return None, None, "blank"
    if text in _NOT_APPLICABLE:
        return None, None, "not_applicable"
    if text.isdigit() and text.isascii() and col_key not in MONEY_COLUMNS and table_key != "pre2019_stats":
        return int(text), None, "ok"  # most cells: a plain count, read without the pattern (a tenth of the time)
    match = _NUMBER.match(text)
    if match is None:
        return None, None, "unparsed"
    try:
        if table_key == "pre2019_stats":
            return _indicator(match)
        if col_key in MONEY_COLUMNS:
            return _money(match, col_key)
        return _count(match, col_key)
    except (InvalidOperation, ValueError):
        return None, None, "unparsed"
