"""What a reader hands the parser core: table rows, running text and title hints of one document.

Plain data only. The readers (`archive.readers`) produce it and the parser (`archive.parsing`)
consumes it; both import this module and neither imports the other's internals, so imports run
one way: readers → content ← parsing, and parsing → readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One table row as distinct cell texts.

    `exact` when cell positions are trustworthy, so that the last cells are the value columns
    (HTML grids, cell-per-line text); otherwise values are the cells after the leading labels.
    """

    cells: tuple[str, ...]
    exact: bool

    @property
    def text(self) -> str:
        return " | ".join(self.cells)


@dataclass(frozen=True)
class HtmlHints:
    """Title sources only an HTML document has."""

    meta_title: str | None = None
    title_tag: str | None = None
    h1: str | None = None
    meta_fields: dict[str, str] = field(default_factory=dict)


@dataclass
class DocumentContent:
    """Table rows (and nothing else) in reading order, plus the running text of the whole document.

    `text` serializes table cells as the HTML walk does ("cell | cell | " per row line) so that
    metadata and section splitting see the same shapes for every document kind.
    """

    rows: list[Row] = field(default_factory=list)
    text: str = ""
    title: str | None = None  # the document's own title property, when it looks like one
    image_only: bool = False  # pages without a text layer (scans)


class UnreadableDocument(Exception):
    """Bytes of a known document kind that no reader here can read (the message says why)."""


class DocumentOverLimit(UnreadableDocument):
    """A document beyond a reading limit (ReadLimits): a bomb or a data dump, not worth refetching."""
