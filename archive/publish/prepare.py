"""Publishing preparation: the views and the Chinese search index a published archive needs.

Called at the end of whatever wrote the archive (a crawl, `parse`, `reparse`) and by `serve`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from archive.publish.search import build_search_index
from archive.publish.views import ensure_publish_views
from archive.store import ArchiveError, ensure_row_indexes


def prepare_database(path: Path) -> int:
    """Create the publishing views, bring the search index up to date; returns reports (re)indexed.
    ArchiveError (one line) for a file that is not an archive, which is left as it was."""
    db = sqlite_utils.Database(path)
    try:
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            archived = db["snapshots"].exists()
        except sqlite3.DatabaseError as error:  # "file is not a database"
            raise ArchiveError(f"{path}: not an archive database ({error})") from None
        if not archived:
            raise ArchiveError(f"{path}: not an archive database (no snapshots table)")
        if db["report_cell_values"].exists():  # a first crawl that stopped before its end left them
            ensure_row_indexes(db)
        ensure_publish_views(db)
        changed = build_search_index(db)
        # An immutable (-i) Datasette reads only the main file: fold the write-ahead log into it.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return changed
    finally:
        db.close()
