"""Chinese full-text search: an FTS5 index of overlapping character bigrams.

SQLite's unicode61 tokenizer keeps a run of Chinese characters as one token, so 复议 would only match
a document whose whole run is exactly 复议; the trigram tokenizer cannot match queries shorter than
three characters; ICU and jieba tokenizers are not available to every SQLite that opens the file.
Bigrams need nothing but stock FTS5: every run of CJK characters is indexed as its overlapping
two-character tokens (行政复议 → 行政 政复 复议), and a query is turned into the phrase of its own
bigrams, so any query of two or more characters matches exactly the documents that contain it as a
substring. A one-character query becomes a prefix query on the bigrams (复 → 复*), which misses only
occurrences at the very end of a run. Text is normalized (NFKC, simplified script) on both sides so
traditional-script reports are found by simplified queries. The index `report_search_fts` is
contentless: the bigrams are indexed, not stored, so a report's text is stored once (reports.text);
`report_search` holds one digest per indexed report.
"""

from __future__ import annotations

import hashlib
import re

import sqlite_utils

from archive.normalize import CJK, normalize_text

SEARCH_TABLE = "report_search"
FTS_TABLE = f"{SEARCH_TABLE}_fts"
_TOKEN = re.compile(rf"[{CJK}]+|[^\W{CJK}]+")
_CJK_RUN = re.compile(rf"[{CJK}]+")


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def grams(text: str) -> str:
    """The text as space-separated index tokens: CJK runs as bigrams, other words as they are."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(normalize_text(text)):
        token = match.group()
        tokens.extend(_bigrams(token) if _CJK_RUN.fullmatch(token) else [token.lower()])
    return " ".join(tokens)


def _phrase(term: str) -> str | None:
    """One query term as an FTS5 phrase of its bigrams (prefix-matched when it ends in one character)."""
    runs = _TOKEN.findall(term)
    if not runs:
        return None
    tokens: list[str] = []
    for run in runs:
        tokens.extend(_bigrams(run) if _CJK_RUN.fullmatch(run) else [run.lower()])
    prefix = "*" if _CJK_RUN.fullmatch(runs[-1]) and len(runs[-1]) == 1 else ""
    return '"' + " ".join(tokens) + '"' + prefix


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression for a user query: every whitespace-separated term must occur."""
    phrases = [p for p in (_phrase(t) for t in normalize_text(query).split()) if p]
    return " ".join(phrases) or None


def _digest(title: str | None, text: str | None) -> str:
    return hashlib.sha1(f"{title or ''}\0{text or ''}".encode("utf-8")).hexdigest()


def _create_index(db: sqlite_utils.Database) -> None:
    """The digest table and a contentless FTS5 table: the bigrams are indexed, never stored (the
    text itself is reports.text)."""
    table = db[SEARCH_TABLE]
    if table.exists() and "title" in table.columns_dict:  # an older index that stored the bigram text
        db[FTS_TABLE].drop(ignore=True)
        for suffix in ("_data", "_idx", "_docsize", "_config", "_content"):
            db.execute(f"drop table if exists [{FTS_TABLE}{suffix}]")
        table.drop()
    if not table.exists():
        table.create({"report_id": int, "digest": str}, pk="report_id")
    if not db[FTS_TABLE].exists():
        db.execute(f"create virtual table [{FTS_TABLE}] using fts5(title, text, content='', "
                   "tokenize='unicode61')")


def build_search_index(db: sqlite_utils.Database) -> int:
    """Bring `report_search` and its FTS index up to date with `reports`; returns rows (re)indexed.

    New reports are added; a contentless index cannot drop one report's old tokens, so when an
    indexed report changed or went away (a reparse) the index is rebuilt from reports.text."""
    _create_index(db)
    indexed = dict(db.execute(f"select report_id, digest from {SEARCH_TABLE}").fetchall())
    rows = db.execute("select id, title, text from reports").fetchall()
    digests = {report_id: _digest(title, text) for report_id, title, text in rows}
    stale = any(digests.get(report_id) != digest for report_id, digest in indexed.items())
    with db.atomic():
        if stale:
            db.execute(f"insert into [{FTS_TABLE}]([{FTS_TABLE}]) values ('delete-all')")
            db.execute(f"delete from {SEARCH_TABLE}")
            indexed = {}
        changed = 0
        for report_id, title, text in rows:
            if report_id in indexed:
                continue
            db.execute(f"insert into [{FTS_TABLE}](rowid, title, text) values (?, ?, ?)",
                       [report_id, grams(title or ""), grams(text or "")])
            db.execute(f"insert into {SEARCH_TABLE} (report_id, digest) values (?, ?)",
                       [report_id, digests[report_id]])
            changed += 1
    return changed


def search_ids(db: sqlite_utils.Database, query: str) -> list[int]:
    """Report ids matching `query`, best match first."""
    expression = fts_query(query)
    if expression is None:
        return []
    rows = db.execute(f"select rowid from {FTS_TABLE} where {FTS_TABLE} match ? order by rank",
                      [expression]).fetchall()
    return [row[0] for row in rows]


def snippet(text: str | None, query: str, width: int = 40) -> str:
    """The text around the first occurrence of the query's first term (plain text, for display)."""
    if not text:
        return ""
    terms = normalize_text(query).split()
    normalized = " ".join(normalize_text(text).split())
    position = normalized.find(terms[0]) if terms else -1
    if position < 0:
        return normalized[: width * 2]
    start = max(0, position - width)
    return ("…" if start else "") + normalized[start: position + len(terms[0]) + width] + "…"


def highlight(text: str, query: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is a match) at every occurrence of one of the query's terms."""
    terms = sorted(set(normalize_text(query).split()), key=len, reverse=True)
    if not text or not terms:
        return [(text, False)] if text else []
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in re.finditer("|".join(map(re.escape, terms)), text, flags=re.IGNORECASE):
        if match.start() > last:
            pieces.append((text[last:match.start()], False))
        pieces.append((match.group(), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces
