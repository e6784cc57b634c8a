"""Arithmetic identities and soft checks of one report (format-spec §7), a pure function of its cells.

Hard identities (§7.1, §7.2) are evaluated per column/row with blank and not-applicable cells read
as zero, and labelled (§7.4), in this order:

- ``unknown``: an involved cell is ``unparsed``, or missing (the reader says the copy never showed
  it: text cut off mid-table, a row it could not place) — not evaluated, never the report's fault;
- ``empty``: no addend is printed and the total is blank or 0 (nothing was reported);
- ``pass``: total = sum of parts;
- ``fail_total_blank``: the total cell(s) are blank while the parts are not;
- ``fail_parts_blank``: a non-zero total whose parts are all blank;
- ``fail``: otherwise. Every fail carries ``difference = total − sum of parts``.

A cell the table extractor did not emit, and did not report missing, counts as blank. The identities
themselves are the model's (`forms.yaml`, `identities`). Identities over a table that is absent (no
cell and no detected format) are not evaluated at all.

Each family (``I1``, ``I2``, ``I3``, ``review_litigation_totals``) also gets one summary Check whose
result is its worst member, by ``FAMILY_ORDER`` (worst first): a real ``fail`` beats the presentation
gaps, which beat ``unknown``; ``empty`` is reported only when every member is empty.

Soft checks (S1–S5 within a report, X1–X3 across years) have ``severity="soft"`` and result
``pass`` or ``warning``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple
from decimal import Decimal

from archive.parsing import forms
from archive.parsing.model import Cell, Check, ParsedReport

Number = int | Decimal

REQUEST_COLUMNS = forms.request_columns()
APPLICANT_COLUMNS = forms.applicant_columns()
OTHER_2021 = tuple(key for key in forms.request_rows("2021") if key.startswith("other."))
REVIEW_ROWS = forms.review_rows()
REVIEW_PARTS = tuple(forms.model()["identities"]["RL"]["parts"])
FAMILY_ORDER = ("fail", "fail_total_blank", "fail_parts_blank", "unknown", "pass", "empty")
_BLANKISH = ("blank", "not_applicable")
_MONEY_COLUMNS = forms.money_columns()

Grid = Mapping[tuple[str, str, str], Cell]


class _Term(NamedTuple):
    """A cell as read by an identity: value (blank as 0), whether printed, whether parseable (a tuple:
    hundreds are built per report)."""

    value: Number
    printed: bool
    parsed: bool
    missing: bool = False  # the copy never showed this cell (text cut off, row not placed)


def cell_grid(cells: Iterable[Cell]) -> dict[tuple[str, str, str], Cell]:
    """Printed cells by (table, row, col); derived cells never take part in identities."""
    return {(c.table_key, c.row_key, c.col_key): c for c in cells if c.status != "derived"}


# The terms most cells read as, made once: a report's identities read about 180 cells.
_BLANK_TERM = _Term(0, False, True)
_MISSING_TERM = _Term(0, False, True, missing=True)
_UNPARSED_TERM = _Term(0, True, False)


def _term(grid: Grid, key: tuple[str, str, str], missing: Collection[tuple[str, str, str]] = ()) -> _Term:
    cell = grid.get(key)
    if cell is None and key in missing:
        return _MISSING_TERM
    if cell is None or cell.status in _BLANKISH:
        return _BLANK_TERM
    if cell.status == "unparsed" or cell.value is None:
        return _UNPARSED_TERM
    return _Term(cell.value, True, True)


def _read(terms: list[_Term]) -> tuple[Number, bool] | None:
    """(Σ values, any printed) of terms that are all shown and parsed; None otherwise."""
    total: Number = 0
    printed = False
    for term in terms:
        if term.missing or not term.parsed:
            return None
        total += term.value
        printed = printed or term.printed
    return total, printed


def evaluate(totals: list[_Term], parts: list[_Term]) -> tuple[str, Number | None]:
    """One identity Σ totals = Σ parts → (result, difference total − parts) per the module rules."""
    read_totals, read_parts = _read(totals), _read(parts)
    if read_totals is None or read_parts is None:
        return "unknown", None
    (total, totals_printed), (part_sum, parts_printed) = read_totals, read_parts
    difference = total - part_sum
    if not parts_printed and total == 0:
        return "empty", None
    if difference == 0:
        return "pass", 0
    if not totals_printed:
        return "fail_total_blank", difference
    if not parts_printed and total != 0:
        return "fail_parts_blank", difference
    return "fail", difference


def _identity(member: forms.Identity, grid: Grid, missing: Collection[tuple[str, str, str]],
              terms: Mapping[tuple[str, str, str], _Term] | None = None) -> Check:
    """One identity; `terms` are the cells already read as terms (identities share cells)."""
    if terms is None:
        terms = {k: _term(grid, k, missing) for k in member.totals + member.parts}
    result, difference = evaluate([terms[k] for k in member.totals], [terms[k] for k in member.parts])
    detail = "not evaluated: cells missing from the copy" if result == "unknown" and any(
        k in missing and k not in grid for k in member.totals + member.parts) else None
    return Check(identity=member.name, result=result, difference=difference, detail=detail)


def family_summary(family: str, members: list[Check]) -> Check:
    """The worst member result (FAMILY_ORDER) with a count of each result as detail."""
    results = [m.result for m in members]
    worst = min(results, key=FAMILY_ORDER.index)
    detail = ", ".join(f"{r} {results.count(r)}" for r in FAMILY_ORDER if r in results)
    return Check(identity=family, result=worst, detail=detail)


def _present(grid: Grid, table_formats: Mapping[str, str], table: str) -> bool:
    return table in table_formats or any(key[0] == table for key in grid)


def _requests_format(grid: Grid, table_formats: Mapping[str, str]) -> str:
    fmt = table_formats.get("requests")
    has_2021_rows = any(("requests", row, col) in grid for row in OTHER_2021 for col in REQUEST_COLUMNS)
    return "2021" if fmt == "2021" or (fmt != "2019" and has_2021_rows) else "2019"


def model_identities(grid: Grid, table_formats: Mapping[str, str], table_key: str,
                     missing: Collection[tuple[str, str, str]] = ()) -> list[Check]:
    """The model's identities over one table, each family's members followed by its summary."""
    checks: list[Check] = []
    fmt = _requests_format(grid, table_formats)
    families = _families(fmt, table_key)
    terms = {k: _term(grid, k, missing) for k in _family_keys(fmt, table_key)}
    for family, members in families:
        family_checks = [_identity(m, grid, missing, terms) for m in members]
        checks += family_checks + [family_summary(family, family_checks)]
    return checks


def member_results(grid: Grid, table_formats: Mapping[str, str], table_key: str,
                   missing: Collection[tuple[str, str, str]] = ()) -> list[tuple[str, str]]:
    """(name, result) of each member model_identities lists, without making the checks (a reading
    is scored by its failing members, twice per table)."""
    fmt = _requests_format(grid, table_formats)
    terms = {k: _term(grid, k, missing) for k in _family_keys(fmt, table_key)}
    return [(m.name, evaluate([terms[k] for k in m.totals], [terms[k] for k in m.parts])[0])
            for _, members in _families(fmt, table_key) for m in members]


@lru_cache(maxsize=None)
def _family_keys(fmt: str, table_key: str) -> tuple[tuple[str, str, str], ...]:
    """Every cell the model's identities over one table read, once."""
    return tuple(dict.fromkeys(k for _, members in _families(fmt, table_key) for m in members
                               for k in m.totals + m.parts))


