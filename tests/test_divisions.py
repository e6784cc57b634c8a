"""Division resolution: the corpus's and registry's real agency names placed in the GB/T 2260 tree
(codes written by hand), and generated names over the whole tree."""

from __future__ import annotations

import random

import pytest

from archive.divisions import division_tree
from archive.publishers import (
    PublisherRegistry,
    clean_agency,
    place_agency,
    place_source,
    publisher_kind,
)
from archive.sources import Source, load_sources

TREE = division_tree()


def _source(name: str, region: str) -> Source:
    return Source(name, region, "county", "http://www.example.gov.cn/")


# (printed agency as in /work/shared/corpus/*.json, the registry region of its source) → (code,
# township, kind).
CORPUS_AGENCIES = [
    ("平潭综合实验区管委会办公室", "福建省 平潭综合实验区", "350128", None, "government office"),  # 001
    ("平潭县人民政府", "福建省 平潭综合实验区", "350128", None, "government"),  # 003
    ("平潭综合实验区地方税务局（来源 says 平潭县人民政府）", "福建省 平潭综合实验区", "350128", None, "department"),  # 006
    ("平潭综合实验区管委会（来源 says 平潭县人民政府）", "福建省 平潭综合实验区", "350128", None, "government"),  # 009
    ("上海市人民政府办公厅", "上海市", "310000", None, "government office"),  # 021
    ("淮安市洪泽区人民政府办公室", "江苏省 淮安市 洪泽区", "320813", None, "government office"),  # 022
    ("上海市科学技术委员会", "上海市", "310000", None, "department"),  # 025
    ("上海市人民政府参事室", "上海市", "310000", None, "department"),  # 028
    ("重庆市九龙坡区二郎街道办事处", "重庆市 九龙坡区", "500107", "二郎街道", "township"),  # 029
    ("昌图县七家子镇人民政府（来源：昌图县人民政府办公室）", "辽宁省 铁岭市 昌图县", "211224", "七家子镇", "township"),  # 031
    ("太平镇人民政府（西咸新区）", "陕西省 西咸新区", "610000", None, "township"),  # 032: the zone is no division
    ("西柳镇人民政府（海城市）", "辽宁省 鞍山市 海城市", "210381", "西柳镇", "township"),  # 033
    ("永嘉县沙头镇人民政府", "浙江省 温州市 永嘉县", "330324", "沙头镇", "township"),  # 034
    ("平阳县水头镇人民政府", "浙江省 温州市 平阳县", "330326", "水头镇", "township"),  # 035
    ("海盐县核电事故场外应急办公室", "浙江省 嘉兴市 海盐县", "330424", None, "department"),  # 036
    ("南平市人民政府信息公开工作领导小组办公室", "福建省 南平市", "350700", None, "department"),  # 037
    ("福州市晋安区人民政府信息公开办（来源：区人民政府办公室）", "福建省 福州市 晋安区", "350111", None, "department"),  # 038
    ("泰州市人民政府（发布机构：市政府办）", "江苏省 泰州市", "321200", None, "government"),  # 039
    ("市智慧新城管委会", "浙江省 衢州市", "330800", None, "department"),  # seed 003: 市 is its source's city
    ("平潭综合实验区党工委管委会", "福建省 平潭综合实验区", "350128", None, "government"),  # L01
]


@pytest.mark.parametrize(("agency", "region", "code", "township", "kind"), CORPUS_AGENCIES)
def test_corpus_agencies_are_placed(agency, region, code, township, kind):
    name = clean_agency(agency)
    place = place_agency(TREE, name, place_source(TREE, _source("source", region)))
    assert (place.division.code, place.township, publisher_kind(name)) == (code, township, kind)


# Registry (archive/data/sources.csv) entries → code and township.
REGISTRY = {
    "平潭综合实验区党工委管委会": ("350128", None),
    "福州市晋安区人民政府": ("350111", None),
    "厦门市湖里区人民政府": ("350206", None),
    "三明市人民政府": ("350400", None),
    "乌海市工业和信息化局": ("150300", None),
    "微山县两城镇人民政府": ("370826", "两城镇"),
    "互助土族自治县人民政府": ("630223", None),
    "杨凌示范区管委会工作部门": ("610000", None),  # 杨凌 is no 杨陵区: only the province is certain
    "深圳市龙岗区政府工作部门": ("440307", None),
    "重庆市九龙坡区二郎街道办事处": ("500107", "二郎街道"),
    "尼勒克县人民政府": ("654028", None),
    "北京市密云区人民政府": ("110118", None),
    "黔南布依族苗族自治州民政局": ("522700", None),
    "禄劝彝族苗族自治县人民政府": ("530128", None),
    "寻甸回族彝族自治县人民政府": ("530129", None),
    "六盘水市水城区人民政府": ("520204", None),
    "银川市兴庆区人民政府": ("640104", None),
    "岑巩县人民政府": ("522626", None),
    "子长市人民政府": ("610681", None),
    "天津市和平区人民政府办公室": ("120101", None),
    "德安县河东乡人民政府": ("360426", "河东乡"),
    "邹城市田黄镇人民政府": ("370883", "田黄镇"),
    "广西壮族自治区人民政府": ("450000", None),
    "甘南藏族自治州人力资源和社会保障局": ("623000", None),
}


