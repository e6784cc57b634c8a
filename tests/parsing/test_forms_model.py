"""The forms model (forms.yaml) and the reading rules the issue names, one example each."""

from __future__ import annotations

from decimal import Decimal

import lxml.html

from archive.parsing import forms
from archive.parsing.align import align_text
from archive.parsing.tables import extract_tables_from_html, extract_tables_from_text


def _cells(result) -> dict:
    return {(c.row_key, c.col_key): (c.raw_text, c.value, c.status) for c in result.cells}


def test_the_model_prints_the_official_cell_counts():
    active = {fmt: sum(len(cols) for cols in forms.active_row_columns(fmt).values()) for fmt in forms.FORMATS}
    requests = {fmt: len(forms.request_rows(fmt)) * len(forms.request_columns()) for fmt in forms.FORMATS}
    assert active == {"2019": 22, "2021": 10}
    assert requests == {"2019": 161, "2021": 175}
    assert len(forms.review_rows()) * len(forms.review_columns()) == 15
    assert {fmt: len(forms.identities(fmt)) for fmt in forms.FORMATS} == {"2019": 40, "2021": 42}
    assert forms.model() is forms.model()  # loaded once per process


def test_glued_digits_split_only_one_way():
    text = "第二十条第(一)项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章000行政规范性文件693665\n"
    cells = _cells(align_text(text))
    assert [cells[("art20_1.regulations", c)] for c in ("issued", "repealed", "in_force")] == [("0", 0, "ok")] * 3
    assert [cells[("art20_1.normative_docs", c)] for c in ("issued", "repealed", "in_force")] == \
        [("693665", None, "unparsed")] * 3


def test_glued_request_row_splits_by_its_row_total():
    text = ("三、收到和处理政府信息公开申请情况\n申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他\n"
            "一、本年新收政府信息公开申请数量713000074二、上年结转政府信息公开申请数量1000001\n")
    cells = _cells(align_text(text))
    assert [cells[("new_received", c)][1] for c in forms.request_columns()] == [71, 3, 0, 0, 0, 0, 74]
    assert [cells[("carried_over", c)][1] for c in forms.request_columns()] == [1, 0, 0, 0, 0, 0, 1]


def test_a_column_header_is_never_a_row():
    text = ("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)\n|\n申请人情况\n|\n自然人\n|\n法人或其他组织\n|\n总计\n|\n"
            "商业企业\n|\n科研机构\n|\n社会公益组织\n|\n法律服务机构\n|\n其他\n|\n一、本年新收政府信息公开申请数量\n"
            + "".join("|\n2\n" for _ in range(7)))
    result = extract_tables_from_text(text)
    assert {c.row_key for c in result.cells} == {"new_received"}
    assert ("requests", "total_processed", "total") in result.missing


def test_an_amount_in_yuan_goes_to_the_amount_column():
    html = ("<table><tr><td colspan=4>第二十条第（九）项</td></tr><tr><td>信息内容</td><td>采购项目数量</td>"
            "<td>采购总金额</td></tr><tr><td>政府集中采购</td><td>12766600元</td><td></td></tr></table>")
    cells = _cells(extract_tables_from_html(lxml.html.fromstring(html)))
    assert cells[("art20_9.procurement", "amount")] == ("12766600元", Decimal("1276.66"), "ok")
    assert cells[("art20_9.procurement", "projects")] == ("", None, "blank")
    text = "第二十条第(九)项\n信息内容 采购项目数量 采购总金额\n政府集中采购 12766600元\n五、存在的主要问题及改进情况\n"
    aligned = _cells(align_text(text))
    assert aligned == {("art20_9.procurement", "amount"): ("12766600元", Decimal("1276.66"), "ok")}


def test_a_report_mixing_the_forms_is_read_row_by_row():
    """A 2021 active table beside a requests table that keeps the 2019 single （六）其他处理 row."""
    rows = [(key, forms.table("requests")["rows"][key]["path"][-1]) for key in forms.request_rows("2019")]
    text = "\n".join(["第二十条第(五)项", "信息内容 本年处理决定数量", "行政许可 7",
                      "三、收到和处理政府信息公开申请情况", "申请人情况"]
                     + [f"{label} 1 0 0 0 0 0 1" for _, label in rows] + ["五、存在的主要问题及改进情况"])
    result = extract_tables_from_text(text)
    assert result.table_formats == {"active": "2021", "requests": "2019"}
    assert {c.row_key for c in result.cells if c.table_key == "requests"} == set(forms.request_rows("2019"))
    assert _cells(result)[("other", "natural_person")] == ("1", 1, "ok")
