"""The list forms of government CMS products, read from a list page without running its scripts.

`read_list_page` runs every reader on a page (detection is automatic; a registry hint only
says which form to expect) and returns the document links the page's own <a> tags miss and the
further requests the list needs. `read_list_answer` reads the answer to one of those requests.
"""

from __future__ import annotations

from lxml import etree

from crawler.list_forms.hanweb import read_hanweb, read_hanweb_answer
from crawler.list_forms.hanweb_annual_report import read_annual_reports
from crawler.list_forms.json_api import read_json_answer, read_json_api
from crawler.list_forms.model import (
    DOCUMENT,
    HANWEB_XML,
    JSON,
    PAGE,
    ListFindings,
    ListRequest,
)
from crawler.list_forms.plain import read_plain
from crawler.list_forms.scripts import script_texts
from crawler.list_forms.trs import read_trs

__all__ = ["DOCUMENT", "HANWEB_XML", "JSON", "PAGE", "ListFindings", "ListRequest", "read_list_answer",
           "read_list_page"]


def read_list_page(html: str, root: etree._Element, page_url: str) -> ListFindings:
    """Everything the list forms of this page add to its links: record links and further requests."""
    scripts = script_texts(root)
    return (read_trs(html, scripts, page_url) + read_hanweb(root, scripts, page_url)
            + read_annual_reports(html, root, page_url) + read_json_api(scripts, page_url)
            + read_plain(html, root, page_url))


def read_list_answer(request: ListRequest, text: str) -> ListFindings:
    """The records (and further pages) of an XML or JSON list answer."""
    if request.answer == HANWEB_XML:
        return read_hanweb_answer(request, text)
    return read_json_answer(request, text)
