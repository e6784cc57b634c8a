"""Chinese full-text search: an FTS5 index of overlapping character bigrams.

SQLite's unicode61 tokenizer keeps a run of Chinese characters as one token, so 复议 would only match
a document whose whole run is exactly 复议; the trigram tokenizer cannot match queries shorter than
three characters; ICU and jieba tokenizers are not available to every SQLite that opens the file.
Bigrams need nothing but stock FTS5: every run of CJK characters is indexed as its overlapping
two-character tokens (行政复议 → 行政 政复 复议). A query term matches the documents whose title or
text holds the phrase of its own bigrams, so any query of two or more characters matches exactly the
documents that contain it as a substring. The last character of a run is indexed on its own as well
(行政复议 → … 复议 议), so a one-character query, a prefix query (复 → 复*), also finds a character
that only ends a run. Text is normalized (NFKC, simplified script) on both sides so traditional-script
reports are found by simplified queries.

The index `report_search_fts` is contentless and keeps no positions (detail=none): it says which
reports hold a bigram, in a seventh of the bytes of a positional index. A term of one token (a
two-character query) is answered by the index alone; a longer term is the AND of its bigrams, and
each candidate is then checked for the phrase itself in its title and text (`cjk_match`), so the
results are those of the positional phrase query. Tokens are exactly the tokenizer's (words split
at underscores, no diacritic folding), so that the check sees the tokens the index has.
`report_search` holds one digest per indexed report; a report's text is stored once (reports.text).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from array import array
from dataclasses import dataclass

import sqlite_utils

from archive.normalize import CJK, normalize_text
from archive.store import register_body_function

SEARCH_TABLE = "report_search"
FTS_TABLE = f"{SEARCH_TABLE}_fts"
# Words as FTS5's unicode61 tokenizer cuts them (letters and digits; an underscore separates).
_TOKEN = re.compile(rf"[{CJK}]+|[^\W_{CJK}]+")
logger = logging.getLogger(__name__)
TOKENIZER = "unicode61 remove_diacritics 0"
_CJK_RUN = re.compile(rf"[{CJK}]+")


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def _tokens(text: str, *, run_ends: bool = False) -> list[str]:
    """Tokens of normalized text: CJK runs as bigrams (run_ends: then the run's last character),
    other words lowercased."""
    tokens: list[str] = []
    for run in _TOKEN.findall(text):
        if not _CJK_RUN.fullmatch(run):
            tokens.append(run.lower())
            continue
        tokens.extend(_bigrams(run))
        if run_ends and len(run) > 1:
            tokens.append(run[-1])
    return tokens


def grams(text: str) -> str:
    """The text as space-separated index tokens: CJK runs as bigrams and their last character, other
    words as they are."""
    return " ".join(_tokens(normalize_text(text), run_ends=True))


# index_grams' pairs, made in C: the text's CJK runs, each other stretch one space (and one at the end);
# the same with every run's first character blanked.
_NOT_CJK = re.compile(rf"[^{CJK}]+")
_RUN_START = re.compile(rf"(?<= )[{CJK}]")
_CODE_POINT = next(code for code in "IL" if array(code).itemsize == 4)  # one UTF-32 unit
_WORD = re.compile(rf"[^\W_{CJK}]+")


def index_grams(text: str) -> str:
    """grams(text)'s tokens, as often, in whitespace of no meaning: all a positionless index reads,
    in half the time (phrase checks need grams()'s order)."""
    text = normalize_text(text)
    return f"{_cjk_pairs(text)} {' '.join([word.lower() for word in _WORD.findall(text)])}"


def _cjk_pairs(text: str) -> str:
    """Each character of the text's CJK runs with the next one of its run (a bigram) or, ending its
    run, alone: the characters and their successors interleaved with spaces, a space standing for
    no character. Made without a Python object per token (5,000 bigrams cost 0.5 ms as strings):
    the two strings, as UTF-32 code points, are interleaved by strided array assignment."""
    runs = _NOT_CJK.sub(" ", text) + " "  # CJK characters and single spaces only (no lone surrogate)
    first, second = runs[:-1], _RUN_START.sub(" ", runs)[1:]  # a space's successor is no character
    pairs = array(_CODE_POINT, " ".encode("utf-32-le")) * (3 * len(first))
    pairs[0::3] = array(_CODE_POINT, first.encode("utf-32-le"))
    pairs[1::3] = array(_CODE_POINT, second.encode("utf-32-le"))
    return pairs.tobytes().decode("utf-32-le")


@dataclass(frozen=True)
class Term:
    """One whitespace-separated query term: its tokens, the last one a prefix when the term ends in
    a single CJK character."""

    tokens: tuple[str, ...]
    prefix: bool

    def fts(self) -> list[str]:
        """The term's tokens as FTS5 strings (ANDed: the index keeps no positions)."""
        quoted = ['"' + token + '"' for token in dict.fromkeys(self.tokens[:-1] if self.prefix else self.tokens)]
        return quoted + (['"' + self.tokens[-1] + '"*'] if self.prefix else [])

    def occurs_in(self, spaced_grams: str) -> bool:
        """The term as a phrase of consecutive tokens in " " + grams(…) + " "."""
        return (" " + " ".join(self.tokens) + ("" if self.prefix else " ")) in spaced_grams


def terms(query: str) -> list[Term]:
    found = []
    for term in normalize_text(query).split():
        runs = _TOKEN.findall(term)
        if runs:
            found.append(Term(tuple(_tokens(term)), bool(_CJK_RUN.fullmatch(runs[-1])) and len(runs[-1]) == 1))
    return found


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression for a user query: every token of every whitespace-separated term
    must occur (the candidates, which `cjk_match` narrows to the phrases)."""
    return " ".join(token for term in terms(query) for token in term.fts()) or None


def needs_check(query: str) -> bool:
    """Whether the index's answer to `query` must be checked for phrases (a term of several tokens)."""
    return any(len(term.tokens) > 1 for term in terms(query))


def matches(title: str | None, text: str | None, query: str) -> bool:
    """Every term of the query occurs as a phrase in the title or in the text (what a positional
    index answers)."""
    fields: list[str] = []
    for term in terms(query):
        if not fields:
            fields = [" " + grams(title or "") + " ", " " + grams(text or "") + " "]
        if not any(term.occurs_in(field) for field in fields):
            return False
    return True


def register_search_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions of search_condition() and the canned search query's cjk_snippet(text, q)."""
    conn.create_function("cjk_fts_query", 1, lambda q: fts_query(q or ""), deterministic=True)
    conn.create_function("cjk_needs_check", 1, lambda q: needs_check(q or ""), deterministic=True)
    conn.create_function("cjk_match", 3, lambda title, text, q: matches(title, text, q or ""), deterministic=True)
    conn.create_function("cjk_snippet", 2, lambda text, q: snippet(text, q or ""), deterministic=True)


def matching_ids(parameter: str, query: str) -> str:
    """SQL of the ids of the reports matching the query in :parameter. A query whose every term is
    one token needs no check against the text, so it reads the index alone."""
    if not needs_check(query):
        return f"select rowid from {FTS_TABLE} where {FTS_TABLE} match cjk_fts_query(:{parameter})"
    return (f"select f.rowid from {FTS_TABLE} f join reports r on r.id = f.rowid "
            f"where {search_condition(parameter)}")


def search_condition(parameter: str = "q") -> str:
    """The search as SQL over `report_search_fts f join reports r on r.id = f.rowid`, the user's query
    in :parameter; the text is read (decompressed) only for a query with a term of several tokens."""
    q = ":" + parameter
    return (f"{FTS_TABLE} match cjk_fts_query({q}) and "
            f"case when cjk_needs_check({q}) then cjk_match(r.title, r.text, {q}) else 1 end")


# Changes when the tokens of a text change, so that an index of older tokens is rebuilt.
TOKENS_VERSION = "2"  # 2: the last character of every CJK run


def _digest(title: str | None, text: str | None) -> str:
    return hashlib.sha1(f"{TOKENS_VERSION}\0{title or ''}\0{text or ''}".encode("utf-8")).hexdigest()


def _create_index(db: sqlite_utils.Database) -> None:
    """The digest table and a contentless FTS5 table: the bigrams are indexed, never stored (the
    text itself is reports.text)."""
    table = db[SEARCH_TABLE]
    if table.exists() and ("title" in table.columns_dict or not _current_layout(db)):
        # an older index: one that stored the bigram text, a positional one (seven times the bytes),
        # or one without column sizes, which SQLite cannot scan (Datasette counts every table)
        db[FTS_TABLE].drop(ignore=True)
        for suffix in ("_data", "_idx", "_docsize", "_config", "_content"):
            db.execute(f"drop table if exists [{FTS_TABLE}{suffix}]")
        table.drop()
    if not table.exists():
        table.create({"report_id": int, "digest": str}, pk="report_id")
    if not db[FTS_TABLE].exists():
        db.execute(f"create virtual table [{FTS_TABLE}] using fts5(title, text, content='', "
                   f"detail=none, tokenize='{TOKENIZER}')")


def _current_layout(db: sqlite_utils.Database) -> bool:
    """The FTS table is missing or of the current layout: positionless, with column sizes."""
    row = db.execute("select sql from sqlite_master where name = ?", [FTS_TABLE]).fetchone()
    return row is None or ("detail=none" in row[0] and "columnsize=0" not in row[0])


def build_search_index(db: sqlite_utils.Database) -> int:
    """Bring `report_search` and its FTS index up to date with `reports`; returns rows (re)indexed.

    New reports are added; a contentless index cannot drop one report's old tokens, so when an
    indexed report changed or went away (a reparse) the index is rebuilt from reports.text. Texts
    are read one report at a time, never all at once (a million reports' texts are gigabytes)."""
    register_body_function(db.conn)  # reports.text is decompressed when read
    _create_index(db)
    stale, new = _changes(db)
    with db.atomic():
        if stale:
            db.execute(f"insert into [{FTS_TABLE}]([{FTS_TABLE}]) values ('delete-all')")
            db.execute(f"delete from {SEARCH_TABLE}")
            rows = db.conn.execute("select id, title, text from reports")
        else:
            rows = db.conn.execute("select id, title, text from reports where id in (select value from json_each(?))",
                                   [json.dumps(new)])
        changed = 0
        for report_id, title, text in rows:  # reads reports while writing the index: separate tables
            _insert(db.conn, report_id, search_entry(title, text))
            changed += 1
    return changed


@dataclass(frozen=True)
class SearchEntry:
    """A report's index tokens (index_grams of its title and text) and the digest they are of."""

    title: str
    text: str
    digest: str


def search_entry(title: str | None, text: str | None) -> SearchEntry:
    return SearchEntry(index_grams(title or ""), index_grams(text or ""), _digest(title, text))


def _chars(entry: SearchEntry) -> int:
    return len(entry.title) + len(entry.text)


def _insert(conn: sqlite3.Connection, report_id: int, entry: SearchEntry) -> None:
    conn.execute(f"insert into [{FTS_TABLE}](rowid, title, text) values (?, ?, ?)", [report_id, entry.title, entry.text])
    conn.execute(f"insert into {SEARCH_TABLE} (report_id, digest) values (?, ?)", [report_id, entry.digest])


# Reports a SearchIndexWriter holds before writing them, and the characters of their tokens
# (settings GOV_REPORTS_SEARCH_BATCH, GOV_REPORTS_SEARCH_BATCH_CHARS): a report of the readers' 5M
# characters has 15M characters of tokens, so fifty of them are not held at once.
SEARCH_BATCH = 50
SEARCH_BATCH_CHARS = 16_000_000


class SearchIndexWriter:
    """Adds reports to the index as they are stored (a crawl's parse stage, with entries its parser
    processes made), so that build_search_index at the end has only what changed left to do.

    Entries are written `batch` at a time, all in one savepoint: FTS5 writes its pending tokens out
    as a new segment at every savepoint, so writing one report at a time made many small segments
    to merge (2.7 s for 1,000 reports against 0.8 s in one go). An entry not written yet when the
    process stops is only an unindexed report, which build_search_index adds."""

    def __init__(self, db: sqlite_utils.Database, batch: int = SEARCH_BATCH,
                 batch_chars: int = SEARCH_BATCH_CHARS) -> None:
        self.db, self.batch, self.batch_chars = db, max(1, batch), batch_chars
        self._pending: dict[int, SearchEntry] = {}
        self._chars = 0
        self._ready = False

    def add(self, report_id: int, entry: SearchEntry) -> None:
        """Index a report not indexed yet (once a batch is full). An indexed report is left as it
        is: a contentless index cannot drop its old tokens, and build_search_index sees the digest
        differ."""
        replaced = self._pending.get(report_id)  # parsed twice in one batch: the last parse is stored
        self._pending[report_id] = entry
        self._chars += _chars(entry) - (_chars(replaced) if replaced else 0)
        if len(self._pending) >= self.batch or self._chars >= self.batch_chars:
            self.flush()

    def flush(self) -> int:
        """Write the pending entries; returns the reports added (0 when the batch failed: it is
        left whole to build_search_index)."""
        pending, self._pending, self._chars = self._pending, {}, 0
        if not pending:
            return 0
        try:
            with self.db.atomic():  # tokens and digests together, or none (the tables too)
                added = self._write(pending)
        except sqlite3.Error as error:
            logger.warning("Search index: %s report(s) left to the end (%s)", len(pending), error)
            return 0
        self._ready = True
        return added

    def _write(self, pending: dict[int, SearchEntry]) -> int:
        if not self._ready:
            _create_index(self.db)
        indexed = {row[0] for row in self.db.execute(
            f"select report_id from {SEARCH_TABLE} where report_id in (select value from json_each(?))",
            [json.dumps(list(pending))])}
        for report_id, entry in pending.items():
            if report_id not in indexed:
                _insert(self.db.conn, report_id, entry)
        return len(pending) - len(indexed)


def _changes(db: sqlite_utils.Database) -> tuple[bool, list[int]]:
    """(whether an indexed report changed or went away, the ids of reports not indexed yet)."""
    gone = db.execute(f"select 1 from {SEARCH_TABLE} s where not exists "
                      "(select 1 from reports r where r.id = s.report_id) limit 1").fetchone()
    new: list[int] = []
    rows = db.conn.execute(f"select r.id, r.title, r.text, s.digest from reports r "
                           f"left join {SEARCH_TABLE} s on s.report_id = r.id")
    try:
        for report_id, title, text, digest in rows:
            if digest is None:
                new.append(report_id)
            elif digest != _digest(title, text):
                return True, []
    finally:
        rows.close()  # left unfinished when a change is found: the rebuild writes the index next
    return gone is not None, new


def search_ids(db: sqlite_utils.Database, query: str) -> list[int]:
    """Report ids matching `query`, best match first."""
    if fts_query(query) is None:
        return []
    register_body_function(db.conn)
    register_search_functions(db.conn)
    rows = db.execute(f"select f.rowid from {FTS_TABLE} f join reports r on r.id = f.rowid "
                      f"where {search_condition()} order by f.rank", {"q": query}).fetchall()
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
