"""Report pages of one portal for compression tests and benchmarks: one real page's head and foot
around a different report text each (the demo portal's copies of real reports).

A portal's pages share their template, not their reports: a dictionary trained on some of them
should be judged on pages whose texts it never saw. Each page's text lines are shuffled (seeded),
so that no two pages carry the same text even when they start from the same report.
"""

from __future__ import annotations

import random
from html import escape
from pathlib import Path

CONTENT = Path(__file__).resolve().parent / "content"
TEMPLATE = CONTENT / "shanghai_021.html"


def report_texts() -> list[str]:
    """The demo portal's copied report texts, in name order."""
    return [path.read_text(encoding="utf-8") for path in sorted(CONTENT.glob("*.txt"))]


def template_pages(texts: list[str], count: int, seed: int) -> list[bytes]:
    """`count` pages: the template's first third and last sixth around texts[n % len(texts)]."""
    page = TEMPLATE.read_text(encoding="utf-8")
    head, foot = page[:len(page) // 3], page[-len(page) // 6:]
    rng = random.Random(seed)
    pages = []
    for n in range(count):
        lines = [line for line in texts[n % len(texts)].splitlines() if line.strip()]
        rng.shuffle(lines)
        main = "".join(f"<p style='text-indent:2em'>{escape(line)}</p>" for line in lines)
        pages.append(f"{head}<h1>第{n}局2019年政府信息公开工作年度报告</h1>{main}{foot}".encode())
    return pages
