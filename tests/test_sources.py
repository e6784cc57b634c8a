"""Tests for the bundled portal registry and its loader/validator (archive/sources.py)."""

from __future__ import annotations

import json
import pathlib
from urllib.parse import urlsplit

import pytest

from archive.sources import (
    LEVELS,
    Source,
    SourceRegistryError,
    bundled_registry_path,
    load_sources,
    source_for_url,
    validate_sources,
)
from crawler.list_forms import form_names

HEADER = "name,region,level,start_url,list_form,domains,notes\n"
GOOD_ROW = "甲县人民政府,某省 某市 甲县,county,https://www.jia.gov.cn/zwgk/zfxxgknb/,trs,,test row\n"
# Spam mirrors of government pages named in format-spec §12: never a registry host.
SPAM_MIRRORS = (
    "newton.com.tw", "jendow.com.tw", "saintpaulhem.com", "brianwinch.com", "bjtchw.com",
    "121josh.com", "haose21.com", "275167.com", "shangkeht.com", "eshutan.com", "zgwqmt.com",
    "epmom.com", "hongxingpaper.com", "ztkycw.com", "jianbiaoku.com", "thz918.com", "dgmjb.com",
    "irbhqh.cn", "arguswt.com", "055110.com", "syyjqm3.cn", "salon-sesame.com", "moonvisionstudio.com",
    "lfrdys.com", "zwinkt.com", "fsou.net", "kleyou.com", "056006.com", "lahohwa.com", "fsou.com",
    "whentby.com", "puroview.com",
    # Seen re-hosting official reports in the stored web pages searched while growing the registry.
    "082355.com", "tgflt.cn", "dizaynex.com", "zgcounty.com", "wikidsurvey.com", "jyhqs.com", "yacht9.cn",
    "tzchery.com", "luchovivas.com", "bjmssf.com", "yrdcpcn.com", "tpsnm.com", "lhqtea.com", "bjspsj.com",
)
# The 31 province-level divisions of the mainland; a registry region starts with one of them or 全国.
PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区",
)
NATIONWIDE = "全国"


def write_csv(tmp_path: pathlib.Path, *rows: str, header: str = HEADER) -> pathlib.Path:
    path = tmp_path / "sources.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def problems_of(tmp_path: pathlib.Path, *rows: str) -> list[str]:
    return validate_sources(load_sources(write_csv(tmp_path, *rows)), list_forms=form_names())


# --- the bundled registry -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> list[Source]:
    return load_sources()


def test_bundled_registry_is_inside_the_package() -> None:
    path = bundled_registry_path()
    assert path.is_file()
    assert path.parts[-3:] == ("archive", "data", "sources.csv")


def test_bundled_registry_has_at_least_100_valid_rows(bundled: list[Source]) -> None:
    assert len(bundled) >= 100
    assert validate_sources(bundled, list_forms=form_names()) == []


def test_bundled_regions_start_with_a_province_or_nationwide(bundled: list[Source]) -> None:
    allowed = {*PROVINCES, NATIONWIDE}
    assert [s.name for s in bundled if s.region.split()[0] not in allowed] == []


def test_bundled_registry_covers_at_least_25_provinces(bundled: list[Source]) -> None:
    covered = {s.region.split()[0] for s in bundled} - {NATIONWIDE}
    assert len(covered) >= 25


def test_bundled_nationwide_rows_are_national_level(bundled: list[Source]) -> None:
    national = [s for s in bundled if s.region == NATIONWIDE]
    assert {s.level for s in national} == {"national", "department"}
    assert [s.name for s in national if s.level == "department" and "national" not in s.notes] == []


def test_bundled_registry_hosts_are_all_gov_cn(bundled: list[Source]) -> None:
    hosts = {host for source in bundled for host in source.hosts()}
    assert sorted(h for h in hosts if not h.endswith(".gov.cn")) == []


def test_bundled_registry_has_no_spam_mirror(bundled: list[Source]) -> None:
    hosts = {host for source in bundled for host in source.hosts()}
    mirrors = [h for h in hosts for m in SPAM_MIRRORS if h == m or h.endswith("." + m)]
    assert mirrors == []


def test_bundled_registry_covers_every_level(bundled: list[Source]) -> None:
    assert {s.level for s in bundled} == set(LEVELS)


def test_bundled_registry_notes_say_where_each_url_comes_from(bundled: list[Source]) -> None:
    assert [s.name for s in bundled if not s.notes] == []


def test_bundled_pingtan_row(bundled: list[Source]) -> None:
    pingtan = next(s for s in bundled if s.name == "平潭综合实验区党工委管委会")
    assert pingtan.region == "福建省 平潭综合实验区"
    assert pingtan.start_url == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    assert pingtan.list_form == "trs"
    assert pingtan.hosts() == ("www.pingtan.gov.cn",)


