"""Archives the tests read and copy: rows of a query, and a copy to change without touching the original."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.crawls import query_rows as rows

__all__ = ["copy_archive", "rows"]


def copy_archive(source: Path, directory: Path) -> Path:
    target = directory / source.name
    shutil.copy(source, target)
    return target
