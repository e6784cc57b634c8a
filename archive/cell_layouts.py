"""Blank cells kept as a layout, not as rows (schema 4).

Most cells of a report's tables are printed empty (135 of the 214 of a 2019 report on the bulk
portal), and a row per empty cell was most of the cell table and its key index. A report's cells are
now its *layout* (the set of keys its copy showed, shared by every report with the same tables) and
its stored rows (every cell with something in it): a key of the layout with no stored row is a blank
cell of the report's *blank form* (status, unit, table format). A key not in the layout is missing:
our copy did not show it, which is not blank.

The cells are given here as stored rows (`key_id`, `form_id`, `value`, `raw_text`): a raw text of
None is the value's own rendering (store.cell_row), so an empty cell is a value and a raw text of
None. The store owns the tables; this module decides which rows a layout stands for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

StoredCell = tuple[int, int, object, object]  # key_id, form_id, value, raw_text


@dataclass(frozen=True)
class CellLayout:
    """A report's cells as the tables hold them: the layout's keys, its blank form (None when no cell
    is left to the layout), and the rows still stored."""

    key_ids: tuple[int, ...]
    blank_form_id: int | None
    stored: list[StoredCell]
    blank_key_ids: tuple[int, ...]

    @property
    def digest(self) -> str:
        """The layout's identity (`cell_layouts.key_ids`): its key ids in order, comma-separated, as
        the view's triggers build it in SQL (group_concat over the ordered ids)."""
        return layout_digest(self.key_ids)


def layout_digest(key_ids: Iterable[int]) -> str:
    return ",".join(map(str, sorted(key_ids)))


def _is_empty(cell: StoredCell) -> bool:
    return cell[2] is None and cell[3] is None


def blank_form(cells: Iterable[StoredCell]) -> int | None:
    """The form most of the report's empty cells have (the first seen among equals), None without any."""
    counts = Counter(cell[1] for cell in cells if _is_empty(cell))
    return counts.most_common(1)[0][0] if counts else None


def split_cells(cells: Sequence[StoredCell], layout_keys: Iterable[int] = (),
                blank_form_id: int | None = None) -> CellLayout:
    """One report's cells (its latest row per key wins) as a layout and the rows to store; the
    report's current layout keys and blank form, when it has them, are kept (cells added later only
    add keys). An empty cell of another form than the blank one stays a stored row."""
    latest = {cell[0]: cell for cell in cells}
    form = blank_form_id if blank_form_id is not None else blank_form(latest.values())
    blank = tuple(sorted(key for key, cell in latest.items() if cell[1] == form and _is_empty(cell)))
    stored = [cell for cell in latest.values() if not (cell[1] == form and _is_empty(cell))]
    keys = tuple(sorted({*layout_keys, *latest}))
    return CellLayout(keys, form if (blank or blank_form_id is not None) else None, stored, blank)
