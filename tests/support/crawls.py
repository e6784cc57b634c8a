"""Running the real `scrapy crawl gov_reports` against loopback portals, as a user would, and reading its archive."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from archive.store import connect_archive

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Fast but otherwise default settings: politeness delays off for loopback, backoff shortened.
TEST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_BACKOFF_BASE": "0.05",
    "LOG_LEVEL": "INFO",
}


def crawl_args(start_url: str, db: Path, *extra: str, **settings: str) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "gov_reports", "-a", f"start_url={start_url}",
               "-s", f"ARCHIVE_DB={db}"]
    for key, value in {**TEST_SETTINGS, **settings}.items():
        command += ["-s", f"{key}={value}"]
    return command + list(extra)


def start_crawl(start_url: str, db: Path, *extra: str, **settings: str) -> subprocess.Popen:
    return subprocess.Popen(crawl_args(start_url, db, *extra, **settings), cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"})


def run_crawl(start_url: str, db: Path, *extra: str, timeout: float = 120, **settings: str) -> str:
    """Run a whole crawl; fail the test with the crawl's log if scrapy exits non-zero."""
    process = start_crawl(start_url, db, *extra, **settings)
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output
    return output


def query_rows(db: Path, sql: str, *params) -> list[dict]:
    """Rows of a query on a crawl's archive, as dicts (a fresh connection: the crawl has exited)."""
    connection = connect_archive(db)  # snapshots.body decompresses on this connection
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(sql, params)]
    finally:
        connection.close()
