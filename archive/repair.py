"""After a kill: crawls left `running` by a dead process are marked `killed`, reports never parsed are parsed.

Every write of one archived item commits together (Archive.unit), so the states a kill can leave
are: a crawl row still `running`, and reports whose parse never ran (archives written before the
unit, or a parse stage that runs apart from the pipeline). Both are repaired when a crawl starts.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from archive.parsed_reports import parse_stored_report
from archive.readers import READ_LIMITS, ReadLimits
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


def parse_pending(archive: Archive, limits: ReadLimits = READ_LIMITS) -> tuple[int, ...]:
    """Parse every report left `pending`; a parser failure is recorded, never raised."""
    pending = tuple(archive.pending_reports())
    for report_id in pending:
        try:
            parse_stored_report(archive, report_id, limits=limits)
        except Exception:  # noqa: BLE001 - the snapshot is safe; say why its parse is missing
            logger.exception("Parsing pending report %s failed", report_id)
            archive.set_parse_status(report_id, "error:store")
    if pending:
        logger.info("Parsed %s report(s) left pending by an interrupted crawl", len(pending))
    archive.commit()
    return pending
