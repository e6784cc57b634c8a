"""Report-level metadata (format-spec §10.3, §10.4) on the seeds, the corpus copies and small inputs."""

from __future__ import annotations

import json

import pytest

from archive.content import HtmlHints
from archive.normalize import normalize_text
from archive.parsing.metadata import (
    ReportMetadata,
    extract_metadata,
    find_region,
    find_year,
    iso_date,
    page_metadata,
    value_form,
)
from archive.parsing.report import text_lines
from archive.readers.html import html_text, parse_html
from tests.support.fixture_files import FIXTURES, fixture_path


def metadata_of_text(raw: str, title_hint: str | None = None) -> ReportMetadata:
    lines = text_lines(raw)
    return extract_metadata(lines, "\n".join(text_lines(normalize_text(raw))), title_hint=title_hint)


def metadata_of(name: str) -> ReportMetadata:
    path = fixture_path(name)
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        page = html_text(parse_html(raw))
        lines = text_lines(page.text)
        return extract_metadata(lines, normalize_text("\n".join(lines)), page.hints)
    return metadata_of_text(raw)


def corpus_json(number: str) -> dict:
    return json.loads((FIXTURES / f"corpus_{number}.json").read_text(encoding="utf-8"))


def test_seed_003_matches_expected_report() -> None:
    meta = metadata_of("seed_003.txt")
    expected = json.loads((FIXTURES / "seed_003_expected.json").read_text(encoding="utf-8"))["report"]
    assert meta.year == expected["year"] == 2019
    assert meta.agency == expected["agency"]  # signature 智慧新城管理委员会 + the body's 衢州市
    assert meta.index_no == expected["index_no"]
    assert meta.fields["written"] == expected["written"]
    assert meta.fields["publisher"] == expected["publisher"]
    assert meta.fields == {"index_no": "113308000026184538/2020-104149", "written": "2020-01-31",
                           "disclosure_mode": "主动公开", "category": "2019年度", "publisher": "市智慧新城管委会"}
    assert meta.published == "2020-01-31"
    assert meta.region == "衢州市"


def test_seed_000_year_from_the_body() -> None:
    meta = metadata_of("seed_000.txt")
    assert meta.year == 2020  # no title, period or date: the year the narrative reports on
    assert (meta.title, meta.agency, meta.published) == (None, None, None)


def test_corpus_021_html() -> None:
    meta = metadata_of("corpus_021.html")
    expected = corpus_json("021")
    assert (meta.title, meta.agency, meta.year, meta.published) == (
        expected["title"], expected["agency"], expected["year_covered"], expected["published"])
    assert meta.region == expected["region"] == "上海市"


# (fixture, title, agency, region, year, published) as far as each text supports them; titles are
# stored with whitespace between Chinese characters and digits removed.
CORPUS = [
    ("022", "洪泽区人民政府2023年政府信息公开工作年度报告", "洪泽区人民政府", "洪泽区", 2023, None),
    ("025", "2024年上海市科委政府信息公开工作年度报告", "上海市科委", "上海市", 2024, None),
    ("028", "2022年上海市人民政府参事室政府信息公开工作年度报告", "上海市人民政府参事室", "上海市", 2022,
     "2023-01-18"),
    ("029", "重庆市九龙坡区二郎街道办事处2022年政府信息公开工作年度报告", "重庆市九龙坡区二郎街道办事处",
     "重庆市九龙坡区二郎街道", 2022, None),
    ("030", None, None, None, 2023, None),
    ("031", "昌图县七家子镇2023年政府信息公开工作告年度报", "昌图县七家子镇", "昌图县七家子镇", 2023, "2024-01-31"),
    ("032", "太平镇人民政府2022年政府信息公开工作年度报告", "太平镇人民政府", "太平镇", 2022, None),
    ("033", "uedbet体育_uedbet官网@:西柳镇人民政府2023年政府信息公开工作年度报告", "西柳镇人民政府", "西柳镇",
     2023, None),
    ("034", "puroview.com沙头镇2008年政府信息公开工作年度报告", "沙头镇", "沙头镇", 2008, None),
    ("035", "平阳县水头镇2008年政府信息公开工作年度报告", "平阳县水头镇", "平阳县水头镇", 2008, None),
    ("036", "海盐县核电事故场外应急办公室2008年政府信息公开工作年度报告", "海盐县核电事故场外应急办公室", "海盐县",
     2008, None),
    ("037", None, "南平市人民政府信息公开工作领导小组办公室", "南平市", 2012, None),
    ("038", "福州市晋安区2016年政府信息公开工作年度报告", "福州市晋安区", "福州市晋安区", 2016, "2017-01-12"),
    ("039", "泰州市人民政府2017年政府信息公开工作年度报告", "泰州市人民政府", "泰州市", 2017, "2018-02-28"),
    ("001", "平潭综合实验区2011年政府信息公开工作年度报告", "平潭综合实验区", "平潭综合实验区", 2011, "2012-04-11"),
    ("006", "平潭综合实验区地方税务局2013年信息公开年度报告", "平潭综合实验区地方税务局", "平潭综合实验区", 2013,
     "2014-02-25"),
]


@pytest.mark.parametrize(("number", "title", "agency", "region", "year", "published"), CORPUS)
def test_corpus_metadata(number: str, title: str | None, agency: str | None, region: str | None,
                         year: int, published: str | None) -> None:
    meta = metadata_of(f"corpus_{number}.txt")
    assert (meta.title, meta.agency, meta.region, meta.year, meta.published) == (
        title, agency, region, year, published)
    assert meta.year == corpus_json(number)["year_covered"]


