"""Discovery on 200 generated portals (tests/support/generated_portal.py): the spider's own decisions,
run in-process (tests/support/crawl_simulation.py), record every report and no decoy within the
budget; a few real `scrapy crawl`s of generated portals on loopback agree with the simulation."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import pytest

from crawler.frontier import Budget
from demo_portal.server import PortalServer
from tests.support.crawls import query_rows, run_crawl
from tests.support.crawl_simulation import simulate
from tests.support.generated_portal import LIST_FORMS, generate_portal, list_form

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

SEEDS = range(200)


@pytest.fixture(scope="module")
def simulated():
    logging.disable(logging.WARNING)  # 200 portals' worth of "HTTP 400" and registry warnings
    try:
        return [(portal, simulate(portal)) for portal in map(generate_portal, SEEDS)]
    finally:
        logging.disable(logging.NOTSET)


def test_the_generator_draws_every_variation():
    features = {feature for seed in SEEDS for feature in generate_portal(seed).features}
    assert {f"depth:{n}" for n in range(1, 6)} | {f"form:{form}" for form in LIST_FORMS} <= features
    assert {"menu:text", "menu:image", "menu:script", "flat", "nested", "xxgk-host", "column:flat", "column:years",
            "column:publishers", "mislabelled-decoy",
            "linked-script", "site-search"} <= features


def test_every_report_is_recorded_and_no_decoy(simulated):
    missed = {portal.seed: sorted(portal.reports - crawl.recorded) for portal, crawl in simulated
              if portal.reports - crawl.recorded}
    decoys = {portal.seed: sorted(portal.decoys & (crawl.recorded | crawl.documents)) for portal, crawl in simulated
              if portal.decoys & (crawl.recorded | crawl.documents)}
    extra = {portal.seed: sorted(crawl.recorded - portal.reports) for portal, crawl in simulated
             if crawl.recorded - portal.reports}
    assert (missed, decoys, extra) == ({}, {}, {})


def test_unrelated_areas_do_not_eat_the_budget(simulated):
    """News, interaction and services (hundreds of pages on some portals) are never fetched once
    the source has found its reports."""
    eaten = {portal.seed: [url for url in crawl.fetched if url.startswith(portal.unrelated)]
             for portal, crawl in simulated}
    assert {seed: urls for seed, urls in eaten.items() if urls} == {}


def test_the_budget_is_respected_and_reported(simulated):
    for portal, crawl in simulated:
        figures = crawl.figures()
        assert sum(f["pages"] for f in figures.values()) == len(crawl.fetched), portal.seed
        assert all(f["pages"] <= f["budget_pages"] for f in figures.values()), portal.seed
        assert figures[portal.host]["reports"] >= 1, portal.seed


def test_a_small_budget_stops_the_source_best_first():
    """With 6 pages, a portal whose reports need more fetches exactly 6: its home page and the
    best-scoring links, never an unrelated area."""
    portal = next(p for p in map(generate_portal, SEEDS) if p.minimum_pages() > 12)
    crawl = simulate(portal, {"GOV_REPORTS_SOURCE_PAGES": 6})
    figures = crawl.figures()[portal.host]
    assert (len(crawl.fetched), figures["pages"], figures["budget_used"]) == (6, 6, 100)
    assert crawl.fetched[0] == portal.start_url and figures["frontier_left"] > 0
    assert not [url for url in crawl.fetched if url.startswith(portal.unrelated)]


def test_the_depth_budget_bounds_navigation():
    portal = next(p for p in map(generate_portal, SEEDS) if "depth:5" in p.features and "column:flat" in p.features
                  and "xxgk-host" not in p.features)
    shallow = simulate(portal, {"GOV_REPORTS_SOURCE_DEPTH": 2})
    assert portal.reports <= simulate(portal).recorded
    assert shallow.recorded < portal.reports
    assert shallow.recorded <= _within(portal, 3)  # two navigation hops, a report and its attachment
    assert shallow.figures()[portal.host]["frontier_left"] > 0


def test_a_registry_budget_raises_the_settings_one(tmp_path):
    registry = tmp_path / "sources.csv"
    registry.write_text("name,region,level,start_url,budget_pages,budget_depth\n"
                        "甲县,某省 甲县,county,https://www.jia.gov.cn/,900,\n", encoding="utf-8")
    from scrapy.utils.test import get_crawler

    from crawler.spiders.gov_reports import GovReportsSpider
    crawler = get_crawler(GovReportsSpider, settings_dict={"GOV_REPORTS_SOURCE_PAGES": 50})
    spider = GovReportsSpider.from_crawler(crawler, sources=str(registry))
    (source,) = spider.sources
    assert spider._budget_of(source) == Budget(900, 8)


def _within(portal, hops: int) -> set[str]:
    """The URLs at most `hops` links from the home page."""
    frontier, seen = {portal.start_url + "index.html"}, set()
    for _ in range(hops + 1):
        seen |= frontier
        frontier = {t if not t.endswith("/") else t + "index.html" for u in frontier for t in portal.links.get(u, ())}
    return seen


# -- real crawls: the spider under Scrapy decides as in the simulation ------------------------------
def _one_seed_per_form() -> list[int]:
    """The first seed of each list form, as a one-host portal (loopback serves one host)."""
    firsts: dict[str, int] = {}
    for seed in SEEDS:
        firsts.setdefault(list_form(seed, hosts=False), seed)
    return sorted(firsts.values())


LOOPBACK_SEEDS = _one_seed_per_form()


@pytest.mark.slow
@pytest.mark.crawl
@pytest.mark.parametrize("seed", LOOPBACK_SEEDS)
def test_a_real_crawl_of_a_generated_portal_records_every_report(seed, tmp_path):
    portal = generate_portal(seed, hosts=False)
    (site,) = portal.sites.values()
    db = tmp_path / "archive.db"
    with PortalServer(site) as server:
        log = run_crawl(server.url, db)
        requested = [target for _, target, _ in server.requests]
    recorded = {urlsplit(row["url"]).path for row in query_rows(db, "select url from reports")}
    assert recorded == portal.reports
    assert not [target for target in requested if target.startswith(portal.unrelated)]
    # Every request but robots.txt was charged to the source (or a sub-source): the figures add up.
    (row,) = query_rows(db, "select stats from crawls")
    stats = json.loads(row["stats"])
    pages = sum(value for key, value in stats.items() if key.startswith("gov_reports/sources/")
                and key.endswith("/pages"))
    assert pages == len([target for target in requested if target != "/robots.txt"])
    assert stats["gov_reports/sources/127.0.0.1/budget_pages"] == 400
    assert "Source 127.0.0.1: " in log
