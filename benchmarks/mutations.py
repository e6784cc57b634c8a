"""Mutations of real documents for fuzzing the readers: what a damaged or hostile portal may serve.

Seeded and deterministic (one `random.Random` drives every choice), shared by the fast property test
(tests/documents/test_fuzz_readers.py) and the timed run (benchmarks/fuzz_readers.py).
A fuzzing aid, not product code: it lives beside the benchmark.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The demo portal's names for real reports the tests also hold (the test layout keeps one copy).
_DEMO_NAMES = {"corpus_021.html": "shanghai_021.html", "022.pdf": "hongze_022.pdf"}


def real_documents(pattern: str) -> list[Path]:
    """Real documents by file name pattern, wherever the tests or the demo portal keep them."""
    found = sorted(ROOT.glob(f"tests/**/{pattern}"))
    return found or sorted(ROOT.glob(f"demo_portal/content/**/{_DEMO_NAMES.get(pattern, pattern)}"))


def real_document(name: str) -> bytes:
    return real_documents(name)[0].read_bytes()

# Markup that makes naive readers quadratic or deep: long runs, deep nesting, huge attributes.
_HOSTILE_PIECES = (b"<li>", b"<div>", b"</div>", b"<table><tr><td rowspan=9999 colspan=9999>", b"<td>", b"<tr>",
                   b"\\", b"'", b'"', b"/*", b"<!--", b"<script>", b"location.href='", b"xxgkAnnualReport.jsp?",
                   " \u3000\n".encode(), "索 引 号:".encode(), "一、".encode(), "2023年".encode(), b"&#", b"\x00",
                   "浏览次数：".encode(), b"a" * 64, b"0" * 32)


def mutate(body: bytes, rng: random.Random) -> bytes:
    """One to four random edits: bit flips, cuts, spliced or repeated runs, hostile markup inserted."""
    data = bytearray(body)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if choice == 0 and data:
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif choice == 1:
            data = data[:at]  # a body cut short
        elif choice == 2 and data:
            start = rng.randrange(len(data))
            data[at:at] = data[start:start + rng.randint(1, 4096)]
        elif choice == 3:
            data[at:at] = rng.choice(_HOSTILE_PIECES) * rng.randint(1, 20_000)
        elif choice == 4 and data:
            end = min(len(data), at + rng.randint(1, 2048))
            del data[at:end]
        else:
            data[at:at] = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 256)))
    return bytes(data)


def mutate_package(body: bytes, rng: random.Random) -> bytes:
    """A DOCX/XLSX with one member's XML mutated (the zip container kept valid), or the zip itself mutated."""
    try:
        source = zipfile.ZipFile(io.BytesIO(body))
        members = source.infolist()
    except zipfile.BadZipFile:
        return mutate(body, rng)
    if rng.random() < 0.3 or not members:
        return mutate(body, rng)
    target = rng.choice([m for m in members if m.filename.endswith(".xml")] or members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for member in members:
            data = source.read(member)
            package.writestr(member.filename, mutate(data, rng) if member is target else data)
    return out.getvalue()
