"""What the spider hands to the pipeline: fetched documents to archive, and the roles it records.

Two vocabularies kept apart: why a URL was requested (RequestRole, in request meta) and what a
fetched document was found to be (ItemRole, ArchivedPage.role). Both are StrEnums, so they compare
equal to, format as and serialize as their plain string values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RequestRole(StrEnum):
    """Why the spider asked for a URL (request meta "role")."""

    ENTRY = "entry"  # a source's start URL
    AREA = "area"  # a disclosure-area page on the way to the report column
    COLUMN = "column"  # a report column, one of its pages or sub-columns
    CANDIDATE = "candidate"  # a page that may be a report (a report link, an article of a list)
    ATTACHMENT = "attachment"  # a document file linked from a report page or a list
    LIST_ANSWER = "list_answer"  # the XML/JSON answer of a list form's request
    FLIPBOOK = "flipbook"  # a text page of a PDF flipbook, fetched in its chain


class ItemRole(StrEnum):
    """What an archived document was found to be (ArchivedPage.role)."""

    REPORT = "report"  # an HTML report page
    ATTACHMENT = "attachment"  # a report document attached to a report page, or named a report by its link
    DOCUMENT = "document"  # a document of a list: a report if its own title says so
    LIST = "list"  # a list page (report column)
    LIST_ANSWER = "list_answer"  # a list form's XML/JSON answer
    PAGE = "page"  # any other page
    FLIPBOOK_PAGE = "flipbook_page"  # one text page of a flipbook, recorded with its ArchivedBook


@dataclass
class ArchivedPage:
    """A successful response, to be stored as a snapshot; `role` says what the spider found it to be."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    headers: dict[str, str]
    fetched_at: str
    source: str | None
    role: ItemRole
    fetch_id: int | None = None
    title: str | None = None
    year: int | None = None  # data year; for a `document`, the year the crawl is limited to
    parent_url: str | None = None
    link_text: str | None = None
    flags: list[str] = field(default_factory=list)
    request: str | None = None  # "POST <form>" for a request other than a plain GET of the URL
    encoding: str | None = None  # what the spider decoded a text body with (archive.decoding)


@dataclass
class ArchivedBook:
    """A PDF flipbook whose text pages were all archived (as `flipbook_page` items): one report,
    read from its pages in order."""

    url: str  # the book's …/files/basic-html/ folder
    page_urls: list[str]  # page 1 first
    source: str | None
    title: str | None  # the report title that led to the book, when one did
    year: int | None
    parent_url: str | None = None
    link_text: str | None = None