def test_corpus_titles_equal_their_description_where_printed_unspaced() -> None:
    for number in ("028", "029", "032", "035", "036", "038", "039", "001", "006"):
        assert metadata_of(f"corpus_{number}.txt").title == corpus_json(number)["title"]


def test_page_header_fields_of_039_and_031() -> None:
    assert metadata_of("corpus_039.txt").fields == {
        "index_no": "014416330/2018-04736", "category": "政府信息公开年报 综合政务,文秘工作 其他",
        "publisher": "市政府办", "written": "2018-02-28"}
    assert metadata_of("corpus_031.txt").fields == {"publisher": "昌图县人民政府办公室", "published": "2024-01-31"}


def test_letter_in_the_report_column_keeps_its_title() -> None:
    meta = metadata_of("corpus_008.txt")
    assert meta.title == "关于2014年政府信息公开工作要点落实情况的函"
    assert meta.published == "2014-12-10"


def test_page_metadata_label_variants() -> None:
    lines = ["索 引 號: | 11341702486344515H/202110-00013 | 發文日期: | 2021年10月8日 |",
             "信息来源:县政府办 公开日期:2021/10/09 10:00", "主题分类 | 综合政务 | 文 号 | 有 效 性 |",
             "名称: X县2020年政府信息公开工作年度报告"]
    assert page_metadata([value_form(line) for line in lines]) == {
        "index_no": "11341702486344515H/202110-00013", "written": "2021-10-08", "publisher": "县政府办",
        "published": "2021-10-09", "topic": "综合政务", "name": "X县2020年政府信息公开工作年度报告"}


def test_date_label_without_a_date_is_not_stored() -> None:
    assert page_metadata(["时间: 不详", "发布时间: 2019-1-4"]) == {"published": "2019-01-04"}


@pytest.mark.parametrize(("raw", "iso"), [
    ("2023/01/18 11:34:01", "2023-01-18"), ("2020年1月31日", "2020-01-31"), ("2012-04-11 00:00", "2012-04-11"),
    ("2020 年 1 月 31 日", "2020-01-31"), ("2020-13-01", None), ("无", None)])
def test_iso_date(raw: str, iso: str | None) -> None:
    assert iso_date(raw) == iso


@pytest.mark.parametrize(("text", "year"), [
    ("本年报中所列数据的统计期限自2008年1月1日起至2008年12月31日止。", 2008),
    ("数据统计期限自201911日起至20191231日止。", 2019),  # dropped 年/月 (§8.5)
    ("本报告中所列数据的统计期限自2003 年至2008 年止。", 2008),
    ("所列数据的统计周期为 2024 年 1 月 1 日至 12 月 31 日。", 2024),
    ("区统计局2023年工作。2021年,我局共收到申请2件,2021年均已办结。", 2021),  # no period: most mentioned
])
def test_year_from_body(text: str, year: int) -> None:
    assert find_year(None, normalize_text(text), None) == year


def test_year_precedence() -> None:
    title = "某局2019年政府信息公开工作年度报告"
    assert find_year(title, "统计期限自2018年1月1日至2018年12月31日", "2021-01-05") == 2019
    assert find_year(None, "正文", "2021-01-05") == 2020


@pytest.mark.parametrize(("name", "region"), [
    ("上海市人民政府办公厅", "上海市"), ("重庆市九龙坡区二郎街道办事处", "重庆市九龙坡区二郎街道"),
    ("广西壮族自治区人民政府", "广西壮族自治区"), ("乌海市城市管理局", "乌海市"), ("区统计局", None),
    ("市智慧新城管委会", None), ("国家税务总局", None)])
def test_find_region(name: str, region: str | None) -> None:
    assert find_region(name) == region


def test_traditional_title_with_glued_pinyin() -> None:
    meta = metadata_of_text("海安市行政審(shěn)批局2020年政(zhèng)府信息公開工作年度報(bào)告\n一、總體情況\n正文")
    assert meta.title == "海安市行政审批局2020年政府信息公开工作年度报告"
    assert (meta.agency, meta.region, meta.year) == ("海安市行政审批局", "海安市", 2020)


def test_simplified_names_are_kept_as_printed() -> None:
    # Phrase-level conversion (tw2sp) turns 智慧 into 智能; stored names must not change.
    meta = metadata_of_text("衢州市智慧新城管委会2019年政府信息公开工作年度报告\n一、总体情况")
    assert meta.agency == "衢州市智慧新城管委会"


def test_title_hint_is_the_fallback() -> None:
    meta = metadata_of_text("一、总体情况\n本局依法公开。", title_hint="某县林业局2021年政府信息公开工作年度报告")
    assert (meta.title, meta.agency, meta.year) == ("某县林业局2021年政府信息公开工作年度报告", "某县林业局", 2021)


def test_html_title_sources() -> None:
    page = html_text(parse_html(
        "<html><head><title>某市统计局2022年政府信息公开工作年度报告 - 某市人民政府</title>"
        "<meta name='PubDate' content='2023-01-20 09:00'></head><body><p>一、总体情况</p></body></html>"))
    meta = extract_metadata(text_lines(page.text), page.text, page.hints)
    assert (meta.title, meta.agency, meta.published, meta.year) == (
        "某市统计局2022年政府信息公开工作年度报告", "某市统计局", "2023-01-20", 2022)
    meta_title = HtmlHints(meta_title="A县2020年政府信息公开工作年度报告", title_tag="门户网站")
    assert extract_metadata([], "", meta_title).title == "A县2020年政府信息公开工作年度报告"
