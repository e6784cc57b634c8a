"""The documents of the demo report column, read from content/catalog.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

CONTENT = resources.files("demo_portal") / "content"


@dataclass(frozen=True)
class Document:
    key: str
    file: str
    body: str  # trs_text | trs_text_tables | serialized_text | html_fragment | markdown | attachment_stub | plain_text
    kind: str  # report | decoy
    title: str
    publisher: str
    published: date
    doc_id: int
    written: date | None = None
    index_no: str | None = None
    category: str = "政府信息公开年报"
    attachment: str | None = None
    intro: str = ""
    skip_lines: int = 0
    tables: str | None = None  # the page's real table HTML, where the archived text glued the cells
    assigned: bool = False  # dates/ids made up for the demo where the source records none

    @property
    def href(self) -> str:
        """TRS-style path relative to the column: ./YYYYMM/tYYYYMMDD_ID.html."""
        return f"./{self.published:%Y%m}/t{self.published:%Y%m%d}_{self.doc_id}.html"

    @property
    def index_number(self) -> str:
        """索引号: the real one when known, else <org code>/<year>-<seq> as TRS portals print it."""
        return self.index_no or f"003590001/{self.published.year}-{self.doc_id % 100000:05d}"


def content_bytes(name: str) -> bytes:
    return (CONTENT / name).read_bytes()


def content_text(name: str) -> str:
    return content_bytes(name).decode("utf-8")


def _document(record: dict) -> Document:
    fields = dict(record)
    fields["published"] = date.fromisoformat(fields["published"])
    if "written" in fields:
        fields["written"] = date.fromisoformat(fields["written"])
    return Document(**fields)


@cache
def load_catalog() -> tuple[str, tuple[Document, ...]]:
    """(site name, documents newest first)."""
    data = json.loads(content_text("catalog.json"))
    documents = sorted((_document(r) for r in data["documents"]), key=lambda d: d.published, reverse=True)
    return data["site_name"], tuple(documents)
