"""What every document reader yields: the parser core's input for one non-HTML document."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.parsing.grid import Row


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


def table_line(cells: tuple[str, ...]) -> str:
    """One table row as a text line, each cell ended by " | " like the HTML walk."""
    return "".join(f"{cell} | " for cell in cells).rstrip()
