"""After a kill: crawls left `running` by a dead process are marked `killed`.

Every write of one archived item commits together (Archive.unit), so the states a kill can leave
are: a crawl row still `running`, and reports or documents still `pending` (archived, never parsed).
The crawl row is repaired here when a crawl starts; what is pending is parsed by the one way to
parse it, the parse pool (archive/parse_pool.py): the next crawl's parse stage hands it every
pending report, and so does `gov-reports parse --pending`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from archive.store import Archive

logger = logging.getLogger(__name__)


def process_alive(pid: int) -> bool:
    """A process of this machine with that id exists (signal 0 probes without signalling)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def mark_killed_crawls(archive: Archive, alive: Callable[[int], bool] = process_alive) -> tuple[int, ...]:
    killed = tuple(archive.mark_killed_crawls(alive))
    if killed:
        logger.warning("Crawl(s) %s were killed (their process is gone): marked killed",
                       ", ".join(map(str, killed)))
    return killed
