"""The list forms of government CMS products, read from a list page without running its scripts.

Each form is one module of this package that registers its reader (crawler/list_forms/registry.py):
a function from one `ListPage` to `ListFindings`, and, for the forms that ask for XML or JSON, a
reader of those answers. `read_list_page` runs every form's reader on a page (detection is
automatic; a registry hint only says which form to expect) and returns the document links the
page's own <a> tags miss and the further requests the list needs; `read_list_answer` reads the
answer to one of those requests. Adding a form is adding a module.
"""

from __future__ import annotations

import sys

from crawler.list_forms.model import (
    DOCUMENT,
    HANWEB_XML,
    JSON,
    PAGE,
    ListFindings,
    ListRequest,
)
from crawler.list_forms.page import ListAnswer, ListLimits, ListPage
from crawler.list_forms.registry import (
    answer_reader,
    form_names,
    load_forms,
    page_reader,
    read_list_answer,
    read_list_page,
)

__all__ = ["DOCUMENT", "HANWEB_XML", "JSON", "PAGE", "ListAnswer", "ListFindings", "ListLimits", "ListPage",
           "ListRequest", "answer_reader", "form_names", "page_reader", "read_list_answer", "read_list_page"]

load_forms(sys.modules[__name__])
