"""Terminal rendering of a ParsedReport: the three tables in their printed layout (from the forms
model), then the checks.

Columns are aligned by display width (CJK characters take two terminal cells).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from archive.parsing import forms
from archive.parsing.checks import REQUEST_COLUMNS, REVIEW_PARTS
from archive.parsing.model import Cell, ParsedReport

def _printed(text: str) -> str:
    """Terminal form of a printed label: ASCII punctuation (NFKC), as the parser normalizes it."""
    return unicodedata.normalize("NFKC", text)


def _active_layout(fmt: str) -> list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]]:
    """(caption, header labels, column keys, rows) per block of the model's active table."""
    return [(_printed(b.caption), tuple(_printed(c.label) for c in b.columns), tuple(c.key for c in b.columns),
             b.rows) for b in forms.active_blocks(fmt)]


def _request_labels(keys: list[str]) -> list[tuple[str, str]]:
    """(row key, label) as a one-column print: a row starting a group carries the group's ordinal."""
    rows = forms.table("requests")["rows"]
    out: list[tuple[str, str]] = []
    previous: list[str] = []
    for key in keys:
        path = list(rows[key]["path"])
        prefix = path[0][:2] if len(path) > 1 and previous[:1] != path[:1] else ""
        prefix += path[1][:3] if len(path) > 2 and previous[:2] != path[:2] else ""
        out.append((key, _printed(prefix + rows[key].get("short", path[-1]))))
        previous = path
    return out


_REQUEST_HEADERS = tuple(forms.labels("requests").values())
_REVIEW_GROUPS = tuple((f"{top}·{sub}" if sub else top, key)
                       for key, top, sub in forms.table("review_litigation")["groups"])
_REVIEW_HEADERS = tuple(forms.labels("review_litigation").values())


def display_width(text: str) -> int:
    """Terminal cells: East Asian wide and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def grid_lines(header: Sequence[str], rows: Sequence[Sequence[str]],
               right: Sequence[bool] | None = None) -> list[str]:
    """A plain-text grid; by default the first column is left-aligned and the values right-aligned."""
    table = [list(header)] + [list(r) for r in rows]
    widths = [max(display_width(r[i]) for r in table) for i in range(len(header))]
    right = right if right is not None else [i > 0 for i in range(len(header))]
    return ["  ".join(pad(cell, widths[i], right=right[i]) for i, cell in enumerate(row)).rstrip()
            for row in table]


def _shown(cell: Cell | None) -> str:
    if cell is None:
        return "·"  # not extracted
    return cell.raw_text.strip() or ("" if cell.status == "blank" else str(cell.value))


def _active(parsed: ParsedReport, grid: dict[tuple[str, str, str], Cell]) -> list[str]:
    fmt = parsed.table_formats.get("active")
    layout = _active_layout("2021" if fmt == "2021" else "2019")
    lines = [f"二、主动公开政府信息情况 (format {fmt or 'unknown'})"]
    for caption, headers, cols, rows in layout:
        lines.append(caption)
        body = [[label] + [_shown(grid.get(("active", row, col))) for col in cols] for row, label in rows]
        lines += ["  " + line for line in grid_lines(["信息内容", *headers], body)]
    return lines


def _requests(parsed: ParsedReport, grid: dict[tuple[str, str, str], Cell]) -> list[str]:
    fmt = parsed.table_formats.get("requests")
    present = {key[1] for key in grid if key[0] == "requests"}
    skip = {"other.no_correction", "other.fee_unpaid", "other.other"} if fmt == "2019" else set()
    skip |= {"other"} if fmt == "2021" and "other" not in present else set()
    shown = [row for row in forms.request_rows() if row not in skip]
    body = [[label] + [_shown(grid.get(("requests", row, col))) for col in REQUEST_COLUMNS]
            for row, label in _request_labels(shown)]
    lines = [f"三、收到和处理政府信息公开申请情况 (format {fmt or 'unknown'})"]
    return lines + ["  " + line for line in grid_lines(["申请人情况", *_REQUEST_HEADERS], body)]


def _review(grid: dict[tuple[str, str, str], Cell]) -> list[str]:
    """One data row of 15 columns under the group headers 行政复议 / 直接起诉 / 复议后起诉."""
    header = [h for _ in _REVIEW_GROUPS for h in _REVIEW_HEADERS]
    row = [_shown(grid.get(("review_litigation", key, col)))
           for _, key in _REVIEW_GROUPS for col in (*REVIEW_PARTS, "total")]
    widths = [max(display_width(h), display_width(v)) for h, v in zip(header, row)]
    block = len(_REVIEW_HEADERS)
    groups = [pad(name, sum(widths[i:i + block]) + 2 * (block - 1))
              for (name, _), i in zip(_REVIEW_GROUPS, range(0, len(widths), block))]
    lines = ["  ".join(groups).rstrip(),
             "  ".join(pad(h, w) for h, w in zip(header, widths)).rstrip(),
             "  ".join(pad(v, w, right=True) for v, w in zip(row, widths)).rstrip()]
    return ["四、政府信息公开行政复议、行政诉讼情况"] + ["  " + line for line in lines]


def render_checks(parsed: ParsedReport) -> list[str]:
    rows = [[c.identity, c.result, "" if c.difference is None else f"{c.difference:+}", c.severity,
             c.detail or ""] for c in parsed.checks]
    header = ["identity", "result", "diff", "severity", "detail"]
    return ["检查 checks"] + ["  " + line for line in grid_lines(header, rows, [False, False, True, False, False])]


def render_report(parsed: ParsedReport) -> str:
    """Header fields, the three tables as printed, then every check."""
    grid = {(c.table_key, c.row_key, c.col_key): c for c in parsed.cells}
    lines = [
        parsed.title or "(no title)",
        f"agency: {parsed.agency or '-'}   region: {parsed.region or '-'}   year: {parsed.year or '-'}   "
        f"published: {parsed.published or '-'}",
        f"format: {parsed.format}   status: {parsed.parse_status}   index_no: {parsed.index_no or '-'}",
        "",
    ]
    tables = {c.table_key for c in parsed.cells} | set(parsed.table_formats)
    if "active" in tables:
        lines += _active(parsed, grid) + [""]
    if "requests" in tables:
        lines += _requests(parsed, grid) + [""]
    if "review_litigation" in tables:
        lines += _review(grid) + [""]
    if parsed.notes:
        lines += ["注 notes"] + [f"  {note}" for note in parsed.notes] + [""]
    if parsed.checks:
        lines += render_checks(parsed)
    return "\n".join(lines).rstrip() + "\n"
