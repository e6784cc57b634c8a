"""`serve` and `demo` as a user runs them: signals reach the child, busy ports are announced, a second
demo run archives nothing twice."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.child_process import free_port

CHILD_SLEEPS = "import time; open({marker!r}, 'w').write('started'); time.sleep(120)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_parent_reaches_the_child_and_leaves_no_orphan(tmp_path, sent):
    marker = tmp_path / "started"
    child_code = CHILD_SLEEPS.format(marker=str(marker))
    parent_code = ("import sys; from archive.child_process import run_foreground; "
                   f"sys.exit(run_foreground([sys.executable, '-c', {child_code!r}]))")
    parent = subprocess.Popen([sys.executable, "-c", parent_code], cwd=Path(__file__).resolve().parents[1])
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    children = [int(pid) for pid in Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()]
    assert len(children) == 1
    parent.send_signal(sent)
    assert parent.wait(timeout=30) == 128 + sent  # the child died of the forwarded signal, as a shell reports it
    deadline = time.monotonic() + 10
    while _alive(children[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(children[0])


def test_a_busy_port_gives_the_next_free_one():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        chosen = free_port("127.0.0.1", port)
        assert chosen != port and port < chosen <= port + 50
    assert free_port("127.0.0.1", 0) > 0


def test_serve_announces_the_port_it_really_uses(tmp_path):
    from click.testing import CliRunner

    from archive.publish.cli import serve
    from archive.store import Archive

    Archive(tmp_path / "a.db").close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            serve, [str(tmp_path / "a.db"), "--port", str(port), "--no-prepare", "--dry-run"])
    chosen = int(result.stdout.split("--port ")[1].split()[0])
    assert (result.exit_code, result.stderr) == (0, f"Port {port} is busy; serving on {chosen}\n")
    assert port < chosen <= port + 50


@pytest.mark.slow
@pytest.mark.crawl
def test_running_the_demo_twice_archives_nothing_twice(tmp_path):
    def demo() -> str:
        result = subprocess.run([sys.executable, "-m", "archive.cli", "demo", "--no-serve", "--db", "demo.db"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    assert demo().splitlines()[-1] == "Archived: 29 fetches, 28 snapshots, 12 reports in demo.db"
    assert demo().splitlines()[-1] == "Archived: 58 fetches, 28 snapshots, 12 reports in demo.db"
    with sqlite3.connect(tmp_path / "demo.db") as db:
        urls = {row[0] for row in db.execute("select url from reports")}
    assert len(urls) == 12 and all(url.startswith("http://www.demo-portal.test/") for url in urls)
