"""Archives for the web-archive tests: the fixture portal crawled twice by the real spider (new
bytes, redirects, 404/500, then 304 re-fetches), and that archive exported as WARC."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.store import Archive
from archive.webarchive.warc_export import ExportSummary, export_warc
from demo_portal import PortalServer
from tests.support.archive_copies import copy_archive
from tests.support.crawls import run_crawl
from tests.support.portals import fixture_site


@dataclass
class Crawled:
    db: Path
    portal_url: str


@dataclass
class Exported:
    db: Path
    warc: Path
    summary: ExportSummary


@pytest.fixture(scope="session")
def site():
    return fixture_site()


@pytest.fixture(scope="session")
def crawled(site, tmp_path_factory) -> Crawled:
    """Crawled twice: the second crawl re-fetches with validators (304) and follows the old column
    address that redirects."""
    db = tmp_path_factory.mktemp("webarchive-crawl") / "archive.db"
    with PortalServer(site) as portal:
        run_crawl(f"{portal.url},{portal.url}xxgknb/index.html", db)
        run_crawl(portal.url, db)
    return Crawled(db, portal.url)


@pytest.fixture(scope="session")
def exported(crawled, tmp_path_factory) -> Exported:
    """A copy of the crawled archive exported whole (the export writes record ids into it)."""
    directory = tmp_path_factory.mktemp("webarchive-export")
    db = copy_archive(crawled.db, directory)
    archive = Archive(db)
    summary = export_warc(archive, directory / "archive.warc.gz")
    archive.close()
    return Exported(db, directory / "archive.warc.gz", summary)
