"""The list forms: every form module registers its page reader here, under the form's name (the
registry's `list_form`), and the readers of the answers its requests get. The only list of names."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType

from crawler.list_forms.model import ListFindings
from crawler.list_forms.page import ListAnswer, ListPage

PageReader = Callable[[ListPage], ListFindings]
AnswerReader = Callable[[ListAnswer], ListFindings]

_PAGE_READERS: dict[str, PageReader] = {}
_ANSWER_READERS: dict[str, AnswerReader] = {}


def page_reader(form: str) -> Callable[[PageReader], PageReader]:
    """Register the decorated function as the page reader of list form `form`."""
    return lambda reader: _register(_PAGE_READERS, form, reader)


def answer_reader(answer: str) -> Callable[[AnswerReader], AnswerReader]:
    """Register the decorated function as the reader of answers of kind `answer` (ListRequest.answer)."""
    return lambda reader: _register(_ANSWER_READERS, answer, reader)


def _register(readers: dict, name: str, reader: Callable) -> Callable:
    if readers.get(name, reader) is not reader:
        raise ValueError(f"list form reader {name!r} registered twice")
    readers[name] = reader
    return reader


def load_forms(package: ModuleType) -> None:
    """Import every module of the package, so that each form module registers its readers."""
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def form_names() -> frozenset[str]:
    """The list forms known to the crawler (what a registry source's `list_form` may say)."""
    return frozenset(_PAGE_READERS)


def read_list_page(page: ListPage) -> ListFindings:
    """Every form's findings on this page (detection is automatic; forms in name order)."""
    return sum((_PAGE_READERS[form](page) for form in sorted(_PAGE_READERS)), ListFindings())


def read_list_answer(answer: ListAnswer) -> ListFindings:
    """The records (and further pages) of one list answer, read by the reader of its kind."""
    reader = _ANSWER_READERS.get(answer.request.answer)
    return reader(answer) if reader else ListFindings(forms=(answer.request.form,))
