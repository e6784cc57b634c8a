"""Pre-2019 indicator tables (format-spec §9) → pre2019_stats cells."""

from __future__ import annotations

from decimal import Decimal

import lxml.html

from archive.parsing.tables import extract_tables_from_html, extract_tables_from_text

PAGE = """<table>
<tr><td>指标名称</td><td>计量单位</td><td>2012年度</td><td>历年累计</td></tr>
<tr><td>主动公开信息数</td><td>条</td><td>2949</td><td>81916</td></tr>
<tr><td>其中：政府网站公开数</td><td>条</td><td>&nbsp;</td><td>/</td></tr>
<tr><td>政府信息公开收费减免金额</td><td>万元</td><td>0.5</td><td>2</td></tr>
<tr><td>其中：政府网站公开数</td><td>条</td><td>1</td><td>2</td></tr>
</table>"""


def test_indicator_table_from_html():
    result = extract_tables_from_html(lxml.html.fromstring(PAGE))
    assert result.found == ["pre2019_stats"]
    assert result.table_formats == {"pre2019_stats": "pre2019"}
    got = [(c.row_key, c.col_key, c.value, c.unit, c.status) for c in result.cells]
    assert got == [
        ("主动公开信息数", "2012年度", 2949, "条", "ok"),
        ("主动公开信息数", "历年累计", 81916, "条", "ok"),
        ("其中:政府网站公开数", "2012年度", None, "条", "blank"),
        ("其中:政府网站公开数", "历年累计", None, "条", "not_applicable"),
        ("政府信息公开收费减免金额", "2012年度", Decimal("0.5"), "万元", "ok"),
        ("政府信息公开收费减免金额", "历年累计", 2, "万元", "ok"),
        ("其中:政府网站公开数#2", "2012年度", 1, "条", "ok"),
        ("其中:政府网站公开数#2", "历年累计", 2, "条", "ok"),
    ]


def test_indicator_table_from_space_separated_text():
    text = "指标名称 计量单位 2012年度 历年累计\n主动公开信息数 条 2949 81916\n"
    result = extract_tables_from_text(text)
    assert [(c.row_key, c.col_key, c.value, c.unit) for c in result.cells] == [
        ("主动公开信息数", "2012年度", 2949, "条"),
        ("主动公开信息数", "历年累计", 81916, "条"),
    ]
