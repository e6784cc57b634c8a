"""Expected versus found: one report per publisher per data year, its deadline, and what became of it.

`refresh_coverage` rebuilds the derived tables (places, publishers, coverage) from the archive;
`record_crawl_events` compares one crawl's fetches of known report URLs with what was archived
before (removed: 404 or a page that no longer reads as a report; gone from its column; changed).
Archived versions are never touched: events and coverage only point at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from archive.divisions import Placement, division_tree, package_version
from archive.publishers import (
    DEPARTMENT,
    OFFICE,
    PublisherRegistry,
    clean_agency,
    is_group,
    place_agency,
    place_source,
)
from archive.sources import Source, load_sources, registry_entry_for_url, source_from_row

# 2007 条例 第三十一条: 31 March for every report; 2019 条例 第四十九条 (reports from data year 2019):
# departments (a government's office is one of its departments) by 31 January, governments by 31 March.
NEW_REGULATION_YEAR = 2019
REMOVED = ("removed_404", "removed_soft_404", "unlisted")
GONE_STATUSES = (404, 410)


def deadline(year: int, kind: str) -> date:
    """The legal publication deadline of a data year's report for a publisher of this kind."""
    if year >= NEW_REGULATION_YEAR and kind in (DEPARTMENT, OFFICE):
        return date(year + 1, 1, 31)
    return date(year + 1, 3, 31)


def expected_years(first_year: int | None, kind: str, as_of: date) -> list[int]:
    """Data years a publisher owes a report for on `as_of`: from its first year seen to the last
    year whose deadline has passed."""
    if first_year is None:
        return []
    return [year for year in range(first_year, as_of.year) if deadline(year, kind) < as_of]


@dataclass(frozen=True)
class Found:
    """A report version counted for a publisher and year (the latest version of its URL)."""

    report_id: int
    url: str
    published: str | None
    versions: int
    event: str | None


def refresh_coverage(archive, as_of: date, registry: list[Source] | None = None) -> int:
    """Rebuild places, publishers and coverage from everything archived; returns coverage rows."""
    tree = division_tree()
    registry = load_sources() if registry is None else registry
    sources = {row["name"]: source_from_row(row) for row in archive.coverage_source_rows()}
    publishers = PublisherRegistry(tree)
    for entry in registry:
        if not is_group(entry):
            publishers.add(entry.name, place_source(tree, entry), source=entry)
    source_places = {name: _source_place(tree, source, registry) for name, source in sources.items()}
    report_places, found = [], {}
    for report in archive.coverage_report_rows():
        source = sources.get(report["source"])
        home = source_places.get(report["source"], (Placement(), ""))[0]
        agency = clean_agency(report["agency"])
        if agency is None and source is not None and not is_group(source) and home.division:
            agency = source.name
        place = place_agency(tree, agency, home) if agency else Placement()
        publisher = (publishers.add(agency, place, source=source, year=report["year"])
                     if agency and place.division else None)
        report_places.append(_report_place(tree, report["id"], publisher, place, agency))
        if publisher is not None and report["year"] is not None and report["is_latest"]:
            found.setdefault((publisher.id, report["year"]), []).append(Found(
                report["id"], report["url"], report["published"], report["versions"], report["event"]))
    publishers.link_parents()
    rows = [row for publisher in publishers.by_id.values()
            for row in _coverage_rows(tree, publisher, found, as_of)]
    archive.replace_coverage(
        divisions=[_division_row(tree, d) for d in tree.by_code.values()],
        source_places=[_source_place_row(tree, name, *place) for name, place in source_places.items()],
        publishers=[p.row() for p in publishers.by_id.values()],
        report_places=report_places, coverage=rows, division_package=package_version())
    return len(rows)


def _source_place(tree, source: Source, registry: list[Source]) -> tuple[Placement, str]:
    """A source's place and the evidence it rests on (its region, its name, or its host's entry)."""
    place = place_source(tree, source)
    if place.division is not None:
        return place, "registry region" if tree.place(source.region).division else "source name"
    entry = registry_entry_for_url(source.start_url, registry)
    if entry is not None:
        return place_source(tree, entry), f"portal host (registry entry {entry.name})"
    return Placement(), "unplaced"


def _coverage_rows(tree, publisher, found: dict, as_of: date) -> list[dict]:
    years = sorted(set(expected_years(min(publisher.years, default=None), publisher.kind, as_of))
                   | {y for (pid, y) in found if pid == publisher.id})
    chain = division_chain(tree, publisher.division_code)
    return [_coverage_row(publisher, year, found.get((publisher.id, year), []), as_of, chain)
            for year in years]


