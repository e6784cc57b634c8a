"""Loaded by a test crawl's processes (this directory first on PYTHONPATH): w3lib's meta prescan
panics on bodies holding `panic-declaration` and parsel's parser on texts holding `panic-parse`, as
a PyO3 extension panics (pyo3_runtime.PanicException is a BaseException). Nothing else changes."""

import parsel.selector
import w3lib.encoding


# As PyO3 defines it: a BaseException of module pyo3_runtime.
PanicException = type("PanicException", (BaseException,), {"__module__": "pyo3_runtime"})


def _panicking(function, marker: str):
    def call(value, *args, **kwargs):
        if marker in (value.decode("latin-1") if isinstance(value, bytes) else str(value)):
            raise PanicException("called `Option::unwrap()` on a `None` value")
        return function(value, *args, **kwargs)

    return call


w3lib.encoding.html_body_declared_encoding = _panicking(w3lib.encoding.html_body_declared_encoding,
                                                        "panic-declaration")
parsel.selector.create_root_node = _panicking(parsel.selector.create_root_node, "panic-parse")
