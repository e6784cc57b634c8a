"""Property tests: random identity-consistent reports, rendered with random layouts, parse back exactly.

A report is drawn as printed cell texts under canonical keys; the renderer lays the three tables
out as the official template does (Word-style HTML with spans, `<p>`, `<br>`, `&nbsp;`; or text in
the cell-per-line / row-per-line forms), with random label spacing, list markers, script, blank
for zero, colspan variants and split tables. The expected cells come from the drawn texts.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from decimal import Decimal

import lxml.html
import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.decoding import decode_body
from archive.parsing.tables import (
    REQUEST_COLUMNS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
    extract_tables_from_html,
    extract_tables_from_text,
)

S2T = opencc.OpenCC("s2t")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (block, header labels, column keys, [(row key, label)])
ACTIVE_2019 = (
    ("一", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("made", "published", "public_total"),
     (("art20_1.regulations", "规章"), ("art20_1.normative_docs", "规范性文件"))),
    ("五", ("上一年项目数量", "本年增/减", "处理决定数量"), ("prev_items", "delta_items", "decisions"),
     (("art20_5.licensing", "行政许可"), ("art20_5.other_services", "其他对外管理服务事项"))),
    ("六", ("上一年项目数量", "本年增/减", "处理决定数量"), ("prev_items", "delta_items", "decisions"),
     (("art20_6.penalty", "行政处罚"), ("art20_6.coercion", "行政强制"))),
    ("八", ("上一年项目数量", "本年增/减"), ("prev_items", "delta_items"), (("art20_8.fees", "行政事业性收费"),)),
    ("九", ("采购项目数量", "采购总金额"), ("projects", "amount"), (("art20_9.procurement", "政府集中采购"),)),
)
ACTIVE_2021 = (
    ("一", ("本年制发件数", "本年废止件数", "现行有效件数"), ("issued", "repealed", "in_force"),
     (("art20_1.regulations", "规章"), ("art20_1.normative_docs", "行政规范性文件"))),
    ("五", ("本年处理决定数量",), ("decisions",), (("art20_5.licensing", "行政许可"),)),
    ("六", ("本年处理决定数量",), ("decisions",), (("art20_6.penalty", "行政处罚"), ("art20_6.coercion", "行政强制"))),
    ("八", ("本年收费金额（单位：万元）",), ("fee_amount",), (("art20_8.fees", "行政事业性收费"),)),
)
# Requests row key → (group cell, own label); numbered reasons carry the marker number.
REQUEST_LABELS = {
    "new_received": (None, "一、本年新收政府信息公开申请数量"),
    "carried_over": (None, "二、上年结转政府信息公开申请数量"),
    "granted": ("", "（一）予以公开"),
    "partial": ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "denied.state_secret": ("（三）不予公开", "1|属于国家秘密"),
    "denied.law_prohibited": ("（三）不予公开", "2|其他法律行政法规禁止公开"),
    "denied.security_stability": ("（三）不予公开", "3|危及“三安全一稳定”"),
    "denied.third_party": ("（三）不予公开", "4|保护第三方合法权益"),
    "denied.internal_affairs": ("（三）不予公开", "5|属于三类内部事务信息"),
    "denied.process_info": ("（三）不予公开", "6|属于四类过程性信息"),
    "denied.enforcement_file": ("（三）不予公开", "7|属于行政执法案卷"),
    "denied.admin_query": ("（三）不予公开", "8|属于行政查询事项"),
    "unable.not_held": ("（四）无法提供", "1|本机关不掌握相关政府信息"),
    "unable.needs_creation": ("（四）无法提供", "2|没有现成信息需要另行制作"),
    "unable.still_unclear": ("（四）无法提供", "3|补正后申请内容仍不明确"),
    "not_processed.complaint": ("（五）不予处理", "1|信访举报投诉类申请"),
    "not_processed.duplicate": ("（五）不予处理", "2|重复申请"),
    "not_processed.publication": ("（五）不予处理", "3|要求提供公开出版物"),
    "not_processed.excessive": ("（五）不予处理", "4|无正当理由大量反复申请"),
    "not_processed.confirm_reissue": ("（五）不予处理", "5|要求行政机关确认或重新出具已获取信息"),
    "other": ("", "（六）其他处理"),
    "other.no_correction": ("（六）其他处理", "1|申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other.fee_unpaid": ("（六）其他处理", "2|申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other.other": ("（六）其他处理", "3|其他"),
    "total_processed": ("", "（七）总计"),
    "carried_forward": (None, "四、结转下年度继续办理"),
}
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
REVIEW_SUBHEADS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass(frozen=True)
class Layout:
    traditional: bool
    marker: str  # "." | "、" | "．" | "()"
    spaced: bool  # spaces inside labels, as narrow Word cells print them
    paragraphs: bool  # <p> inside cells
    split_at: int | None  # requests table split into two <table> before this data row
    repeat_header: bool
    wide_values: bool  # 2019 （八）（九） value cells colspan=2 (上海 2019)


@dataclass(frozen=True)
class Report:
    fmt: str
    active: dict[str, dict[str, str]]
    requests: dict[str, list[str]]
    review: list[str]


Td = tuple[str, int, int]  # text, rowspan, colspan


def _count_text(n: int, blank_zero: bool) -> str:
    return "" if n == 0 and blank_zero else str(n)


@st.composite
def reports(draw: st.DrawFn, fmt: str) -> Report:
    blank_zero = draw(st.booleans())
    small = st.integers(0, 30)
    rows = REQUEST_ROWS_2019 if fmt == "2019" else REQUEST_ROWS_2021
    outcome_rows = rows[2:-2]
    columns: dict[str, list[int]] = {}
    for col in REQUEST_COLUMNS[:-1]:
        outcomes = [draw(small) for _ in outcome_rows]
        processed = sum(outcomes)
        forward = draw(small)
        over = draw(st.integers(0, processed + forward))
        columns[col] = [processed + forward - over, over, *outcomes, processed, forward]
    totals = [sum(values) for values in zip(*columns.values())]
    requests = {
        key: [_count_text(columns[col][i], blank_zero) for col in REQUEST_COLUMNS[:-1]] + [_count_text(totals[i], blank_zero)]
        for i, key in enumerate(rows)
    }
    review_rows = []
    for _ in REVIEW_ROWS:
        parts = [draw(small) for _ in range(4)]
        review_rows += [_count_text(n, blank_zero) for n in parts + [sum(parts)]]
    active: dict[str, dict[str, str]] = {}
    for _, _, cols, block_rows in ACTIVE_2019 if fmt == "2019" else ACTIVE_2021:
        for key, _ in block_rows:
            active[key] = {col: draw(_active_value(col, blank_zero)) for col in cols}
    return Report(fmt, active, requests, review_rows)


def _active_value(col: str, blank_zero: bool) -> st.SearchStrategy[str]:
    if col == "delta_items":
        return st.integers(-50, 50).map(lambda n: f"+{n}" if n > 0 and n % 2 else str(n))
    if col == "amount":
        return st.one_of(st.integers(1, 10**7).map(lambda n: f"{n}元"),
                         st.integers(1, 10**6).map(lambda n: f"{n / 100:.2f}万元"))
    if col == "fee_amount":
        return st.integers(0, 10**6).map(lambda n: f"{n / 100:.2f}")
    return st.integers(0, 5000).map(lambda n: _count_text(n, blank_zero))


layouts = st.builds(
    Layout,
    traditional=st.booleans(),
    marker=st.sampled_from([".", "、", "．", "()"]),
    spaced=st.booleans(),
    paragraphs=st.booleans(),
    split_at=st.one_of(st.none(), st.integers(1, 20)),
    repeat_header=st.booleans(),
    wide_values=st.booleans(),
)


def _label(text: str, layout: Layout) -> str:
    if "|" in text:
        number, rest = text.split("|")
        text = f"（{number}）{rest}" if layout.marker == "()" else f"{number}{layout.marker}{rest}"
    if layout.spaced and len(text) < 12:
        text = " ".join(text)
    return S2T.convert(text) if layout.traditional else text


def active_rows(report: Report, layout: Layout) -> list[list[Td]]:
    blocks = ACTIVE_2019 if report.fmt == "2019" else ACTIVE_2021
    rows: list[list[Td]] = []
    for block, headers, cols, block_rows in blocks:
        rows.append([(_label(f"第二十条第（{block}）项", layout), 1, 4)])
        spans = _value_spans(len(cols), layout)
        rows.append([(_label("信息内容", layout), 1, 1)] + [(_label(h, layout), 1, s) for h, s in zip(headers, spans)])
        for key, label in block_rows:
            values = [(_script(report.active[key][c], layout), 1, s) for c, s in zip(cols, spans)]
            rows.append([(_label(label, layout), 1, 1)] + values)
    return rows


def _value_spans(n: int, layout: Layout) -> list[int]:
    if n == 1:
        return [3]
    if n == 2:
        return [2, 1] if not layout.wide_values else [1, 2]
    return [1, 1, 1]


def _script(text: str, layout: Layout) -> str:
    return S2T.convert(text) if layout.traditional else text


def request_rows(report: Report, layout: Layout) -> list[list[Td]]:
    header = [
        [(_label(CORNER, layout), 3, 3), (_label("申请人情况", layout), 1, 7)],
        [(_label("自然人", layout), 2, 1), (_label("法人或其他组织", layout), 1, 5), (_label("总计", layout), 2, 1)],
        [(_label(a, layout), 1, 1) for a in APPLICANTS],
    ]
    keys = list(report.requests)
    body: list[list[Td]] = []
    outcome_span = len(keys) - 3
    group_sizes = {g: sum(1 for k in keys if REQUEST_LABELS[k][0] == g) for g in {REQUEST_LABELS[k][0] for k in keys}}
    seen_groups: set[str] = set()
    for i, key in enumerate(keys):
        group, label = REQUEST_LABELS[key]
        values = [(v, 1, 1) for v in report.requests[key]]
        cells: list[Td] = []
        if group is None:
            cells.append((_label(label, layout), 1, 3))
        else:
            if i == 2:
                cells.append((_label("三、本年度办理结果", layout), outcome_span, 1))
            if group == "":
                cells.append((_label(label, layout), 1, 2))
            else:
                if group not in seen_groups:
                    cells.append((_label(group, layout), group_sizes[group], 1))
                    seen_groups.add(group)
                cells.append((_label(label, layout), 1, 1))
        body.append(cells + values)
    return header + body


def review_rows(report: Report, layout: Layout) -> list[list[Td]]:
    return [
        [(_label("行政复议", layout), 1, 5), (_label("行政诉讼", layout), 1, 10)],
        [(_label(h, layout), 2, 1) for h in REVIEW_SUBHEADS]
        + [(_label("未经复议直接起诉", layout), 1, 5), (_label("复议后起诉", layout), 1, 5)],
        [(_label(h, layout), 1, 1) for h in REVIEW_SUBHEADS * 2],
    ] + ([[(v, 1, 1) for v in report.review]] if report.review else [])


def _td_html(td: Td, layout: Layout) -> str:
    text, rowspan, colspan = td
    body = html_lib.escape(text).replace(" ", "<br/>", 1) if text else "&nbsp;"
    if layout.paragraphs:
        body = f'<p align="center">{body}</p>'
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{spans}>{body}</td>"


def _table_html(rows: list[list[Td]], layout: Layout) -> str:
    return "<table border=\"1\">" + "".join(
        "<tr>" + "".join(_td_html(td, layout) for td in row) + "</tr>" for row in rows
    ) + "</table>"


def render_html(report: Report, layout: Layout) -> str:
    requests = request_rows(report, layout)
    parts = [_table_html(active_rows(report, layout), layout)]
    if layout.split_at is not None:
        cut = 3 + layout.split_at
        head = requests[:3] if layout.repeat_header else []
        parts += [_table_html(requests[:cut], layout), "<p>&nbsp;</p>", _table_html(head + requests[cut:], layout)]
    else:
        parts.append(_table_html(requests, layout))
    parts.append(_table_html(review_rows(report, layout), layout))
    return "<html><body><p>二、主动公开政府信息情况</p>" + "".join(parts) + "<p>五、存在的主要问题及改进情况</p></body></html>"


def render_text(report: Report, layout: Layout, cell_per_line: bool) -> str:
    lines = ["二、主动公开政府信息情况"]
    for heading, rows in (("", active_rows(report, layout)), ("三、收到和处理政府信息公开申请情况", request_rows(report, layout)),
                          ("四、政府信息公开行政复议、行政诉讼情况", review_rows(report, layout))):
        if heading:
            lines.append(heading)
        width = max(len(row) for row in rows)
        for row in rows:
            texts = [text for text, _, _ in row]
            if cell_per_line:
                lines += [f"{text} |" for text in texts] + ["|" * (width - len(row) + 1)]
            else:
                lines.append("| " + " | ".join(texts) + " |")
    lines.append("五、存在的主要问题及改进情况")
    return "\n".join(lines)


def expected_cells(report: Report) -> dict[tuple[str, str, str], tuple]:
    expected: dict[tuple[str, str, str], tuple] = {}
    for key, row in report.active.items():
        for col, raw in row.items():
            expected[("active", key, col)] = _expected_value(raw, col)
    for key, row in report.requests.items():
        for col, raw in zip(REQUEST_COLUMNS, row):
            expected[("requests", key, col)] = _expected_value(raw, col)
    keys = [(r, c) for r in REVIEW_ROWS for c in REVIEW_COLUMNS]
    for (row_key, col), raw in zip(keys, report.review):
        expected[("review_litigation", row_key, col)] = _expected_value(raw, col)
    return expected


def _expected_value(raw: str, col: str) -> tuple:
    if raw == "":
        return None, None, "blank"
    if raw.endswith("万元"):
        return Decimal(raw[:-2]), "万元", "ok"
    if raw.endswith("元"):
        return Decimal(raw[:-1]) / 10000, "元", "ok"
    if col == "fee_amount":
        return Decimal(raw), "万元", "ok"
    return int(raw), None, "ok"


def _assert_round_trip(result, report: Report) -> None:
    actual = {(c.table_key, c.row_key, c.col_key): (c.value, c.unit, c.status) for c in result.cells}
    assert actual == expected_cells(report), result.problems
    assert result.table_formats == {"active": report.fmt, "requests": report.fmt, "review_litigation": report.fmt}
    assert result.problems == []


formats = st.sampled_from(["2019", "2021"])
any_report = formats.flatmap(reports)


@SETTINGS
@given(report=any_report, layout=layouts)
def test_html_round_trip(report: Report, layout: Layout) -> None:
    result = extract_tables_from_html(lxml.html.fromstring(render_html(report, layout)))
    _assert_round_trip(result, report)


@SETTINGS
@given(report=any_report, layout=layouts, cell_per_line=st.booleans())
def test_text_round_trip(report: Report, layout: Layout, cell_per_line: bool) -> None:
    result = extract_tables_from_text(render_text(report, layout, cell_per_line))
    _assert_round_trip(result, report)


@settings(max_examples=60, deadline=None)
@given(body=st.binary(max_size=2000), content_type=st.sampled_from([None, "text/html; charset=gbk", "text/plain"]))
def test_arbitrary_bytes_never_raise(body: bytes, content_type: str | None) -> None:
    text = decode_body(body, content_type).text
    for result in (extract_tables_from_text(text), _html_result(text)):
        assert all(cell.status in ("ok", "blank", "not_applicable", "unparsed") for cell in result.cells)


def _html_result(text: str):
    try:
        root = lxml.html.fromstring(text)
    except Exception:  # lxml refuses empty or comment-only documents; that is the caller's case
        root = lxml.html.fromstring("<html></html>")
    return extract_tables_from_html(root)


_html_fragments = st.lists(
    st.sampled_from([
        "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", '<td rowspan="9999">', '<td colspan="0">',
        '<td colspan="abc">', "<br>", "&nbsp;", "第二十条第（一）项", "信息内容", "本年新制作数量", "规章", "12",
        "申请人情况", "一、本年新收", "结果维持", "-", "/", "<p>", "</p>", "（注：x）", "<table><tr><td>",
    ]),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(parts=_html_fragments)
def test_arbitrary_html_never_raises(parts: list[str]) -> None:
    result = _html_result("<html><body>" + "".join(parts) + "</body></html>")
    assert isinstance(result.problems, list)
    assert not any(p.startswith("tables: ") for p in result.problems), result.problems
