"""Run a child process in the foreground: the signals a user sends reach it, and it never outlives us."""

from __future__ import annotations

import signal
import socket
import subprocess
from typing import Mapping, Sequence

_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def run_foreground(command: Sequence[str], env: Mapping[str, str] | None = None) -> int:
    """Run `command` and return its exit status (128 + N when signal N ended it, as a shell says). SIGINT, SIGTERM and SIGHUP sent to this process
    are passed on to the child (Scrapy's first Ctrl-C shuts down gracefully, Datasette exits), so
    `kill -TERM` of the parent leaves no orphan."""
    child = subprocess.Popen(list(command), env=dict(env) if env is not None else None)
    previous = {number: signal.signal(number, lambda signum, _frame: child.send_signal(signum))
                for number in _FORWARDED}
    try:
        status = child.wait()
        return 128 - status if status < 0 else status
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if child.poll() is None:
            child.kill()
            child.wait()


def free_port(host: str, preferred: int, tries: int = 50) -> int:
    """`preferred` if nothing listens there, else the next free port after it; 0 asks the system."""
    candidates = [0] if preferred == 0 else range(preferred, preferred + tries)
    for port in candidates:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise OSError(f"no free port on {host} from {preferred} to {preferred + tries - 1}")
