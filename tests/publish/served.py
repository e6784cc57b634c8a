"""A `datasette serve` subprocess on a free loopback port, for tests that need a real server."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
import time

import pytest

_RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@contextmanager
def datasette_server(command: list[str], env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `command` (a datasette serve with --port 0) and yield its base URL; stop it afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline, url, output = time.monotonic() + 60, None, []
    while url is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        output.append(line)
        match = _RUNNING.search(line)
        url = match.group(1) if match else None
    if url is None:
        process.kill()
        pytest.fail("datasette did not start:\n" + "".join(output))
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
