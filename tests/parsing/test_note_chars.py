"""The table-note pre-filter: no character outside _NOTE_CHARS normalizes to a text holding 注."""

from __future__ import annotations

import sys

import pytest

from archive.normalize import normalize_label
from archive.parsing.tables import _NOTE_CHARS


@pytest.mark.slow
def test_only_the_note_characters_normalize_to_zhu() -> None:
    found = {chr(i) for i in range(0x20, sys.maxunicode + 1)
             if not 0xD800 <= i < 0xE000 and "注" in normalize_label(chr(i))}
    assert found == {"注", "註", "㊟"}
    assert all(_NOTE_CHARS.search(c) for c in found)
