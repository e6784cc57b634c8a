"""Which columns a table page shows first and which it leaves out by default (metadata `gov-reports`).

A table's plugin configuration names its `first_columns` (shown right after the primary key) and its
`hidden_columns` (bulky: whole texts, JSON, raw bytes). Hidden columns stay in CSV/JSON and in the row
pages; `?_all_columns=1`, `?_col=` or `?_nocol=` show the table as stored.
"""

from __future__ import annotations

from dataclasses import dataclass

SHOW_ALL = "_all_columns"


@dataclass(frozen=True)
class ColumnLayout:
    first: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    def order(self, columns: list[dict]) -> list[int]:
        """Indexes into Datasette's display columns, in the order to show them."""
        names = [column["name"] for column in columns]
        leading = [i for i, column in enumerate(columns) if column.get("is_pk") or column["name"] == "Link"]
        first = [names.index(name) for name in self.first if name in names and names.index(name) not in leading]
        rest = [i for i, name in enumerate(names)
                if i not in leading and i not in first and name not in self.hidden]
        return leading + first + rest

    def hidden_in(self, columns: list[dict]) -> list[str]:
        return [column["name"] for column in columns if column["name"] in self.hidden]


def column_layout(config: dict | None, args) -> ColumnLayout:
    """The layout of a table page from its plugin configuration and the request's arguments."""
    if not config or any(name in args for name in (SHOW_ALL, "_col", "_nocol")):
        return ColumnLayout()
    return ColumnLayout(tuple(config.get("first_columns", ())), tuple(config.get("hidden_columns", ())))
