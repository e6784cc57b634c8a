"""The model of the official forms (`forms.yaml`), loaded once per process, and the views of it that
readers, checks, renderers and publishers need. Nothing here knows a label or a key by heart."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from archive.normalize import normalize_label
from archive.yaml_files import read_yaml

FORMS_FILE = Path(__file__).with_name("forms.yaml")
FORMATS = ("2019", "2021")


@lru_cache(maxsize=1)
def model() -> dict[str, Any]:
    """The parsed forms.yaml (cached: one load per process)."""
    return read_yaml(FORMS_FILE)


def table(key: str) -> dict[str, Any]:
    return model()["tables"][key]


@dataclass(frozen=True)
class ActiveColumn:
    key: str  # canonical col_key
    label: str
    phrase: str  # normalized key phrase of the printed header
    formats: tuple[str, ...]
    money: bool = False
    signed: bool = False
    unit: str | None = None


@dataclass(frozen=True)
class Block:
    """One 第二十条第N项 block of the active table in one format."""

    block: int
    caption: str
    columns: tuple[ActiveColumn, ...]
    rows: tuple[tuple[str, str], ...]  # (row key, label printed in this format)


@lru_cache(maxsize=1)
def active_columns() -> tuple[ActiveColumn, ...]:
    """Header phrases → column keys, most specific first."""
    return tuple(
        ActiveColumn(key=spec.get("key", name), label=spec["label"], phrase=normalize_label(spec["phrase"]),
                     formats=tuple(spec["formats"]), money=spec.get("money", False),
                     signed=spec.get("signed", False), unit=spec.get("unit"))
        for name, spec in table("active")["columns"].items()
    )


def header_formats(norm: str) -> set[str]:
    """The formats an active-table header (normalized text) prints; 本年处理决定数量 (2021) contains
    the 2019 phrase 处理决定数, so it is not also read as 2019."""
    columns = [c for c in active_columns() if c.phrase in norm]
    formats = {fmt for c in columns for fmt in c.formats}
    if any(c.key == "decisions" and "2021" in c.formats for c in columns):
        formats.discard("2019")
    return formats


def _column(name: str) -> ActiveColumn:
    names = list(table("active")["columns"])
    return active_columns()[names.index(name)]


def row_label(row_key: str, fmt: str) -> str:
    spec = table("active")["rows"][row_key]
    return spec.get(f"label_{fmt}", spec["label"])


@lru_cache(maxsize=None)
def active_blocks(fmt: str) -> tuple[Block, ...]:
    return tuple(
        Block(block=b["block"], caption=b["caption"], columns=tuple(_column(c) for c in b["columns"]),
              rows=tuple((key, row_label(key, fmt)) for key in b["rows"]))
        for b in table("active")["formats"][fmt]
    )


@lru_cache(maxsize=None)
def active_rows(fmt: str) -> tuple[str, ...]:
    """Row keys of the active table in `fmt`, printed order."""
    return tuple(key for block in active_blocks(fmt) for key, _ in block.rows)


@lru_cache(maxsize=None)
def active_row_columns(fmt: str) -> dict[str, tuple[str, ...]]:
    """Row key → its column keys in printed order (how many value cells the row has)."""
    return {key: tuple(c.key for c in block.columns) for block in active_blocks(fmt) for key, _ in block.rows}


def all_active_rows() -> tuple[str, ...]:
    """Every active row key of any format, in printed order (2019 has them all)."""
    return tuple(table("active")["rows"])


@lru_cache(maxsize=None)
def row_phrases(table_key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(row key, normalized key phrases) in the table's match order."""
    spec = table(table_key)
    return tuple((key, tuple(normalize_label(p) for p in spec["rows"][key]["phrases"]))
                 for key in spec["match_order"])


def request_columns() -> tuple[str, ...]:
    return tuple(table("requests")["columns"])


def applicant_columns() -> tuple[str, ...]:
    return tuple(table("requests")["applicant_columns"])


def _in_format(spec: dict, fmt: str | None) -> bool:
    return fmt is None or fmt in spec.get("formats", FORMATS)


@lru_cache(maxsize=None)
def request_rows(fmt: str | None = None) -> tuple[str, ...]:
    """Requests row keys printed in `fmt` (None: every row of either format), printed order."""
    return tuple(key for key, spec in table("requests")["rows"].items() if _in_format(spec, fmt))