def test_bundled_hanweb_annual_report_rows_have_no_fbtime(bundled: list[Source]) -> None:
    hanweb = [s for s in bundled if s.list_form == "hanweb_annual_report"]
    assert len(hanweb) >= 4
    assert [s.start_url for s in hanweb if "fbtime" in s.start_url or "area=" not in s.start_url] == []


def test_bundled_list_form_agrees_with_the_url_shape(bundled: list[Source]) -> None:
    annual_module = [s.name for s in bundled
                     if ("/module/xxgk/xxgkAnnualReport.jsp" in s.start_url) != (s.list_form == "hanweb_annual_report")]
    hanweb_column = [s.name for s in bundled if "/col/col" in s.start_url and s.list_form != "hanweb"]
    assert (annual_module, hanweb_column) == ([], [])


def test_bundled_home_page_rows_say_so(bundled: list[Source]) -> None:
    """A start URL without a path is a fallback, and its notes must admit it."""
    home_pages = [s for s in bundled if urlsplit(s.start_url).path in ("", "/") and not urlsplit(s.start_url).query]
    assert home_pages
    assert [s.name for s in home_pages if "home page" not in s.notes] == []


def test_bundled_tianjin_province_row(bundled: list[Source]) -> None:
    tianjin = next(s for s in bundled if s.name == "天津市人民政府")
    assert (tianjin.region, tianjin.level, tianjin.list_form) == ("天津市", "province", "trs")
    assert tianjin.start_url == "https://www.tj.gov.cn/zwgk/zfxxgkzl/gknb/"


def test_bundled_township_row_with_its_own_column(bundled: list[Source]) -> None:
    hedong = next(s for s in bundled if s.name == "德安县河东乡人民政府")
    assert hedong.region == "江西省 九江市 德安县 河东乡"
    assert hedong.level == "township"
    assert hedong.start_url == "https://www.dean.gov.cn/zw/03/07/hdx_184344/zfxxgknb_184382/"
    assert hedong.list_form == "trs"


def test_bundled_rows_with_extra_report_hosts(bundled: list[Source]) -> None:
    hosts = {s.name: s.hosts() for s in bundled if s.domains}
    assert hosts["黑龙江省人民政府"] == ("www.hlj.gov.cn", "hlj.gov.cn")
    assert hosts["木兰县人民政府"] == ("mlxxxgk.harbin.gov.cn", "mulan.gov.cn")


# --- loading ---------------------------------------------------------------------------------------


def test_load_csv_row_fields(tmp_path: pathlib.Path) -> None:
    row = '乙区,某省  某市 乙区,county,http://www.yi.gov.cn/,, Zyk.Yi.gov.cn  a.yi.gov.cn ,"note, with comma"\n'
    [source] = load_sources(write_csv(tmp_path, row))
    assert source == Source(
        name="乙区",
        region="某省 某市 乙区",
        level="county",
        start_url="http://www.yi.gov.cn/",
        list_form=None,
        domains=("Zyk.Yi.gov.cn", "a.yi.gov.cn"),
        notes="note, with comma",
    )


def test_load_csv_without_optional_columns(tmp_path: pathlib.Path) -> None:
    path = write_csv(tmp_path, "丙县,某省 丙县,county,https://bing.gov.cn/\n", header="name,region,level,start_url\n")
    assert load_sources(path) == [Source("丙县", "某省 丙县", "county", "https://bing.gov.cn/")]


def test_load_csv_with_byte_order_mark(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("\ufeff" + HEADER + GOOD_ROW, encoding="utf-8")
    assert [s.name for s in load_sources(path)] == ["甲县人民政府"]


def test_load_json_list_of_objects(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "sources.json"
    items = [
        {"name": "丁市", "region": "某省 丁市", "level": "city", "start_url": "https://www.ding.gov.cn/",
         "list_form": "hanweb", "domains": ["xxgk.ding.gov.cn"], "notes": None},
        {"name": "戊县", "region": "某省 戊县", "level": "county", "start_url": "https://wu.gov.cn/",
         "domains": "a.wu.gov.cn b.wu.gov.cn"},
    ]
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    assert load_sources(path) == [
        Source("丁市", "某省 丁市", "city", "https://www.ding.gov.cn/", "hanweb", ("xxgk.ding.gov.cn",), ""),
        Source("戊县", "某省 戊县", "county", "https://wu.gov.cn/", None, ("a.wu.gov.cn", "b.wu.gov.cn"), ""),
    ]


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("name,region,start_url\n", "甲,某省,https://a.gov.cn/\n", "missing column(s) level"),
        ("name,region,level,start_url,domian\n", "甲,某省,county,https://a.gov.cn/,b.gov.cn\n",
         "unknown column(s) domian"),
        (HEADER, "甲,某省,county,https://a.gov.cn/,,,notes,extra\n", ":2: more fields than the header has"),
        (HEADER, "甲,某省,county\n", ":2: fewer fields than the header has"),
        (HEADER, '甲,"某省"x,county,https://a.gov.cn/,,,\n', ":2: bad CSV"),
        ("", "", "missing column(s) name, region, level, start_url"),
    ],
)
def test_load_csv_rejects_malformed_files(tmp_path: pathlib.Path, header: str, row: str, message: str) -> None:
    with pytest.raises(SourceRegistryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_sources(write_csv(tmp_path, row, header=header))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "bad JSON"),
        ('{"name": "甲"}', "must be a list of objects"),
        ('["甲"]', "item 1: not an object"),
        ('[{"name": "甲", "region": "某省", "start_url": "https://a.gov.cn/"}]', r"item 1: missing column\(s\) level"),
        ('[{"name": "甲", "region": "某省", "level": 3, "start_url": "https://a.gov.cn/"}]',
         "item 1.level: expected a string, got int"),
    ],
)
def test_load_json_rejects_malformed_files(tmp_path: pathlib.Path, content: str, message: str) -> None:
    path = tmp_path / "sources.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceRegistryError, match=message):
        load_sources(path)


