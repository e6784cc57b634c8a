"""A pool of parser processes fed from the archive: workers read bytes, the caller writes results.

SQLite has one writer. Workers open the archive read-only, read a task's snapshots, parse them and
send back a `ParseOutcome`: the parse, with its cells, checks and compressed text already made into
the store's rows (`ParseRows`), so that the process that owns the pool (the crawl's busy reactor, or
`gov-reports parse`) only inserts them through its own `Archive`. A task that runs longer than `task_seconds` has its
worker killed and a fresh one started, and comes back as `parse_error:timeout`; a worker that dies
comes back as `parse_error:crashed`. Either way the pool goes on.

`jobs=0` parses in the calling process (no workers): the same results, for small runs and tests.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Iterator

from archive.library_failures import is_library_failure
from archive.parsing.model import ParsedReport
from archive.publish.search import SearchEntry, search_entry
from archive.readers import READ_LIMITS, ReadLimits
from archive.store import ParseRows

# Workers are spawned, never forked: the crawl process runs Twisted's threads.
_CONTEXT = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class ParseTask:
    """A report row to parse (`report`), or a pending document to parse and classify (`document`)."""

    kind: str
    id: int


@dataclass(frozen=True)
class ParseOutcome:
    """What a worker sends back: the parse and its rows. With rows, the parse's own cells and checks
    are left out (they travel once, as rows: a tuple unpickles in a fifth of a dataclass's time)."""

    parsed: ParsedReport
    rows: ParseRows | None = None
    search: SearchEntry | None = None  # its search-index tokens, when its title is its own


def _failed(status: str) -> ParseOutcome:
    return ParseOutcome(ParsedReport(parse_status=status))


@dataclass(frozen=True)
class WorkerOptions:
    db_path: str
    limits: ReadLimits = READ_LIMITS
    delay: float = 0.0  # seconds each task sleeps first: a slowed parser, for tests and benchmarks
    search: bool = False  # make each report's search-index tokens (for a writer that indexes as it stores)


def parse_task(archive, task: ParseTask, options: WorkerOptions) -> ParseOutcome:
    """Parse one task's document from the archive's bytes and make its rows; never raises (a
    failure outside the parse itself, a library's panic included, is `parse_error:<class>`)."""
    try:
        return _parse_task(archive, task, options)
    except BaseException as error:
        if not is_library_failure(error):
            raise
        return ParseOutcome(ParsedReport(parse_status=f"parse_error:{type(error).__name__}", notes=[str(error)]))


def _parse_task(archive, task: ParseTask, options: WorkerOptions) -> ParseOutcome:
    from archive.parsed_reports import parse_document  # the parse stage; imported in the worker

    if options.delay:
        time.sleep(options.delay)
    try:
        document = (archive.report_document(task.id) if task.kind == "report"
                    else archive.pending_document(task.id).document)
    except KeyError:
        return _failed("parse_error:missing")
    parsed = parse_document(document, options.limits)
    try:
        rows = archive.parse_rows(parsed, document.snapshot_id, document.snapshots[0])
    except Exception:  # e.g. its snapshot went in a merge: the writer makes the rows itself
        return ParseOutcome(parsed)
    # A report without a title of its own keeps the one it was found under: the writer's to index.
    search = search_entry(parsed.title, parsed.text) if options.search and parsed.title is not None else None
    return ParseOutcome(replace(parsed, cells=[], checks=[]), rows, search)


def _send_all(connection: Connection, outcomes: queue.SimpleQueue) -> None:
    """The worker's sender: each outcome to the pool in order, until None (or the pool is gone)."""
    try:
        while (outcome := outcomes.get()) is not None:
            connection.send(outcome)
    except (OSError, ValueError):  # the pool's process is gone (or the pipe closed): so is the work
        pass


def _work(connection: Connection, options: WorkerOptions) -> None:
    """A worker's loop: a task in, its ParseOutcome out, until the pool sends None.

    Outcomes (75 KB for a 35 KB report page) are sent by a thread: a send waits until the busy
    crawl reads the pipe, and parsing the next task the worker holds goes on meanwhile (a worker
    that sent them itself spent a quarter of a crawl waiting)."""
    from archive.store import Archive

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C pauses the crawl; the pool drains first
    archive = Archive(options.db_path, readonly=True)
    outcomes: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(connection, outcomes), name="outcomes", daemon=True)
    sender.start()
    try:
        while (task := connection.recv()) is not None:
            outcomes.put(parse_task(archive, task, options))
    except (EOFError, OSError, KeyboardInterrupt):  # the pool's process is gone: so is the work
        pass
    # The pool asks for no more once it sends None (or is gone): nothing left to wait for.
    outcomes.put(None)


