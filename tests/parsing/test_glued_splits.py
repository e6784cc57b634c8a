"""Glued digit runs ("4251516" for 425 | 1516) split into a row's cells: every split without leading
zeros that the row's own identity allows, reported unique, none, or more than one; a run with more
candidate splits than `_SPLIT_LIMIT` is more than one at once, however long."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

import archive.parsing.align as align
from archive.parsing.align import split_glued


def _every_split(digits: str, width: int, check) -> list[list[str]]:
    """All splits, by brute force (the reference: no limit, no early stop)."""
    found = []
    for cuts in combinations(range(1, len(digits)), width - 1):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)))]
        if not any(len(p) > 1 and p[0] == "0" for p in parts) and check([int(p) for p in parts]):
            found.append(parts)
    return found


def _total(values: list[int]) -> bool:
    return values[-1] == sum(values[:-1])


@settings(max_examples=400, deadline=None)
@given(st.text("0123456789", min_size=1, max_size=16), st.integers(1, 7), st.booleans())
def test_a_split_is_unique_none_or_more_exactly_as_every_split_says(digits, width, totalled):
    check = _total if totalled else (lambda values: True)
    every, found = _every_split(digits, width, check), split_glued(digits, [width], check)
    assert (min(len(found), 2), found[0] if len(found) == 1 else None) == (
        min(len(every), 2), every[0] if len(every) == 1 else None)


def test_a_run_with_too_many_splits_is_more_than_one_without_trying_them(monkeypatch):
    tried = []
    monkeypatch.setattr(align, "combinations", lambda *args: tried.append(args) or iter(()))
    assert (split_glued("1" * 100_000, [7], _total), tried) == ([[], []], [])
    assert split_glued("10" * 6, [7], lambda values: True) == [] and tried == [(range(1, 12), 6)]
