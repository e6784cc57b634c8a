"""Lay text table rows out on the official templates (format-spec §3-§5) and print them as Word HTML.

The output has the MsoNormalTable look of Word-authored report pages: rowspan/colspan headers,
<p class=MsoNormal> inside every cell, <br> inside long headers and &nbsp; in blank cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from archive.normalize import CJK, normalize_label
from demo_portal.texttables import Row

_CJK = re.compile(f"[{CJK}]")
_LEVEL1 = re.compile(r"^[一二三四]、")
_LEVEL2 = re.compile(r"^\([一二三四五六七]\)")
_LEVEL3 = re.compile(r"^\d+\.")
_HEADING = re.compile(r"^[一二三四五六]、.*情况$")
_FORM_FOOTER = re.compile(r"[:：]")


@dataclass(frozen=True)
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    role: str = "value"  # value | label | header | caption


Grid = list[list[GridCell]]


def table_kind(rows: Sequence[Row]) -> str:
    """active | requests | review_litigation | generic, from the labels (§11)."""
    text = normalize_label("".join("".join(row) for row in rows))
    if "第二十条" in text:
        return "active"
    if "申请人情况" in text or "本年新收" in text:
        return "requests"
    if "行政复议" in text and "复议后起诉" in text:
        return "review_litigation"
    return "generic"


def _key(cell: str) -> str:
    return normalize_label(cell)


def _padded(values: Sequence[str], width: int) -> list[str]:
    return list(values[:width]) + [""] * (width - len(values))


def _active_grid(rows: Sequence[Row]) -> Grid:
    grid: Grid = []
    value_columns = 3
    for row in rows:
        first = _key(row[0]) if row else ""
        if first.startswith("第二十条") or _HEADING.match(first) or _FORM_FOOTER.search(row[0] if row else ""):
            grid.append([GridCell(" ".join(row), colspan=4, role="caption")])
            continue
        is_header = first == "信息内容"
        if is_header:
            value_columns = max(1, len(row) - 1)
        values = _padded(row[1:], value_columns)
        cells = [GridCell(row[0], role="header" if is_header else "label")]
        role = "header" if is_header else "value"
        cells += [GridCell(v, role=role) for v in values[:-1]]
        # (八)(九) in 2019 and (五)(六)(八) in 2021 have fewer value columns: the last one spans the rest.
        cells.append(GridCell(values[-1], colspan=4 - value_columns, role=role))
        grid.append(cells)
    return grid


def _split_labels(row: Row) -> tuple[list[str], list[str]]:
    count = next((i for i, cell in enumerate(row) if not _CJK.search(cell)), len(row))
    return list(row[:count]), list(row[count:])


def _requests_header_cell(cell: str) -> GridCell:
    key = _key(cell)
    if "勾稽关系" in key:
        return GridCell(cell, rowspan=3, colspan=3, role="header")
    spans = {"申请人情况": (1, 7), "自然人": (2, 1), "法人或其他组织": (1, 5), "总计": (2, 1)}
    rowspan, colspan = spans.get(key, (1, 1))
    return GridCell(cell, rowspan=rowspan, colspan=colspan, role="header")


def _first_label(row: Row) -> str:
    return _key(row[0]) if row else ""


def _requests_labels(labels: list[str], rows: Sequence[Row], index: int) -> list[GridCell]:
    cells: list[GridCell] = []
    rest = labels
    if rest and _LEVEL1.match(_key(rest[0])):
        if not _key(rest[0]).startswith("三"):
            return [GridCell(rest[0], colspan=3, role="label")]
        # 三、本年度办理结果 spans every row down to 四、结转….
        span = next((j for j in range(index + 1, len(rows)) if _first_label(rows[j]).startswith("四")), len(rows))
        cells.append(GridCell(rest[0], rowspan=span - index, role="label"))
        rest = rest[1:]
    if len(rest) >= 2:
        reasons = 1
        while index + reasons < len(rows) and _LEVEL3.match(_first_label(rows[index + reasons])):
            reasons += 1
        cells.append(GridCell(rest[0], rowspan=reasons, role="label"))
        cells.append(GridCell(rest[1], role="label"))
    elif rest and _LEVEL2.match(_key(rest[0])):
        cells.append(GridCell(rest[0], colspan=2, role="label"))
    elif rest:
        cells.append(GridCell(rest[0], role="label"))
    return cells


def _requests_grid(rows: Sequence[Row]) -> Grid:
    grid: Grid = []
    in_header = True
    for index, row in enumerate(rows):
        if len(row) == 1 and _HEADING.match(_key(row[0])):
            grid.append([GridCell(row[0], colspan=10, role="caption")])
            continue
        labels, values = _split_labels(row)
        if in_header and labels and _LEVEL1.match(_key(labels[0])):
            in_header = False
        if in_header:
            grid.append([_requests_header_cell(cell) for cell in row])
            continue
        cells = _requests_labels(labels, rows, index)
        grid.append(cells + [GridCell(v) for v in _padded(values, 7)])
    return grid


def _review_grid(rows: Sequence[Row]) -> Grid:
    grid: Grid = []
    spans = {"行政复议": 5, "行政诉讼": 10, "未经复议直接起诉": 5, "复议后起诉": 5}
    for row in rows:
        keys = [_key(cell) for cell in row]
        if len(row) == 1 and _HEADING.match(keys[0]):
            grid.append([GridCell(row[0], colspan=15, role="caption")])
        elif any(_CJK.search(cell) for cell in row):
            # In the row holding 未经复议直接起诉 the 复议 sub-headers stand two rows high.
            tall = 2 if "未经复议直接起诉" in keys else 1
            grid.append(
                [
                    GridCell(cell, colspan=spans.get(key, 1), rowspan=1 if key in spans else tall, role="header")
                    for cell, key in zip(row, keys)
                ]
            )
        else:
            grid.append([GridCell(v) for v in _padded(row, 15)])
    return grid


def layout(rows: Sequence[Row]) -> Grid:
    """Place the cells of a text table on its template's grid."""
    kind = table_kind(rows)
    if kind == "active":
        return _active_grid(rows)
    if kind == "requests":
        return _requests_grid(rows)
    if kind == "review_litigation":
        return _review_grid(rows)
    return [[GridCell(cell) for cell in row] for row in rows]


def _cell_text(cell: GridCell) -> str:
    if not cell.text:
        return "&nbsp;"
    if cell.role == "header" and " " in cell.text:
        # Narrow header cells wrap: "商业 企业" was printed on two lines.
        return "<br>".join(escape(part) for part in cell.text.split())
    if cell.role == "header" and len(cell.text) >= 7 and "勾稽" not in cell.text:
        middle = len(cell.text) // 2
        return f"{escape(cell.text[:middle])}<br>{escape(cell.text[middle:])}"
    return escape(cell.text)


def _cell_html(cell: GridCell) -> str:
    spans = "".join(
        f" {name}={value}" for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if value > 1
    )
    align = "left" if cell.role in ("label", "caption") else "center"
    return (
        f"<td{spans} valign=middle style='border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'>"
        f"<p class=MsoNormal align={align} style='text-align:{align}'>"
        f"<span style='font-size:10.5pt;font-family:宋体'>{_cell_text(cell)}</span></p></td>"
    )


def word_table_html(rows: Sequence[Row]) -> str:
    """A Word-exported <table> for the rows of one text table."""
    body = "\n".join("<tr>" + "".join(_cell_html(cell) for cell in row) + "</tr>" for row in layout(rows))
    return (
        "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600 "
        "style='border-collapse:collapse;border:none'>\n<tbody>\n" + body + "\n</tbody></table>"
    )
