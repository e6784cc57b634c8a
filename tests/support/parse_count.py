"""Runs `scrapy crawl` with every lxml parse of the crawl process counted, per text parsed.

    python -m tests.support.parse_count COUNTS.json crawl gov_reports -a … -s …

Each call of lxml's fromstring / HTML / XML (what parsel and lxml.html parse with) is counted under
the sha256 of the text it was given, stripped (parsel strips it, lxml.html does not); the counts are
written to COUNTS.json when the crawl process exits. Parser worker processes are spawned, so their
parses are not counted: only what the crawl itself parses.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from lxml import etree

PARSES: Counter[str] = Counter()


def text_key(text: str | bytes) -> str:
    """The key a parsed text is counted under (bytes are parsel's UTF-8 encoding of its text)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def _counted(parse):
    def counting(text, *args, **kwargs):
        PARSES[text_key(text)] += 1
        return parse(text, *args, **kwargs)
    return counting


def main() -> None:
    out = Path(sys.argv[1])
    for name in ("fromstring", "HTML", "XML"):
        setattr(etree, name, _counted(getattr(etree, name)))
    atexit.register(lambda: out.write_text(json.dumps(PARSES)))
    from scrapy.cmdline import execute

    execute(["scrapy", *sys.argv[2:]])


if __name__ == "__main__":
    main()
