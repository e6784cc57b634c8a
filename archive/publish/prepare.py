"""Publishing preparation: the views and the Chinese search index a published archive needs.

Called at the end of whatever wrote the archive (a crawl, `parse`, `reparse`) and by `serve`.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from archive.publish.search import build_search_index
from archive.publish.views import ensure_publish_views


def prepare_database(path: Path) -> int:
    """Create the publishing views, bring the search index up to date; returns reports (re)indexed."""
    db = sqlite_utils.Database(path)
    try:
        db.execute("PRAGMA busy_timeout = 30000")
        ensure_publish_views(db)
        changed = build_search_index(db)
        # An immutable (-i) Datasette reads only the main file: fold the write-ahead log into it.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return changed
    finally:
        db.close()
