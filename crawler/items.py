"""What the spider hands to the pipeline: fetched documents to archive."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    role: str  # report | attachment | document (a report if its own title says so) | list | list_answer | page
    #            | flipbook_page (one text page of a flipbook, recorded with its ArchivedBook)
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
