"""The table-note pre-filter: no character outside _NOTE_CHARS normalizes to a text holding 注."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from archive.normalize import normalize_label
from archive.parsing.tables import _NOTE, _NOTE_CHARS, _notes_after_tables


@pytest.mark.slow
def test_only_the_note_characters_normalize_to_zhu() -> None:
    found = {chr(i) for i in range(0x20, sys.maxunicode + 1)
             if not 0xD800 <= i < 0xE000 and "注" in normalize_label(chr(i))}
    assert found == {"注", "註", "㊟"}
    assert all(_NOTE_CHARS.search(c) for c in found)


def _old_notes_after_tables(root) -> list[str]:
    """_notes_after_tables as it was written: every sibling's itertext joined, then tested."""
    notes = []
    for table in root.iter("table"):
        sibling = table.getnext()
        for _ in range(2):
            if sibling is None or not isinstance(sibling.tag, str):
                break
            text = " ".join(sibling.itertext()).strip()
            if _NOTE_CHARS.search(text) and _NOTE.match(normalize_label(text)):
                notes.append(text)
            sibling = sibling.getnext()
    return notes


_SIBLING_PIECES = ("<p>", "</p>", "注：", "（注:", "註:", "㊟", "<!--注:-->", "<?pi 注?>", "<script>注:x</script>",
                   "<span>", "</span>", "采购", " ", "\n", "2018年", "<b>", "</b>", "<br>")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_SIBLING_PIECES), max_size=10).map("".join), min_size=1, max_size=4))
def test_notes_after_tables_as_the_itertext_reading(siblings: list[str]) -> None:
    page = "<html><body>" + "".join(f"<table><tr><td>1</td></tr></table><div>{s}</div>" for s in siblings) + "</body></html>"
    root = etree.fromstring(page, etree.HTMLParser())
    assert _notes_after_tables(root) == _old_notes_after_tables(root)


def test_notes_after_tables_read_a_note_and_skip_the_rest() -> None:
    page = ("<html><body><table><tr><td>1</td></tr></table><p>（注:采购为2018年度数据）</p><div>采购<!--注:--></div>"
            "<table><tr><td>2</td></tr></table><div>注意事项</div></body></html>")
    assert _notes_after_tables(etree.fromstring(page, etree.HTMLParser())) == ["（注:采购为2018年度数据）"]
