"""Which printed cells an identity check reads (format-spec §7), so a failing check can point at them."""

from __future__ import annotations

from archive.publish.layout import CellKey, layout, request_rows

_FLOW_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
FAILING = ("fail", "fail_total_blank", "fail_parts_blank")


def _request_columns() -> list[str]:
    return [key for key, _ in layout()["requests"]["columns"]]


def _outcome_rows(fmt: str) -> list[str]:
    return [key for key, _ in request_rows(fmt) if key not in _FLOW_ROWS]


def identity_cells(identity: str, fmt: str) -> set[CellKey]:
    """Cells of `I1:<col>`, `I2:<col>`, `I3:<row>` or `RL:<row>`; empty for summaries and soft checks."""
    family, _, member = identity.partition(":")
    if not member:
        return set()
    if family == "I1":
        return {("requests", row, member) for row in _FLOW_ROWS}
    if family == "I2":
        return {("requests", row, member) for row in ["total_processed", *_outcome_rows(fmt)]}
    if family == "I3":
        return {("requests", member, col) for col in _request_columns()}
    if family == "RL":
        return {("review_litigation", member, col) for col, _ in layout()["review_litigation"]["columns"]}
    return set()


def failing_cells(checks: list[dict], fmt: str) -> dict[CellKey, list[tuple[str, str]]]:
    """Cell → (identity, result) of the failing hard identities that read it."""
    cells: dict[CellKey, list[tuple[str, str]]] = {}
    for check in checks:
        if check["result"] in FAILING:
            for key in identity_cells(check["identity"], fmt):
                cells.setdefault(key, []).append((check["identity"], check["result"]))
    return cells