class _Worker:
    def __init__(self, options: WorkerOptions):
        self.connection, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_work, args=(child, options), daemon=True)
        self.process.start()
        child.close()
        self.tasks: deque[ParseTask] = deque()  # sent, in the order the worker parses them
        self.started = 0.0  # when the first of them started (as far as the pool can tell)

    @property
    def task(self) -> ParseTask | None:
        """The task the worker is parsing now."""
        return self.tasks[0] if self.tasks else None

    def send(self, task: ParseTask) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append(task)
        self.connection.send(task)

    def finished(self) -> ParseTask:
        """The task whose result came back; the next one has started."""
        self.started = time.monotonic()
        return self.tasks.popleft()

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class ParsePool:
    """Parse tasks in `jobs` worker processes; results come back in completion order. Each worker
    holds up to `ahead` tasks, so that it goes on to the next one while its caller (the crawl's
    busy reactor) has not yet collected the last result."""

    def __init__(self, db_path: str | Path, jobs: int, limits: ReadLimits = READ_LIMITS,
                 task_seconds: float | None = None, delay: float = 0.0, ahead: int = 1, search: bool = False):
        self.options = WorkerOptions(str(db_path), limits, delay, search)
        self.task_seconds = task_seconds
        self.ahead = max(1, ahead)
        self.queue: deque[ParseTask] = deque()
        self.queued: set[ParseTask] = set()
        self.workers = [_Worker(self.options) for _ in range(jobs)]
        self._inline = None
        if jobs == 0:
            from archive.store import Archive

            self._inline = Archive(db_path, readonly=True)

    def submit(self, task: ParseTask) -> bool:
        """Queue a task unless it is queued or running already; True when queued."""
        if task in self.queued:
            return False
        self.queued.add(task)
        self.queue.append(task)
        return True

    @property
    def outstanding(self) -> int:
        """Tasks queued or running."""
        return len(self.queued)

    def results(self, timeout: float = 0.0) -> list[tuple[ParseTask, ParseOutcome]]:
        """The results ready within `timeout` seconds (0: only those ready now)."""
        if self._inline is not None:
            return self._run_inline()
        self._dispatch()
        busy = {worker.connection: worker for worker in self.workers if worker.task is not None}
        done = []
        for connection in wait(list(busy), timeout) if busy else []:
            worker = busy[connection]
            try:
                while worker.tasks and connection.poll():  # every result this worker has ready
                    parsed = connection.recv()
                    done.append((self._finish(worker), parsed))
            except (EOFError, OSError):
                done.append((self._finish(worker), _failed("parse_error:crashed")))
                self._replace(worker)
        done.extend(self._expire())
        self._dispatch()
        return done

    def grow(self, jobs: int) -> int:
        """More workers, up to `jobs`: as many as there are `ahead` tasks outstanding (a worker
        takes a few hundred ms to start), never fewer than now. None for inline parsing. Returns
        the number of workers."""
        if self._inline is None:
            wanted = min(jobs, -(-self.outstanding // self.ahead))
            self.workers.extend(_Worker(self.options) for _ in range(wanted - len(self.workers)))
        return len(self.workers)

    def drain(self) -> Iterator[tuple[ParseTask, ParseOutcome]]:
        """Every result of every task submitted, as they complete."""
        while self.outstanding:
            yield from self.results(timeout=0.5)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []
        if self._inline is not None:
            self._inline.close()

    def _run_inline(self) -> list[tuple[ParseTask, ParseOutcome]]:
        done = []
        while self.queue:
            task = self.queue.popleft()
            done.append((task, parse_task(self._inline, task, self.options)))
            self.queued.discard(task)
            self._inline.db.conn.rollback()
        return done

    def _dispatch(self) -> None:
        for worker in self.workers:
            while len(worker.tasks) < self.ahead and self.queue:
                worker.send(self.queue.popleft())

    def _finish(self, worker: _Worker) -> ParseTask:
        task = worker.finished()
        self.queued.discard(task)
        return task

    def _expire(self) -> list[tuple[ParseTask, ParseOutcome]]:
        """Kill the workers whose task ran past task_seconds; their tasks time out."""
        if not self.task_seconds:
            return []
        now, expired = time.monotonic(), []
        for worker in list(self.workers):
            if worker.task is not None and now - worker.started > self.task_seconds:
                expired.append((self._finish(worker), _failed("parse_error:timeout")))
                self._replace(worker, kill=True)
        return expired

    def _replace(self, worker: _Worker, kill: bool = True) -> None:
        """A fresh worker for one that died or was killed; the tasks it held but had not started
        go back to the front of the queue."""
        self.queue.extendleft(reversed(worker.tasks))
        worker.tasks.clear()
        worker.stop(kill=kill)
        self.workers[self.workers.index(worker)] = _Worker(self.options)
