"""Several crawl processes sharing one frontier: a throwaway redis-server, and the processes run together."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.crawls import start_crawl

REDIS = shutil.which("redis-server")


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A redis-server on a free loopback port, its URL (.ci/run installs Debian's redis-server)."""
    if REDIS is None:
        raise AssertionError("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(directory)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def run_shared_crawls(start_url: str, dbs: list[Path], redis_url: str, **settings: str) -> list[str]:
    """Crawl processes started together on one shared frontier, one archive each; their logs.
    Paced, so that a process idle until requests appear still takes its share."""
    shared = {"ROBOTSTXT_OBEY": "False", "REDIS_URL": redis_url, "CONCURRENT_REQUESTS": "2",
              "DOWNLOAD_DELAY": "0.1", **settings}
    crawls = [start_crawl(start_url, db, **shared) for db in dbs]
    logs = [process.communicate(timeout=180)[0] for process in crawls]
    assert [process.returncode for process in crawls] == [0] * len(crawls), logs
    return logs
