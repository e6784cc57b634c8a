"""A library's failure on some input, when it is not one of Python's exceptions: a Rust panic.

A Rust extension built with PyO3 turns a panic into `pyo3_runtime.PanicException`, which derives
from BaseException so that `except Exception` lets it through (w3lib 2.6's meta prescan panics on a
body ending in `<meta`; README, Encodings). For a reader of untrusted pages, a library that panics
on some bytes has failed on that input like any parser error: the reading records it and the crawl
goes on. Every other BaseException is someone's control flow and goes on up: Ctrl-C, exit, a
cancelled task, a test runner's or a benchmark's timeout.
"""

from __future__ import annotations

# Where PyO3 defines the exception (every PyO3 extension raises the one of that name and module).
PANIC = ("pyo3_runtime", "PanicException")


def is_library_failure(error: BaseException) -> bool:
    """Whether `error`, caught as a BaseException, is a failure on the input: an Exception, or a
    PyO3 panic."""
    return isinstance(error, Exception) or any((cls.__module__, cls.__name__) == PANIC
                                               for cls in type(error).__mro__)
