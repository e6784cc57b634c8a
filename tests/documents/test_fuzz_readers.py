"""Fuzzing the readers, the fast part (benchmarks/fuzz_readers.py runs it for a fixed time): mutated
real reports always come back as a ParsedReport with a status, never an exception or an error status."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.mutations import mutate, mutate_package, real_documents
from archive.parsing import checks, parse_report

CORPUS = [(p.suffix, p.read_bytes()) for p in [*real_documents("corpus_021.html"), *real_documents("corpus_0*.txt")[:4],
                                               *real_documents("seed_003.docx"), *real_documents("seed_003.xlsx")]]
TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".docx": None, ".xlsx": None}


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=len(CORPUS) - 1))
def test_a_mutated_document_always_gets_a_status(seed: int, which: int) -> None:
    suffix, body = CORPUS[which]
    rng = random.Random(seed)
    mutated = mutate_package(body, rng) if suffix in (".docx", ".xlsx") else mutate(body, rng)
    parsed = parse_report(mutated, content_type=TYPES[suffix])
    assert isinstance(parsed.parse_status, str) and parsed.parse_status
    assert not parsed.parse_status.startswith("error:"), (parsed.parse_status, parsed.notes)


def test_mutations_are_deterministic_per_seed() -> None:
    suffix, body = CORPUS[0]
    assert mutate(body, random.Random(5)) == mutate(body, random.Random(5)) != body


OLD_COMPLETED = re.compile(r"(\d+)件(?:申请)?(?:均已|已全部|全部)[^。;,]{0,8}?办结")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1", "0", "件", "申请", "均已", "全部", "办结", "。", "a"]), max_size=25).map("".join))
def test_the_completed_claim_finds_what_it_found(text: str) -> None:
    """The fuzzer found `(\\d+)件` quadratic over a long run of digits: anchored at the run's start now."""
    new, old = checks._NARRATIVE_CLAIMS[1][1].search(text), OLD_COMPLETED.search(text)
    assert (new and new.group(1)) == (old and old.group(1))