@lru_cache(maxsize=None)
def _families(fmt: str, table_key: str) -> tuple[tuple[str, tuple[forms.Identity, ...]], ...]:
    """The model's identities over one table grouped by family, in the model's order."""
    members = [m for m in forms.identities(fmt) if m.table == table_key]
    return tuple((family, tuple(m for m in members if m.family == family))
                 for family in dict.fromkeys(m.family for m in members))


def request_identities(grid: Grid, table_formats: Mapping[str, str],
                       missing: Collection[tuple[str, str, str]] = ()) -> list[Check]:
    """I1 and I2 per column, I3 per row, each followed by its family summary."""
    return model_identities(grid, table_formats, "requests", missing)


def review_identities(grid: Grid, missing: Collection[tuple[str, str, str]] = ()) -> list[Check]:
    """RL:<row>: total = 维持 + 纠正 + 其他 + 尚未审结, and the family summary."""
    return model_identities(grid, {}, "review_litigation", missing)


def _soft(name: str, problems: list[str]) -> Check:
    return Check(identity=name, result="warning" if problems else "pass", severity="soft",
                 detail="; ".join(problems) or None)


def s1_values(grid: Grid) -> Check:
    """S1: counts are integers ≥ 0 (signed only in delta_items; money may be decimal)."""
    problems = []
    for (table, row, col), cell in grid.items():
        if cell.status != "ok" or cell.value is None or col in _MONEY_COLUMNS:
            continue
        integral = isinstance(cell.value, int) or cell.value == cell.value.to_integral_value()
        if not integral or (cell.value < 0 and col != "delta_items"):
            problems.append(f"{table}.{row}.{col}={cell.raw_text}")
    return _soft("S1", problems)