def test_load_missing_file_is_a_registry_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(SourceRegistryError, match="cannot read registry"):
        load_sources(tmp_path / "absent.csv")


def test_load_non_utf8_file_is_a_registry_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + GOOD_ROW).encode("gbk"))
    with pytest.raises(SourceRegistryError, match="cannot read registry"):
        load_sources(path)


def test_registry_error_is_a_value_error() -> None:
    assert issubclass(SourceRegistryError, ValueError)


# --- validation ------------------------------------------------------------------------------------


def test_valid_rows_have_no_problems(tmp_path: pathlib.Path) -> None:
    assert problems_of(tmp_path, GOOD_ROW, "乙县,某省 乙县,county,http://yi.gov.cn,,,\n") == []


def test_duplicate_name(tmp_path: pathlib.Path) -> None:
    other_url = GOOD_ROW.replace("www.jia.gov.cn", "xxgk.jia.gov.cn")
    assert problems_of(tmp_path, GOOD_ROW, other_url) == ["#2 甲县人民政府: duplicate name (first at #1)"]


def test_duplicate_start_url_ignores_scheme_and_host_case(tmp_path: pathlib.Path) -> None:
    same_page = "乙县,某省 乙县,county,http://WWW.JIA.gov.cn/zwgk/zfxxgknb/,,,\n"
    assert problems_of(tmp_path, GOOD_ROW, same_page) == ["#2 乙县: duplicate start_url (first at #1)"]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://www.jia.gov.cn/", "start_url 'ftp://www.jia.gov.cn/': scheme must be http or https, not 'ftp'"),
        ("www.jia.gov.cn/zwgk/", "start_url 'www.jia.gov.cn/zwgk/': scheme must be http or https, not ''"),
        ("https:///zwgk/", "start_url 'https:///zwgk/': no host"),
        ("https://www.jia.gov.cn/a b/", "start_url 'https://www.jia.gov.cn/a b/': contains whitespace"),
        ("https://www.jia.gov.cn:port/", "start_url 'https://www.jia.gov.cn:port/': unparsable (Port could not be "
                                         "cast to integer value as 'port')"),
    ],
)
def test_malformed_start_url(tmp_path: pathlib.Path, url: str, problem: str) -> None:
    row = f"甲县,某省 甲县,county,{url},,,\n"
    assert problems_of(tmp_path, row) == [f"#1 甲县: {problem}"]


def test_empty_start_url(tmp_path: pathlib.Path) -> None:
    assert problems_of(tmp_path, "甲县,某省 甲县,county,,,,\n") == ["#1 甲县: start_url '': empty"]


def test_unknown_level(tmp_path: pathlib.Path) -> None:
    row = GOOD_ROW.replace(",county,", ",district,")
    assert problems_of(tmp_path, row) == [
        "#1 甲县人民政府: unknown level 'district' (expected one of national, province, city, county, township, "
        "department)"
    ]


def test_department_must_name_its_government_level(tmp_path: pathlib.Path) -> None:
    rows = [
        "某市民政局,某省 某市,department,https://mzj.mou.gov.cn/xxgknb/,,,xxgknb column\n",
        "某市人社局,某省 某市,department,https://rsj.mou.gov.cn/xxgknb/,,,city government department\n",
    ]
    assert problems_of(tmp_path, *rows) == ["#1 某市民政局: department without its government level in notes"]


def test_empty_region_and_name(tmp_path: pathlib.Path) -> None:
    assert problems_of(tmp_path, ",,county,https://www.jia.gov.cn/,,,\n") == [
        "#1 <no name>: empty name",
        "#1 <no name>: empty region",
    ]