def request_paths(fmt: str) -> list[tuple[str, list[str | None]]]:
    """(row key, three-level label path padded with None) in printed order."""
    rows = table("requests")["rows"]
    return [(key, (list(rows[key]["path"]) + [None, None])[:3]) for key in request_rows(fmt)]


_FLOW = ("new_received", "carried_over", "total_processed", "carried_forward")


def outcome_rows(fmt: str) -> tuple[str, ...]:
    """The 三、本年度办理结果 rows that add up to （七）总计 in `fmt`."""
    return tuple(key for key in request_rows(fmt) if key not in _FLOW)


def group_ordinals() -> dict[str, str]:
    """Row family (denied, unable, …) → the ordinal of its level-2 group cell (（三）不予公开 → 三)."""
    rows = table("requests")["rows"]
    return {key.split(".")[0]: spec["path"][1][1] for key, spec in rows.items() if "." in key}


def review_rows() -> tuple[str, ...]:
    return tuple(group[0] for group in table("review_litigation")["groups"])


def review_columns() -> tuple[str, ...]:
    return tuple(table("review_litigation")["columns"])


def labels(table_key: str) -> dict[str, str]:
    """Column key → printed label of the requests or review_litigation table."""
    return {key: spec["label"] for key, spec in table(table_key)["columns"].items()}


def money_columns() -> frozenset[str]:
    return frozenset(c.key for c in active_columns() if c.money)


def signed_columns() -> frozenset[str]:
    return frozenset(c.key for c in active_columns() if c.signed)


def header_units() -> dict[str, str]:
    return {c.key: c.unit for c in active_columns() if c.unit}


def derived_groups(fmt: str | None) -> tuple[str, ...]:
    """Derived requests rows (sums of `<group>.*` rows) for a report in `fmt`."""
    rows = table("requests")["derived"]["rows"]
    return tuple(key for key, spec in rows.items() if "formats" not in spec or fmt in spec["formats"])


def derived_column() -> tuple[str, tuple[str, ...]]:
    """(derived column key, the columns it sums)."""
    ((key, spec),) = table("requests")["derived"]["columns"].items()
    return key, tuple(spec["sum_of"])


@dataclass(frozen=True)
class Identity:
    """One identity member: Σ totals = Σ parts over (table, row, col) keys."""

    name: str  # e.g. I1:natural_person
    family: str  # I1 | I2 | I3 | review_litigation_totals
    table: str
    totals: tuple[tuple[str, str, str], ...]
    parts: tuple[tuple[str, str, str], ...]


def _axis(spec: dict, name: str, fmt: str) -> tuple[str, ...]:
    value = spec[name]
    if value == "outcomes":
        return outcome_rows(fmt)
    if value == "applicant_columns":
        return applicant_columns()
    if value == "all":
        if spec["table"] == "requests":
            return request_columns() if name == "columns" else ("new_received", "carried_over", *outcome_rows(fmt),
                                                                 "total_processed", "carried_forward")
        return review_columns() if name == "columns" else review_rows()
    return tuple(value)


@lru_cache(maxsize=None)
def identities(fmt: str) -> tuple[Identity, ...]:
    """Every identity member of a report whose requests table is in `fmt`, family by family."""
    out: list[Identity] = []
    for name, spec in model()["identities"].items():
        table_key, family = spec["table"], spec.get("family", name)
        if spec["each"] == "column":
            for col in _axis(spec, "columns", fmt):
                out.append(Identity(f"{name}:{col}", family, table_key,
                                    tuple((table_key, r, col) for r in _axis(spec, "totals", fmt)),
                                    tuple((table_key, r, col) for r in _axis(spec, "parts", fmt))))
        else:
            for row in _axis(spec, "rows", fmt):
                out.append(Identity(f"{name}:{row}", family, table_key,
                                    tuple((table_key, row, c) for c in _axis(spec, "totals", fmt)),
                                    tuple((table_key, row, c) for c in _axis(spec, "parts", fmt))))
    return tuple(out)


def identity_families() -> tuple[str, ...]:
    return tuple(spec.get("family", name) for name, spec in model()["identities"].items())


def cross_year() -> dict[str, dict[str, Any]]:
    return model()["cross_year"]