def _value(grid: Grid, key: tuple[str, str, str]) -> Number | None:
    cell = grid.get(key)
    return cell.value if cell is not None and cell.status == "ok" else None


def s2_s3_active(grid: Grid, table_formats: Mapping[str, str]) -> list[Check]:
    """S2 (2019): 对外公开总数量 ≥ 本年新公开数量; S3 (2021): 现行有效件数 ≥ 0."""
    checks = []
    fmt = table_formats.get("active")
    for row in ("art20_1.regulations", "art20_1.normative_docs"):
        if fmt == "2019":
            total, new = _value(grid, ("active", row, "public_total")), _value(grid, ("active", row, "published"))
            if total is not None and new is not None:
                checks.append(_soft(f"S2:{row}", [] if total >= new else [f"{total} < {new}"]))
        elif fmt == "2021":
            in_force = _value(grid, ("active", row, "in_force"))
            if in_force is not None:
                checks.append(_soft(f"S3:{row}", [] if in_force >= 0 else [f"in_force {in_force}"]))
    return checks


def s4_fees(grid: Grid, section_six: str | None) -> list[Check]:
    """S4 (2021): requests dropped for unpaid fees should be explained in section 六."""
    unpaid = _value(grid, ("requests", "other.fee_unpaid", "total"))
    if not unpaid or unpaid <= 0:
        return []
    mentioned = bool(section_six) and bool(re.search(r"收费通知|信息处理费", section_six))
    return [_soft("S4", [] if mentioned else [f"fee_unpaid {unpaid} but section 六 is silent"])]


_NARRATIVE_CLAIMS: tuple[tuple[str, re.Pattern[str], tuple[tuple[str, str, str], ...]], ...] = (
    ("S5:received", re.compile(r"(?:收到|受理|新收)[^。;,]{0,14}?申请(?:数量)?(?:共计?|合计)?(\d+)件"),
     (("requests", "new_received", "total"),)),
    # A number not after a digit, written to start with its first digit (a lookbehind first is tested
    # at every character).
    ("S5:completed", re.compile(r"(\d(?<!\d\d)\d*)件(?:申请)?(?:均已|已全部|全部)[^。;,]{0,8}?办结"),
     (("requests", "total_processed", "total"),)),
    ("S5:review", re.compile(r"行政复议(?:案件|数为?)?(?:共)?(\d+)件"),
     (("review_litigation", "review", "total"),)),
    ("S5:litigation", re.compile(r"行政诉讼(?:案件|数为?)?(?:共)?(\d+)件"),
     (("review_litigation", "litigation_direct", "total"),
      ("review_litigation", "litigation_after_review", "total"))),
)
_ALL_DONE = re.compile(r"(?:均已|全部)[^。;,]{0,8}?办结")