def test_unknown_list_form(tmp_path: pathlib.Path) -> None:
    row = GOOD_ROW.replace(",trs,", ",wordpress,")
    assert problems_of(tmp_path, row) == ["#1 甲县人民政府: unknown list_form 'wordpress'"]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://newton.com.tw/wiki/x", "start_url host 'newton.com.tw' is not a government host (*.gov.cn)"),
        ("http://www.gov.cn.example.com/", "start_url host 'www.gov.cn.example.com' is not a government host (*.gov.cn)"),
        ("http://61.150.65.235/zfxxgk/zfxxgknb/", "start_url host '61.150.65.235' is a bare IP address, not a "
                                                  "government host"),
        ("http://180.76.149.248:88/book/", "start_url host '180.76.149.248' is a bare IP address, not a "
                                           "government host"),
    ],
)
def test_non_government_start_host(tmp_path: pathlib.Path, url: str, problem: str) -> None:
    assert problems_of(tmp_path, f"甲县,某省 甲县,county,{url},,,\n") == [f"#1 甲县: {problem}"]


def test_national_portal_host_is_government() -> None:
    sources = [Source("中国政府网", "全国", "national", "https://www.gov.cn/zhengce/")]
    assert validate_sources(sources) == []


def test_non_government_domain_and_malformed_domain(tmp_path: pathlib.Path) -> None:
    row = "甲县,某省 甲县,county,https://www.jia.gov.cn/,,cdn.example.com https://b.jia.gov.cn/,\n"
    assert problems_of(tmp_path, row) == [
        "#1 甲县: domain 'cdn.example.com' is not a government host (*.gov.cn)",
        "#1 甲县: domain 'https://b.jia.gov.cn/' is not a bare host name",
    ]


def test_explicit_host_exception_allows_a_non_gov_host() -> None:
    sources = [Source("某局", "某省", "department", "https://portal.example.org/", notes="province department")]
    assert validate_sources(sources, host_exceptions={"Portal.Example.org"}) == []
    assert validate_sources(sources) == [
        "#1 某局: start_url host 'portal.example.org' is not a government host (*.gov.cn)"
    ]


def test_every_problem_of_a_row_is_reported(tmp_path: pathlib.Path) -> None:
    assert problems_of(tmp_path, "甲县,,village,http://1.2.3.4/,,,\n") == [
        "#1 甲县: empty region",
        "#1 甲县: unknown level 'village' (expected one of national, province, city, county, township, department)",
        "#1 甲县: start_url host '1.2.3.4' is a bare IP address, not a government host",
    ]


# --- Source.hosts and ad-hoc sources ------------------------------------------------------------------


def test_hosts_lowercase_without_port_then_domains_deduplicated() -> None:
    source = Source("甲", "某省", "county", "HTTP://WWW.Jia.GOV.cn:8080/x", domains=("www.jia.gov.cn", "XXGK.jia.gov.cn"))
    assert source.hosts() == ("www.jia.gov.cn", "xxgk.jia.gov.cn")


def test_source_for_url_fields() -> None:
    assert source_for_url("https://www.Huli.gov.cn:443/zwgk/zfxxgkzl/zfxxyjxndbg/") == Source(
        name="www.huli.gov.cn",
        region="",
        level="unknown",
        start_url="https://www.Huli.gov.cn:443/zwgk/zfxxgkzl/zfxxyjxndbg/",
        list_form=None,
        domains=(),
        notes="ad-hoc start_url",
    )


def test_source_for_url_adds_http_to_a_bare_host() -> None:
    source = source_for_url("  www.sm.gov.cn/smsrmzfbgs/  ")
    assert (source.name, source.start_url) == ("www.sm.gov.cn", "http://www.sm.gov.cn/smsrmzfbgs/")


@pytest.mark.parametrize("url", ["ftp://www.sm.gov.cn/", "https://", ""])
def test_source_for_url_rejects_unusable_urls(url: str) -> None:
    with pytest.raises(SourceRegistryError, match="start_url"):
        source_for_url(url)


def test_budget_columns_are_optional_whole_numbers(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text("name,region,level,start_url,budget_pages,budget_depth\n"
                    "甲县,某省 甲县,county,https://www.jia.gov.cn/,900,12\n"
                    "乙县,某省 乙县,county,https://www.yi.gov.cn/,,\n"
                    "丙县,某省 丙县,county,https://www.bing.gov.cn/,many,3\n", encoding="utf-8")
    sources = load_sources(path)
    assert [(s.budget_pages, s.budget_depth) for s in sources[:2]] == [(900, 12), (None, None)]
    assert validate_sources(sources) == ["#3 丙县: budget_pages is not a whole number"]