def test_registry_sources_are_placed():
    sources = {source.name: source for source in load_sources()}
    placed = {name: (place_source(TREE, sources[name]).division.code, place_source(TREE, sources[name]).township)
              for name in REGISTRY}
    assert placed == REGISTRY


def test_national_sources_have_no_division():
    national = [s for s in load_sources() if s.region == "全国"]
    assert national and all(place_source(TREE, s).division is None for s in national)


@pytest.mark.parametrize(("name", "expected"), [
    ("鼓楼区人民政府", None),  # four 鼓楼区: ambiguous without a context
    ("公安局", None),  # a county's short name (公安县) is no word at the start of a name
    ("住房和城乡建设局", None),  # 城乡 is no township
    ("吉林市人民政府", "220200"), ("吉林省人民政府", "220000"),
    ("济源市人民政府", "419001"),  # a county-level city directly under its province
    ("东莞市人民政府", "441900"),  # a prefecture without counties
    ("黔南州人民政府", "522700"),
    ("洪泽区人民政府", "320813"), ("三元区人民政府", "350404"),
    ("和田地区和安县人民政府", "653229"),  # a county set up in 2024
])
def test_names_without_context(name, expected):
    place = TREE.place(name)
    assert (place.division.code if place.division else None) == expected


def test_ambiguous_names_resolve_under_their_source():
    nanjing = place_source(TREE, _source("南京市人民政府", "江苏省 南京市"))
    assert place_agency(TREE, "鼓楼区人民政府", nanjing).division.code == "320106"
    xuzhou = place_source(TREE, _source("徐州市人民政府", "江苏省 徐州市"))
    assert place_agency(TREE, "鼓楼区人民政府", xuzhou).division.code == "320302"


def test_same_named_departments_of_two_counties_are_two_publishers():
    registry = PublisherRegistry(TREE)
    for region in ("福建省 福州市 晋安区", "福建省 厦门市 湖里区"):
        place = place_agency(TREE, "教育局", place_source(TREE, _source("政府", region)))
        registry.add("教育局", place, year=2022)
    registry.add("福州市晋安区人民政府", TREE.place("福州市晋安区人民政府"))
    registry.link_parents()
    assert {(p.id, p.kind, p.parent_id) for p in registry.by_id.values()} == {
        ("350111 教育局", "department", "350111 government"),
        ("350206 教育局", "department", None),
        ("350111 government", "government", None),
    }


def test_a_place_has_one_government_whatever_its_reports_call_it():
    registry = PublisherRegistry(TREE)
    home = place_source(TREE, _source("平潭", "福建省 平潭综合实验区"))
    for name in ("平潭综合实验区党工委管委会", "平潭县人民政府", "平潭综合实验区"):
        registry.add(name, place_agency(TREE, name, home))
    (government,) = registry.by_id.values()
    assert (government.id, government.name, government.row()["aliases"]) == (
        "350128 government", "平潭综合实验区党工委管委会", "平潭县人民政府 平潭综合实验区")


DEPARTMENTS = ("教育局", "财政局", "人力资源和社会保障局", "生态环境局", "人民政府办公室", "人民政府")


def test_generated_names_over_the_tree_resolve_to_their_division():
    """Full chains (province prefecture county + office), in hundreds of random divisions."""
    rng = random.Random(14)
    counties = sorted((d for d in TREE.by_code.values() if d.level == "county" and d.code[:2] not in ("71", "81", "82")),
                      key=lambda d: d.code)
    for county in rng.sample(counties, 400):
        chain = TREE.chain(county)
        names = [d.name for d in chain]
        # Drop the province now and then, or the prefecture: the rest still names one county.
        if rng.random() < 0.3 and len(names) > 2:
            names = names[1:]
        name = "".join(names) + rng.choice(DEPARTMENTS)
        place = TREE.place(name)
        assert place.division == county or (place.division is None and place.ambiguous), name
        under = TREE.place(name, within=chain[0])
        assert under.division == county, name
