"""The aligner forgets the pending labels no phrase can reach, and reads every text exactly as when
it kept them all (keeping them all made each label of a long run cost the whole run: a mutated
240 KB report of 40,000 labels took 16 s)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import archive.parsing.align as align
from archive.parsing import forms
from archive.parsing.align import align_text
from tests.support.fixture_files import fixture_path

_LABELS = sorted({label for key in ("requests", "review_litigation") for label in forms.labels(key).values()}
                 | {spec["label"] for spec in forms.table("active")["rows"].values() if "label" in spec}
                 | {phrase for _, phrases in align._ACTIVE_PHRASES + align._REQUEST_PHRASES for phrase in phrases})


def _pieces(label: str) -> list[str]:
    """A label and its halves: a copy wraps a label over lines, or glues it to the next."""
    half = len(label) // 2
    return [label, label[:half], label[half:]] if half else [label]


_PIECE = st.sampled_from(sorted({p for label in _LABELS for p in _pieces(label)}
                                | {"二、收到和处理政府信息公开申请情况", "一、主动公开政府信息情况", "三、政府信息公开行政复议、行政诉讼情况",
                                   "本年新收政府信息公开申请数量", "信息内容", "其他", "总计", "自然人", "说明"}))
_PHRASES = sorted({phrase for _, phrases in align._ACTIVE_PHRASES + align._REQUEST_PHRASES for phrase in phrases}
                  | {column.phrase for column in forms.active_columns()})


@st.composite
def _wrapped_phrase(draw) -> str:
    """A row or header phrase wrapped over two to four lines at any points: the phrase then starts
    anywhere up to its length, less one, before its last line."""
    phrase = draw(st.sampled_from(_PHRASES))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(phrase) - 1)), min_size=1, max_size=3)))
    return "\n".join(phrase[a:b] for a, b in zip([0, *cuts], [*cuts, len(phrase)]) if phrase[a:b])


_VALUE = st.sampled_from(["0", "1", "12", "/", "", "3.5"])
_LINE = st.one_of(_PIECE, _wrapped_phrase(), st.lists(_PIECE, min_size=2, max_size=4).map("".join),
                  st.tuples(_PIECE, st.lists(_VALUE, max_size=8)).map(lambda t: " ".join([t[0], *t[1]])),
                  st.lists(_VALUE, min_size=1, max_size=8).map(" ".join))


def _reading(text: str) -> tuple:
    found = align_text(text)
    return ([(c.table_key, c.row_key, c.col_key, c.raw_text, c.status) for c in found.cells], found.table_formats,
            found.found, found.problems, found.blank_rows, found.cut_row)


def _kept_whole(monkeypatch, text: str) -> tuple:
    with monkeypatch.context() as patch:
        patch.setattr(align, "_REACH", 10 ** 9)
        return _reading(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=60).map("\n".join))
def test_a_text_of_labels_and_values_reads_as_with_every_pending_label_kept(text):
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _reading(text) == _kept_whole(monkeypatch, text)


@pytest.mark.parametrize("name", ["corpus_022.txt", "corpus_028.txt", "corpus_029.txt", "corpus_030.txt",
                                  "corpus_031.txt", "corpus_032.txt", "corpus_033.txt", "seed_003.txt"])
def test_real_copies_read_as_with_every_pending_label_kept(monkeypatch, name):
    text = fixture_path(name).read_text()
    reading = _reading(text)
    assert reading[0] and reading == _kept_whole(monkeypatch, text)
