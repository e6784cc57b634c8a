"""A library's failure on some input, when it is not one of Python's exceptions.

A Rust extension built with PyO3 turns a panic into `pyo3_runtime.PanicException`, which derives
from BaseException so that `except Exception` lets it through (w3lib 2.6's meta prescan panics on a
body ending in `<meta`; README, Encodings). For a reader of untrusted pages, a library that panics
on some bytes has failed on that input like any parser error: the reading records it and the crawl
goes on. Only the interpreter's own control flow is no such failure, and is raised again.
"""

from __future__ import annotations

import asyncio

# What a BaseException that is not an Exception may also be, and which must go on up: Ctrl-C, exit,
# a generator closed, a task cancelled.
CONTROL_FLOW: tuple[type[BaseException], ...] = (KeyboardInterrupt, SystemExit, GeneratorExit,
                                                 asyncio.CancelledError)


def is_library_failure(error: BaseException) -> bool:
    """Whether `error`, caught as a BaseException, is a failure on the input (not control flow)."""
    return not isinstance(error, CONTROL_FLOW)
