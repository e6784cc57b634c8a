"""Terminal rendering of a ParsedReport: the three tables in their printed layout, then the checks.

Columns are aligned by display width (CJK characters take two terminal cells).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from archive.parsing.checks import REQUEST_COLUMNS, REVIEW_PARTS
from archive.parsing.model import Cell, ParsedReport

_ACTIVE_2019 = (
    ("第二十条第(一)项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("made", "published", "public_total"),
     (("art20_1.regulations", "规章"), ("art20_1.normative_docs", "规范性文件"))),
    ("第二十条第(五)项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("prev_items", "delta_items", "decisions"),
     (("art20_5.licensing", "行政许可"), ("art20_5.other_services", "其他对外管理服务事项"))),
    ("第二十条第(六)项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("prev_items", "delta_items", "decisions"),
     (("art20_6.penalty", "行政处罚"), ("art20_6.coercion", "行政强制"))),
    ("第二十条第(八)项", ("上一年项目数量", "本年增/减"), ("prev_items", "delta_items"),
     (("art20_8.fees", "行政事业性收费"),)),
    ("第二十条第(九)项", ("采购项目数量", "采购总金额"), ("projects", "amount"),
     (("art20_9.procurement", "政府集中采购"),)),
)
_ACTIVE_2021 = (
    ("第二十条第(一)项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("issued", "repealed", "in_force"),
     (("art20_1.regulations", "规章"), ("art20_1.normative_docs", "行政规范性文件"))),
    ("第二十条第(五)项", ("本年处理决定数量",), ("decisions",), (("art20_5.licensing", "行政许可"),)),
    ("第二十条第(六)项", ("本年处理决定数量",), ("decisions",),
     (("art20_6.penalty", "行政处罚"), ("art20_6.coercion", "行政强制"))),
    ("第二十条第(八)项", ("本年收费金额(单位:万元)",), ("fee_amount",), (("art20_8.fees", "行政事业性收费"),)),
)
_REQUEST_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_REQUEST_ROWS = (
    ("new_received", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、(一)予以公开"), ("partial", "(二)部分公开"),
    ("denied.state_secret", "(三)1.属于国家秘密"), ("denied.law_prohibited", "2.其他法律行政法规禁止公开"),
    ("denied.security_stability", "3.危及“三安全一稳定”"), ("denied.third_party", "4.保护第三方合法权益"),
    ("denied.internal_affairs", "5.属于三类内部事务信息"), ("denied.process_info", "6.属于四类过程性信息"),
    ("denied.enforcement_file", "7.属于行政执法案卷"), ("denied.admin_query", "8.属于行政查询事项"),
    ("unable.not_held", "(四)1.本机关不掌握相关政府信息"), ("unable.needs_creation", "2.没有现成信息需要另行制作"),
    ("unable.still_unclear", "3.补正后申请内容仍不明确"),
    ("not_processed.complaint", "(五)1.信访举报投诉类申请"), ("not_processed.duplicate", "2.重复申请"),
    ("not_processed.publication", "3.要求提供公开出版物"), ("not_processed.excessive", "4.无正当理由大量反复申请"),
    ("not_processed.confirm_reissue", "5.要求行政机关确认或重新出具已获取信息"),
    ("other", "(六)其他处理"), ("other.no_correction", "(六)1.逾期不补正"),
    ("other.fee_unpaid", "2.逾期未按收费通知缴纳费用"), ("other.other", "3.其他"),
    ("total_processed", "(七)总计"), ("carried_forward", "四、结转下年度继续办理"),
)
_REVIEW_GROUPS = (("行政复议", "review"), ("行政诉讼·未经复议直接起诉", "litigation_direct"),
                  ("行政诉讼·复议后起诉", "litigation_after_review"))
_REVIEW_HEADERS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


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
    layout = _ACTIVE_2021 if fmt == "2021" else _ACTIVE_2019
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
    body = [[label] + [_shown(grid.get(("requests", row, col))) for col in REQUEST_COLUMNS]
            for row, label in _REQUEST_ROWS if row not in skip]
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
