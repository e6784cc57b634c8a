"""The printed layout of the three standard tables (format-spec §3-§6) and the identity → cells map."""

from __future__ import annotations

from archive.publish.identities import identity_cells
from archive.publish.layout import key_labels, printed_table


def _value_count(table_key: str, fmt: str) -> int:
    return len(printed_table(table_key, fmt).keys())


def test_value_slot_counts_match_the_official_forms():
    assert _value_count("active", "2019") == 22
    assert _value_count("active", "2021") == 10
    assert _value_count("requests", "2019") == 161
    assert _value_count("requests", "2021") == 175
    assert _value_count("review_litigation", "2019") == 15


def test_every_printed_row_spans_the_full_grid_width():
    for table_key, fmt, width in (("active", "2019", 4), ("active", "2021", 4), ("review_litigation", "2021", 15)):
        for row in printed_table(table_key, fmt).rows:
            covered = sum(cell.colspan for cell in row)
            assert covered in (width, width - 5, width - 10) if table_key == "review_litigation" else covered == width


def test_requests_label_column_spans_as_printed():
    rows = printed_table("requests", "2019").rows
    labels = {cell.text: cell for row in rows for cell in row if cell.kind == "label"}
    assert (labels["三、本年度办理结果"].rowspan, labels["三、本年度办理结果"].colspan) == (20, 1)
    assert (labels["（三）不予公开"].rowspan, labels["（四）无法提供"].rowspan, labels["（五）不予处理"].rowspan) == (8, 3, 5)
    assert labels["（六）其他处理"].colspan == 2
    assert labels["一、本年新收政府信息公开申请数量"].colspan == 3
    labels_2021 = {cell.text: cell for row in printed_table("requests", "2021").rows for cell in row
                   if cell.kind == "label"}
    assert labels_2021["三、本年度办理结果"].rowspan == 22
    assert (labels_2021["（六）其他处理"].rowspan, labels_2021["（六）其他处理"].colspan) == (3, 1)


def test_requests_header_has_the_corner_note_and_seven_columns():
    header = printed_table("requests", "2021").rows[:3]
    assert header[0][0].text.startswith("（本列数据的勾稽关系为")
    assert (header[0][0].colspan, header[0][0].rowspan) == (3, 3)
    assert [c.text for c in header[1]] == ["自然人", "法人或其他组织", "总计"]
    assert [c.text for c in header[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def test_active_2021_single_value_blocks_span_three_columns():
    rows = printed_table("active", "2021").rows
    fees = next(row for row in rows if row[0].text == "行政事业性收费")
    assert [(c.key, c.colspan) for c in fees[1:]] == [(("active", "art20_8.fees", "fee_amount"), 3)]


def test_key_labels_give_the_printed_chinese_labels():
    labels = {(r["table_key"], r["format"], r["axis"], r["key"]): r["label"] for r in key_labels()}
    assert labels[("active", "2019", "row", "art20_1.normative_docs")] == "规范性文件"
    assert labels[("active", "2021", "row", "art20_1.normative_docs")] == "行政规范性文件"
    assert labels[("active", "2021", "col", "fee_amount")] == "本年收费金额（单位：万元）"
    assert labels[("requests", "2019", "row", "denied.state_secret")] == "（三）不予公开1.属于国家秘密"
    assert labels[("requests", "2021", "col", "natural_person")] == "自然人"
    assert labels[("review_litigation", "2021", "row", "litigation_direct")] == "未经复议直接起诉"
    assert ("requests", "2019", "row", "other.fee_unpaid") not in labels


def test_identity_cells_point_at_the_cells_each_identity_reads():
    assert identity_cells("I1:total", "2019") == {("requests", r, "total") for r in (
        "new_received", "carried_over", "total_processed", "carried_forward")}
    assert len(identity_cells("I2:natural_person", "2019")) == 20  # （七）总计 + 19 outcome rows
    assert len(identity_cells("I2:natural_person", "2021")) == 22
    assert identity_cells("I3:granted", "2021") == {("requests", "granted", c) for c in (
        "natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total")}
    assert len(identity_cells("RL:review", "2019")) == 5
    assert identity_cells("I1", "2019") == set() and identity_cells("S1", "2019") == set()
