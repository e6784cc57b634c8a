"""End to end: `scrapy crawl gov_reports` against one fixture portal per CMS list form
(tests/support/cms_portals.py): every report archived, no decoy, every list page and API answer fetched."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import pytest

from demo_portal.server import PortalServer
from tests.support.cms_portals import FORMS, build_cms_site
from tests.support.crawls import run_crawl

pytestmark = [pytest.mark.crawl, pytest.mark.slow]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _rows(db, sql):
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="module", params=FORMS)
def crawled(request, tmp_path_factory):
    site = build_cms_site(request.param)
    db = tmp_path_factory.mktemp(request.param) / "archive.db"
    with PortalServer(site) as portal:
        log = run_crawl(portal.url, db)
        return request.param, site, db, log, list(portal.requests), list(portal.api_requests)


def test_every_report_and_no_decoy_is_archived(crawled):
    form, site, db, *_ = crawled
    reports = {_path(url) for (url,) in _rows(db, "select url from reports where kind = 'page'")}
    assert reports == site.report_paths(), form
    assert not reports & site.decoy_paths()


def test_every_list_page_and_api_answer_is_fetched(crawled):
    form, site, _, _, requests, api_requests = crawled
    served = {path + "index.html" if path.endswith("/") else path for _, path, status in requests if status == 200}
    answers = [key for _, key, status in api_requests]
    assert site.list_paths() <= served | set(answers), form
    keyed = {path for path in site.pages if urlsplit(path).path in site.api_forms}
    assert sorted(answers) == sorted(keyed), form  # each answer asked for once, none refused (400)


def test_attachments_of_found_reports_are_archived(crawled):
    form, site, db, *_ = crawled
    attachments = {_path(url) for (url,) in _rows(db, "select url from reports where kind = 'attachment'")}
    assert attachments == site.attachment_paths(), form


def test_list_answers_are_archived_by_the_request_that_asked_for_them(crawled):
    """Every API answer is a snapshot; answers to different forms POSTed to one URL are not
    versions of each other."""
    form, site, db, _, _, api_requests = crawled
    rows = _rows(db, "select url, request, previous_id from snapshots where url in "
                     "(select url from fetches where method = 'POST') or request is not null")
    posted = [key for method, key, status in api_requests if method == "POST"]
    assert len([r for r in rows if r[1] and r[1].startswith("POST ")]) == len(posted), form
    assert all(previous is None for _, _, previous in rows), form
