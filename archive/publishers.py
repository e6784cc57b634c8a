"""Who publishes: sources and report agencies placed in the division tree, and the publishers they name.

A publisher is a name in a place: the same 教育局 in two counties is two publishers. Evidence, strongest
first: the agency name read top-down from its source's province, the source's own place (its registry
region, or the registry entry of its host), then the name read on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.normalize import CJK
from archive.divisions import Division, DivisionTree, Placement
from archive.sources import Source

GOVERNMENT = "government"
OFFICE = "government office"
DEPARTMENT = "department"
TOWNSHIP = "township"
KINDS = (GOVERNMENT, OFFICE, DEPARTMENT, TOWNSHIP)
# Registry entries that stand for many publishers at once (a column of all departments' reports).
GROUP_SUFFIX = "工作部门"
OFFICE_NAME = re.compile(r"(人民政府|政府|管委会|管理委员会)办公(室|厅)$|政府办$")
TOWNSHIP_NAME = re.compile(r"(镇|乡|街道|苏木)(人民政府|政府|办事处|街道办事处)$")
# A name that is only a place (平潭综合实验区, 福州市晋安区) stands for its government.
# A zone's administrative committee governs it (平潭综合实验区党工委管委会, 西咸新区开发建设管理委员会);
# a 城市管理委员会 is a department.
GOVERNMENT_NAME = re.compile(rf"(人民政府|政府)$|(新区|开发区|实验区|试验区|示范区|高新区)[{CJK}]{{0,6}}"
                             r"(管委会|管理委员会)$|[省市区县州盟旗]$")
# Annotations a printed agency carries that are not its name: （来源：…）, （西咸新区）.
ANNOTATION = re.compile(r"[（(][^）)]*[）)]")


@dataclass
class Publisher:
    """One row of `publishers`."""

    id: str
    name: str
    kind: str
    division_code: str | None
    township: str | None
    division_level: str | None
    province: str | None
    hosts: set[str] = field(default_factory=set)
    column_url: str | None = None
    sources: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    parent_id: str | None = None
    aliases: set[str] = field(default_factory=set)

    def row(self) -> dict:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "division_code": self.division_code,
            "township": self.township, "division_level": self.division_level, "province": self.province,
            "parent_id": self.parent_id, "hosts": " ".join(sorted(self.hosts)) or None,
            "column_url": self.column_url, "sources": " ".join(sorted(self.sources)) or None,
            "first_year": min(self.years, default=None), "last_year": max(self.years, default=None),
            "aliases": " ".join(sorted(self.aliases - {self.name})) or None,
        }


def clean_agency(name: str | None) -> str | None:
    """The agency as a name: annotations and spaces dropped; None when nothing is left."""
    text = "".join(ANNOTATION.sub("", name or "").split())
    return text or None


def publisher_kind(name: str) -> str:
    """government, government office, department or township, read from the name's ending."""
    if TOWNSHIP_NAME.search(name):
        return TOWNSHIP
    if OFFICE_NAME.search(name):
        return OFFICE
    if GOVERNMENT_NAME.search(name):
        return GOVERNMENT
    return DEPARTMENT


def publisher_id(name: str, place: Placement) -> str:
    """A place has one government (and one government office) whatever it is called in a report
    (平潭县人民政府, 平潭综合实验区管委会); a department is its name in its place."""
    kind = publisher_kind(name)
    if kind == GOVERNMENT and place.township:
        kind = TOWNSHIP
    named = kind == DEPARTMENT or (kind == TOWNSHIP and not place.township)
    return f"{place.key or '-'} {name if named else kind}"


def place_source(tree: DivisionTree, source: Source) -> Placement:
    """A source's place: its registry region, else its name."""
    place = tree.place(source.region)
    return place if place.division is not None else tree.place(source.name)


def place_agency(tree: DivisionTree, agency: str, source_place: Placement) -> Placement:
    """An agency's place, read from its name with its source's place as context."""
    home = source_place.division
    province = tree.province(home)
    if province is not None:
        place = tree.place(agency, within=province)
        if place.division is not province and not place.ambiguous:
            return place
        # Under the source's own division: 鼓楼区 of 南京市's portal, a township named alone.
        local = tree.place(agency, within=home)
        if local.division is not home or local.township:
            return local
        if place.division is not province or home is province:
            return place
    alone = tree.place(agency)
    if alone.division is not None:
        return alone
    return source_place if home is not None else Placement()


def is_group(source: Source) -> bool:
    """A registry entry for many publishers' reports (部门年报 columns), not one publisher."""
    return source.name.endswith(GROUP_SUFFIX)


class PublisherRegistry:
    """Publishers found so far, keyed by name and place; parents linked at the end."""

    def __init__(self, tree: DivisionTree):
        self.tree = tree
        self.by_id: dict[str, Publisher] = {}

    def add(self, name: str, place: Placement, *, source: Source | None = None,
            year: int | None = None) -> Publisher:
        key = publisher_id(name, place)
        publisher = self.by_id.get(key)
        if publisher is None:
            division = place.division
            province = self.tree.province(division)
            kind = publisher_kind(name)
            if kind == GOVERNMENT and place.township:
                kind = TOWNSHIP
            publisher = self.by_id[key] = Publisher(
                key, name, kind, division.code if division else None, place.township, place.level,
                province.name if province else None)
        publisher.aliases.add(name)
        if source is not None:
            publisher.sources.add(source.name)
            publisher.hosts.update(source.hosts())
            publisher.column_url = publisher.column_url or source.start_url
        if year is not None:
            publisher.years.add(year)
        return publisher

    def link_parents(self) -> None:
        """A department or office belongs to its place's government; a government to the one above."""
        governments = {p.division_code if not p.township else f"{p.division_code}/{p.township}": p
                       for p in self.by_id.values() if p.kind in (GOVERNMENT, TOWNSHIP)}
        for publisher in self.by_id.values():
            place = (f"{publisher.division_code}/{publisher.township}" if publisher.township
                     else publisher.division_code)
            if publisher.kind in (DEPARTMENT, OFFICE):
                parent = governments.get(place)
            elif publisher.township:
                parent = governments.get(publisher.division_code)
            else:
                parent = next((governments[d.code] for d in self._ancestors(publisher.division_code)
                               if d.code in governments), None)
            publisher.parent_id = parent.id if parent is not None and parent is not publisher else None

    def _ancestors(self, code: str | None) -> list[Division]:
        division = self.tree.by_code.get(code) if code else None
        return self.tree.chain(division)[:-1][::-1]
