"""Section splitting (format-spec §2 boundary rule)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.normalize import normalize_text
from archive.parsing.report import text_lines
from archive.parsing.sections import _HEADING, section_headings, split_sections
from tests.support.fixture_files import fixture_path


def normalized(name: str) -> str:
    return "\n".join(text_lines(normalize_text(fixture_path(name).read_text(encoding="utf-8"))))


def test_standard_six_sections() -> None:
    text = "前言\n一、总体情况\n甲\n二、主动公开政府信息情况\n乙\n三、收到和处理政府信息公开申请情况\n丙\n" \
           "四、政府信息公开行政复议、行政诉讼情况\n丁\n五、存在的主要问题及改进情况\n戊\n六、其他需要报告的事项\n无"
    assert split_sections(text) == {
        "intro": "前言", "一": "一、总体情况\n甲", "二": "二、主动公开政府信息情况\n乙",
        "三": "三、收到和处理政府信息公开申请情况\n丙", "四": "四、政府信息公开行政复议、行政诉讼情况\n丁",
        "五": "五、存在的主要问题及改进情况\n戊", "六": "六、其他需要报告的事项\n无"}


def test_table_rows_and_restarted_numbering_stay_inside() -> None:
    text = "一、总体情况\n二、主动公开政府信息情况\n一、本年新收政府信息公开申请数量 21 0 0\n" \
           "一、主动公开政府信息情况 | | |\n五、其它需要报告事项\n无"
    assert [key for _, key in section_headings(text)] == ["一", "二", "六"]


def test_seed_000_traditional() -> None:
    sections = split_sections(normalized("seed_000.txt"))
    assert list(sections) == ["一", "二", "三", "四", "五"]
    assert sections["五"].startswith("五、存在的主要问题及改进情况\n1.政务公开广度方面")
    assert sections["四"].splitlines()[0] == "四、政府信息公开行政复议、行政诉讼情况"


def test_seed_003_old_numbering() -> None:
    sections = split_sections(normalized("seed_003.txt"))
    assert list(sections) == ["intro", "一", "二", "五"]
    assert sections["一"].splitlines()[0] == "一、政府信息公开工作的基本概况"
    # "二、…主动公开、依申请公开等基本情况" is section 二 by its numeral among the matching keyword sets.
    assert sections["二"].splitlines()[0] == "二、政府信息主动公开、依申请公开等基本情况"
    assert sections["五"].splitlines()[0] == "三、政府信息公开工作中存在的主要问题"
    assert sections["intro"].startswith("索引号: | 113308000026184538/2020-104149")


def test_collapsed_whitespace_headings_inline() -> None:
    sections = split_sections(normalized("corpus_015.txt"))
    assert list(sections) == ["intro", "一", "二", "四", "五", "六"]
    assert sections["六"] == "六、其他需要报告的事项 无其他需要报告的事项"


def test_corpus_022_pdf_text() -> None:
    sections = split_sections(normalized("corpus_022.txt"))
    assert list(sections) == ["intro", "一", "二", "三", "四", "五", "六"]
    assert sections["六"].endswith("全年收取政府信息公开信息处理费 0 元。\n- 5 -")


def test_empty_text() -> None:
    assert split_sections("") == {}
    assert split_sections("只有正文") == {"intro": "只有正文"}


_OLD_HEADING = re.compile(r"(?:^|(?<=[\s。]))(?P<num>[一二三四五六])、(?P<head>[^\s。|]{2,40})", re.M)
_HEADING_PIECES = ("一、", "二、", "三、", "六、", "总体情况", "主动公开", "其他需要报告的事项", "行政复议", "。", " ", "\n", "\t", "|",
                   "\u3000", "一", "、", "x", "问题")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_HEADING_PIECES), max_size=30).map("".join))
def test_heading_pattern_finds_what_the_lookbehind_first_one_found(text: str) -> None:
    found = [(m.span(), m["num"], m["head"]) for m in _HEADING.finditer(text)]
    assert found == [(m.span(), m["num"], m["head"]) for m in _OLD_HEADING.finditer(text)]
