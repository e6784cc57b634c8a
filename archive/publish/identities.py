"""Which printed cells an identity check reads (format-spec §7), so a failing check can point at them.

The identities are the forms model's (`archive/parsing/forms.yaml`), the same the parser evaluates.
"""

from __future__ import annotations

from archive.parsing import forms
from archive.publish.layout import CellKey

FAILING = ("fail", "fail_total_blank", "fail_parts_blank")


def identity_cells(identity: str, fmt: str) -> set[CellKey]:
    """Cells of `I1:<col>`, `I2:<col>`, `I3:<row>` or `RL:<row>`; empty for summaries and soft checks."""
    # The report's format first; a member printed only in the other format still points at its cells.
    order = [fmt] if fmt in forms.FORMATS else []
    for form in order + [f for f in forms.FORMATS if f not in order]:
        member = next((m for m in forms.identities(form) if m.name == identity), None)
        if member is not None:
            return set(member.totals + member.parts)
    return set()


def failing_cells(checks: list[dict], fmt: str) -> dict[CellKey, list[tuple[str, str]]]:
    """Cell → (identity, result) of the failing hard identities that read it."""
    cells: dict[CellKey, list[tuple[str, str]]] = {}
    for check in checks:
        if check["result"] in FAILING:
            for key in identity_cells(check["identity"], fmt):
                cells.setdefault(key, []).append((check["identity"], check["result"]))
    return cells
