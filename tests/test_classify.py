"""The one report decision (archive/classify.py), over generated titles and pages.

The crawler records a page when `is_named_report` holds; the parser calls a document
`not_a_report` when `is_report_title` fails. Titles are generated in the shapes real portals
print (agency before or after the year, 年/年度, version suffixes, site names joined to <title>
with any separator, traditional script, spaces between characters) with notices and decoys
beside them.
"""

from __future__ import annotations

import random

import lxml.html
import pytest

from archive.classify import (
    _BODY_MARKERS,
    body_looks_like_report,
    is_named_report,
    is_report,
    is_report_title,
    report_title,
    title_agency,
    title_candidates,
    title_year,
    year_in_title,
)
from archive.normalize import normalize_label, normalize_text
from archive.parsing import parse_report

AGENCIES = ("福州市晋安区人民政府", "洪泽区人民政府办公室", "上海市科学技术委员会", "平潭综合实验区管委会",
            "重庆市九龙坡区二郎街道办事处", "衢州市智慧新城管理委员会", "沛县人民政府")
PHRASES = ("政府信息公开工作年度报告", "政府信息公开年度报告", "信息公开工作年度报告", "政务信息公开工作年度报告",
           "政府信息公开年报")
SUFFIXES = ("", "(图片版)", "（文字版）", "(PDF)")
SITES = ("晋安区人民政府网", "中国·洪泽", "上海市科学技术委员会", "")
SEPARATORS = (" - ", "_", "-", " | ", "｜", "——", " — ", "–")
DECOYS = ("关于做好{y}年政府信息公开工作年度报告编制工作的通知", "图解：{a}{y}年政府信息公开工作年度报告",
          "{a}{y}年政府信息公开工作年度报告解读", "{a}{y}年政务公开工作要点", "{a}关于{y}年法治政府建设情况的报告")


def _title(rng: random.Random) -> tuple[str, str, int]:
    agency, year = rng.choice(AGENCIES), rng.randint(2008, 2025)
    phrase, suffix = rng.choice(PHRASES), rng.choice(SUFFIXES)
    title = (f"{agency}{year}年{'度' if rng.random() < 0.3 else ''}{phrase}{suffix}" if rng.random() < 0.8
             else f"{year}年{agency}{phrase}{suffix}")
    return title, agency, year


def _titles(count: int, seed: int) -> list[tuple[str, str, int]]:
    rng = random.Random(seed)
    return [_title(rng) for _ in range(count)]


@pytest.mark.parametrize("seed", range(3))
def test_every_generated_report_title_is_named_and_reads_its_year_and_agency(seed):
    for title, agency, year in _titles(200, seed):
        assert is_named_report(title), title
        assert is_report_title(title), title  # what the crawler records the parser never calls not_a_report
        assert (year_in_title(title), title_year(title)) == (year, year), title
        assert title_agency(title) == agency, title


@pytest.mark.parametrize("seed", range(3))
def test_generated_decoys_are_never_reports(seed):
    rng = random.Random(seed)
    for _ in range(200):
        decoy = rng.choice(DECOYS).format(a=rng.choice(AGENCIES), y=rng.randint(2008, 2025))
        assert not is_named_report(decoy), decoy


@pytest.mark.parametrize("seed", range(3))
def test_the_title_inside_any_title_tag_is_found_by_crawler_and_parser_alike(seed):
    rng = random.Random(seed)
    for title, _agency, year in _titles(100, seed):
        site = rng.choice(SITES)
        tag = title + (rng.choice(SEPARATORS) + site if site else "")
        page = (f"<html><head><title>{tag}</title></head><body><p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
                "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p></body></html>")
        root = lxml.html.document_fromstring(page)
        found = report_title(title_candidates(root))
        assert found == title, tag
        parsed = parse_report(page.encode(), content_type="text/html; charset=utf-8")
        # The parser stores titles in their normalized form (NFKC: full-width parentheses become ASCII).
        assert (parsed.title, parsed.year) == (normalize_text(title), year), tag


def test_a_report_needs_a_body_or_an_attachment():
    title = "沛县2023年政府信息公开工作年度报告"
    assert not is_report(title, "沛县2023年政府信息公开工作年度报告 发布时间：2024-01-20", False)
    assert is_report(title, "全文见附件", True)
    assert is_report(title, "一、总体情况 主动公开 依申请公开 行政复议 行政诉讼", False)
    assert not is_report(None, "一、总体情况 主动公开 依申请公开 行政复议 行政诉讼", True)


_MARKER_PIECES = ("主动公开", "依申请", "行政复议", "行政诉讼", "申请", "存在的主要问题", "改进",
                  "主動公開", "依申請", "行政復議", "行政訴訟", "申請", "存在的主要問題", "改進",
                  "申 请", "主动\u3000公开", "改(gai)进", "行政复(fù)议", "规范性檔案", "（一）", "—2",
                  "政府信息", "的", " ", "\n", "年", "2023")


def test_the_raw_text_shortcut_reads_every_body_as_its_normalized_label_does():
    rng = random.Random(13)
    for _ in range(3000):
        text = "".join(rng.choice(_MARKER_PIECES) for _ in range(rng.randint(0, 12)))
        label = normalize_label(text)
        assert body_looks_like_report(text) == (sum(m in label for m in _BODY_MARKERS) >= 3), text