def s5_narrative(grid: Grid, narrative: str | None) -> list[Check]:
    """S5: totals restated in the intro/section 一 (收到申请N件, N件均已办结, 复议N件…) vs the tables."""
    if not narrative:
        return []
    text = "".join(narrative.split())  # every whitespace character (as \s matches them), removed in C
    checks = []
    for name, pattern, keys in _NARRATIVE_CLAIMS:
        match = pattern.search(text)
        values = [_value(grid, key) for key in keys]
        if not match or all(v is None for v in values):
            continue
        stated, table = int(match.group(1)), sum(v or 0 for v in values)
        checks.append(_soft(name, [] if stated == table else [f"text {stated}, table {table}"]))
    forward = _value(grid, ("requests", "carried_forward", "total"))
    if _ALL_DONE.search(text) and forward:
        checks.append(_soft("S5:carried_forward", [f"text says all completed, table carries {forward} forward"]))
    return checks


def report_checks(cells: Iterable[Cell], table_formats: Mapping[str, str], *,
                  narrative: str | None = None, section_six: str | None = None,
                  missing: Collection[tuple[str, str, str]] = ()) -> list[Check]:
    """All within-report checks: I1–I3 and RL members with family summaries, then S1–S5.

    `missing` are the cells the reader knows the copy never showed (text cut off mid-table, a row
    it could not place): an identity over one of them is `unknown`, never a fault of the report.
    """
    grid = cell_grid(cells)
    missing = frozenset(missing)
    checks: list[Check] = []
    if _present(grid, table_formats, "requests"):
        checks += request_identities(grid, table_formats, missing)
    if _present(grid, table_formats, "review_litigation"):
        checks += review_identities(grid, missing)
    if grid:
        checks.append(s1_values(grid))
    checks += s2_s3_active(grid, table_formats)
    checks += s4_fees(grid, section_six)
    checks += s5_narrative(grid, narrative)
    return checks


def _cells_and_formats(report: ParsedReport | list[Cell]) -> tuple[Grid, Mapping[str, str]]:
    if isinstance(report, ParsedReport):
        return cell_grid(report.cells), report.table_formats
    grid = cell_grid(report)
    cols = {key[2] for key in grid if key[0] == "active"}
    fmt = "2021" if cols & {"issued", "in_force"} else "2019" if cols & {"made", "prev_items"} else None
    return grid, ({"active": fmt} if fmt else {})


def _cross(name: str, later: _Term, earlier: list[_Term]) -> Check | None:
    result, difference = evaluate([later], earlier)
    if result == "empty":
        return None
    if result == "unknown":
        return Check(identity=name, result="unknown", severity="soft")
    return Check(identity=name, result="pass" if result == "pass" else "warning", difference=difference,
                 severity="soft")


def cross_year_checks(earlier: ParsedReport | list[Cell], later: ParsedReport | list[Cell]) -> list[Check]:
    """X1 (结转 chain per column), X2 (2021 现行有效 chain), X3 (2019 项目数 chain); soft, signed differences.

    Differences are later − earlier. Active-table checks need both years in the same format (§7.3 X4).
    """
    old, old_formats = _cells_and_formats(earlier)
    new, new_formats = _cells_and_formats(later)
    checks: list[Check | None] = [
        _cross(f"X1:{c}", _term(new, ("requests", "carried_over", c)),
               [_term(old, ("requests", "carried_forward", c))])
        for c in REQUEST_COLUMNS
    ]
    fmt = new_formats.get("active")
    if fmt and fmt == old_formats.get("active") == "2021":
        for row in forms.cross_year()["X2"]["rows"]:
            issued, repealed = _term(new, ("active", row, "issued")), _term(new, ("active", row, "repealed"))
            negative = _Term(-repealed.value, repealed.printed, repealed.parsed)
            checks.append(_cross(f"X2:{row}", _term(new, ("active", row, "in_force")),
                                 [_term(old, ("active", row, "in_force")), issued, negative]))
    if fmt and fmt == old_formats.get("active") == "2019":
        for row in forms.cross_year()["X3"]["rows"]:
            checks.append(_cross(f"X3:{row}", _term(new, ("active", row, "prev_items")),
                                 [_term(old, ("active", row, "prev_items")),
                                  _term(old, ("active", row, "delta_items"))]))
    return [c for c in checks if c is not None]
