"""Several crawl processes sharing one frontier: a throwaway redis-server, and the processes run together."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from demo_portal.server import PortalServer
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


def run_shared_crawls(portal: PortalServer, dbs: list[Path], redis_url: str, **settings: str) -> list[str]:
    """Crawl processes on one shared frontier, one archive each; their logs. The portal answers
    nothing until every process has opened its spider, and answers at a pace (DOWNLOAD_DELAY), so
    a process slower to start or idle until requests appear still takes its share."""
    shared = {"ROBOTSTXT_OBEY": "False", "REDIS_URL": redis_url, "CONCURRENT_REQUESTS": "2",
              "DOWNLOAD_DELAY": "0.2",
              "GOV_REPORTS_SHARED_IDLE_SECONDS": "4", **settings}
    portal.hold()
    try:
        crawls = [start_crawl(portal.url, db, **shared) for db in dbs]
        starts = [_until_opened(process) for process in crawls]
    finally:
        portal.release()
    logs = [start + process.communicate(timeout=180)[0] for start, process in zip(starts, crawls)]
    assert [process.returncode for process in crawls] == [0] * len(crawls), logs
    return logs


def _until_opened(process: subprocess.Popen) -> str:
    """The log of a crawl process up to its "Spider opened" line (or its end, if it never opens)."""
    lines = []
    for line in iter(process.stdout.readline, ""):
        lines.append(line)
        if "Spider opened" in line:
            break
    return "".join(lines)