def division_chain(tree, code: str | None) -> dict:
    """province/prefecture/county codes and names of a division, for grouping at any depth."""
    row = {f"{level}{suffix}": None for level in ("province", "prefecture", "county")
           for suffix in ("_code", "_name")}
    for division in tree.chain(tree.by_code.get(code) if code else None):
        row[f"{division.level}_code"], row[f"{division.level}_name"] = division.code, division.name
    return row


def _coverage_row(publisher, year: int, versions: list[Found], as_of: date, chain: dict) -> dict:
    due = deadline(year, publisher.kind)
    live = [f for f in versions if f.event not in REMOVED]
    pick = min(live or versions, key=lambda f: (f.published or "9999", f.report_id), default=None)
    days_late = None
    if pick is not None and pick.published:
        days_late = max((date.fromisoformat(pick.published[:10]) - due).days, 0)
    if pick is None:
        status = "missing" if due < as_of else "not_due"
    elif not live:
        status = "removed"
    elif days_late is None:
        status = "found_date_unknown"
    else:
        status = "late" if days_late > 0 else "on_time"
    return {
        **chain, "publisher_id": publisher.id, "year": year, "name": publisher.name, "kind": publisher.kind,
        "division_code": publisher.division_code, "township": publisher.township,
        "division_level": publisher.division_level, "province": publisher.province,
        "deadline": due.isoformat(), "status": status, "report_id": pick.report_id if pick else None,
        "url": pick.url if pick else None, "published": pick.published if pick else None,
        "days_late": days_late, "changed": int(any(f.versions > 1 for f in versions)),
        "removed_event": pick.event if pick and pick.event in REMOVED else None,
    }


def _report_place(tree, report_id: int, publisher, place: Placement, agency: str | None) -> dict:
    province = tree.province(place.division)
    return {"report_id": report_id, "publisher_id": publisher.id if publisher else None,
            "agency": agency, "division_code": place.division.code if place.division else None,
            "township": place.township, "division_level": place.level,
            "province": province.name if province else None,
            "level": _government_level(place, publisher.kind if publisher else None)}


def _government_level(place: Placement, kind: str | None) -> str | None:
    """The registry's level words (province, city, county, township, department) for a placed report."""
    if place.division is None:
        return None
    if kind in (DEPARTMENT, OFFICE):
        return "department"
    return {"prefecture": "city"}.get(place.level, place.level)


def _division_row(tree, division) -> dict:
    province = tree.province(division)
    return {"code": division.code, "name": division.name, "level": division.level,
            "parent": division.parent, "province": province.name if province else None,
            "path": " ".join(d.name for d in tree.chain(division)),
            "longitude": division.longitude, "latitude": division.latitude}


def _source_place_row(tree, name: str, place: Placement, evidence: str) -> dict:
    province = tree.province(place.division)
    return {"source": name, "division_code": place.division.code if place.division else None,
            "township": place.township, "division_level": place.level,
            "province": province.name if province else None, "evidence": evidence}


def record_crawl_events(archive, crawl_id: int, *, check_unlisted: bool = True) -> list[dict]:
    """Events of one crawl on report URLs archived before it; returns the events added."""
    events = []
    for url in archive.crawl_report_urls(crawl_id):
        kind, detail = _event(url, check_unlisted)
        if kind is None or url["last_event"] == kind:
            continue
        if kind == "restored" and url["last_event"] not in REMOVED:
            continue
        events.append({"url": url["url"], "report_id": url["report_id"], "crawl_id": crawl_id,
                       "kind": kind, "detail": detail, "fetch_id": url["fetch_id"]})
    archive.add_report_events(events)
    return events


def _event(url: dict, check_unlisted: bool) -> tuple[str | None, str | None]:
    if url["fetch_id"] is None:
        if check_unlisted and url["source_reached"]:
            return "unlisted", "not linked from its source's pages on this crawl"
        return None, None
    if url["status"] in GONE_STATUSES:
        return "removed_404", f"HTTP {url['status']}"
    if url["status"] is None or url["snapshot_id"] is None:
        return None, None  # a network error says nothing about the report
    if not url["snapshot_is_report"]:
        return "removed_soft_404", f"HTTP {url['status']}, page no longer reads as a report (snapshot {url['snapshot_id']})"
    if url["new_version"]:
        return "changed", f"new version (snapshot {url['snapshot_id']})"
    return "restored", None
