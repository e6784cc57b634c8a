"""The crawl's log is for people: progress in domain terms, a summary, and none of Scrapy's noise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from demo_portal.server import PortalServer
from demo_portal.site import build_demo_site

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_progress_lines_and_a_summary_without_noise(tmp_path):
    with PortalServer(build_demo_site()) as portal:
        portal.set_delay("/zwgk/zfxxgk/zfxxgknb/index.html", 1.5)  # a slow column: the crawl outlasts a tick
        log = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "gov_reports", "-a", f"start_url={portal.url}",
             "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
             "-s", "GOV_REPORTS_PROGRESS_SECONDS=0.5"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}).stderr
    lines = log.splitlines()
    progress = [line.split("INFO: ", 1)[1] for line in lines if "[crawler.progress] INFO: Progress:" in line]
    assert progress and all(line.startswith("Progress: ") and line.endswith(" errors") for line in progress)
    (summary,) = [line.split("INFO: ", 1)[1] for line in lines if "[crawler.progress] INFO: Crawl finished" in line]
    assert summary.endswith(": 1 of 1 sources done, 11 reports (1 attachments), 29 pages, 0 errors")
    for noise in ("Telnet", "ScrapyDeprecationWarning", "Disabled ", "Dumping Scrapy stats", "Crawled 0 pages"):
        assert noise not in log
