"""The parser pool: workers read the archive, the caller writes; a task past its time limit has its
worker killed and replaced and comes back as parse_error:timeout."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest

from archive.parse_pool import ParsePool, ParseTask, WorkerOptions, _work
from archive.parsed_reports import reparse_all
from archive.store import Archive
from tests.support.fixture_files import fixture_path

pytestmark = [pytest.mark.slow]

PAGE = fixture_path("corpus_021.html").read_bytes()


def _archive(path: Path, reports: int) -> list[int]:
    archive = Archive(path)
    ids = []
    for n in range(reports):
        snapshot = archive.store_snapshot(url=f"http://x/{n}.html", body=PAGE + str(n).encode(), status=200,
                                          content_type="text/html; charset=utf-8")
        ids.append(archive.record_report(snapshot=snapshot, source="s", kind="page", title=None, year=None))
    archive.close()
    return ids


def test_workers_parse_what_the_archive_holds_and_the_caller_writes_it(tmp_path):
    ids = _archive(tmp_path / "a.db", 5)
    archive = Archive(tmp_path / "a.db")
    summary = reparse_all(archive, jobs=2)
    assert (summary.reports, sorted(summary.changed), summary.statuses) == (5, ids, {"ok": 5})
    inline = reparse_all(archive, jobs=0)
    assert (inline.reports, inline.changed, inline.statuses) == (5, [], {"ok": 5})
    archive.close()


@pytest.mark.parametrize("ahead", [1, 3])
def test_a_task_past_its_time_limit_kills_its_worker_and_the_pool_goes_on(tmp_path, ahead):
    ids = _archive(tmp_path / "a.db", 2)
    pool = ParsePool(tmp_path / "a.db", jobs=1, task_seconds=0.5, delay=30, ahead=ahead)
    try:
        for report_id in ids:
            pool.submit(ParseTask("report", report_id))
        results = list(pool.drain())
        assert [(task.id, outcome.parsed.parse_status) for task, outcome in results] == [
            (ids[0], "parse_error:timeout"), (ids[1], "parse_error:timeout")]
        assert [worker.process.is_alive() for worker in pool.workers] == [True]
    finally:
        pool.close()
    assert pool.outstanding == 0


def test_a_worker_holds_tasks_ahead_and_those_of_a_dead_one_go_to_its_replacement(tmp_path):
    ids = _archive(tmp_path / "a.db", 4)
    pool = ParsePool(tmp_path / "a.db", jobs=1, delay=0.5, ahead=3)
    try:
        for report_id in ids:
            pool.submit(ParseTask("report", report_id))
        assert pool.results(timeout=0) == []
        (worker,) = pool.workers
        assert [task.id for task in worker.tasks] == ids[:3]  # the fourth waits in the pool's queue
        worker.process.kill()
        results = list(pool.drain())
    finally:
        pool.close()
    # The one it was parsing crashed; the two it held and the queued one were parsed by the new worker.
    assert [(task.id, outcome.parsed.parse_status) for task, outcome in results] == [
        (ids[0], "parse_error:crashed"), (ids[1], "ok"), (ids[2], "ok"), (ids[3], "ok")]
    assert pool.outstanding == 0


def test_a_pool_grows_to_a_worker_for_every_ahead_tasks_outstanding_up_to_the_jobs_asked(tmp_path):
    ids = _archive(tmp_path / "a.db", 7)
    pool = ParsePool(tmp_path / "a.db", jobs=1, ahead=2)
    try:
        assert pool.grow(3) == 1  # nothing outstanding: no worker to start
        for report_id in ids:
            pool.submit(ParseTask("report", report_id))
        assert pool.grow(3) == 3  # 7 tasks, 2 a worker: 4 wanted, 3 allowed
        assert pool.grow(9) == 4
        assert pool.grow(9) == 4  # the same work: no more workers
        results = list(pool.drain())
        assert sorted((task.id, outcome.parsed.parse_status) for task, outcome in results) == [
            (report_id, "ok") for report_id in ids]
        assert all(worker.process.is_alive() for worker in pool.workers)
    finally:
        pool.close()
    inline = ParsePool(tmp_path / "a.db", jobs=0)
    inline.submit(ParseTask("report", ids[0]))
    assert inline.grow(4) == 0  # inline parsing has no workers to add
    inline.close()


class _SlowReader:
    """A pool's end of a worker's pipe that reads the first outcome only once the worker has asked
    for its last task: a worker that sends its outcomes itself would wait for ever (here 20 s)."""

    def __init__(self, tasks: list[ParseTask]):
        self.tasks, self.asked, self.sent, self.waited = tasks + [None], 0, [], None
        self.all_asked = threading.Event()

    def recv(self):
        task = self.tasks[self.asked]
        self.asked += 1
        if self.asked == len(self.tasks):
            self.all_asked.set()
        return task

    def send(self, outcome) -> None:
        if self.waited is None:
            self.waited = self.all_asked.wait(20)
        self.sent.append(outcome.parsed.parse_status)


def test_a_worker_parses_the_tasks_it_holds_while_its_outcomes_wait_to_be_read(tmp_path):
    ids = _archive(tmp_path / "a.db", 3)
    reader = _SlowReader([ParseTask("report", report_id) for report_id in ids])
    interrupt = signal.getsignal(signal.SIGINT)
    try:
        _work(reader, WorkerOptions(str(tmp_path / "a.db")))
    finally:
        signal.signal(signal.SIGINT, interrupt)  # the worker ignores Ctrl-C; this process must not
    for sender in [thread for thread in threading.enumerate() if thread.name == "outcomes"]:
        sender.join(30)  # a worker process ends without it: the pool has stopped reading
    assert (reader.waited, reader.asked, reader.sent) == (True, 4, ["ok", "ok", "ok"])
