"""Every bad argument gets one line naming it and exit status 2, before anything is fetched or written."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _scrapy(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scrapy", "crawl", "gov_reports", "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}"]
    for argument in arguments:
        command += ["-a", argument]
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def _gov_reports(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive.cli", *arguments], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


SPIDER_CASES = {
    "year=abc": "-a year: expected a data year from 2007 to {last}, got 'abc'",
    "year=1999": "-a year: expected a data year from 2007 to {last}, got '1999'",
    "hops=-1": "-a hops: expected a whole number of navigation hops (e.g. 4), got '-1'",
    "sources=missing.csv": "-a sources: missing.csv: cannot read registry: [Errno 2] No such file or directory: "
                           "'missing.csv'",
    "start_url=ftp://www.pingtan.gov.cn/": "-a start_url 'ftp://www.pingtan.gov.cn/': scheme must be http or "
                                           "https, not 'ftp'",
    "start_url=https://www.ping tan.gov.cn/": "-a start_url 'https://www.ping tan.gov.cn/': contains whitespace",
    "start_url=not-a-url": "-a start_url 'not-a-url': host 'not-a-url' is not a domain name or an IP address",
    "start_url=,": "-a start_url: expected one or more http(s) URLs, comma-separated, got none",
    "yaer=2023": "-a yaer: unknown argument (known: start_url, sources, year, hops)",
}


@pytest.mark.parametrize("argument", SPIDER_CASES)
def test_a_bad_spider_argument_is_one_line_and_exit_status_2(tmp_path, argument):
    from datetime import date

    result = _scrapy(tmp_path, argument)
    expected = "scrapy crawl gov_reports: " + SPIDER_CASES[argument].format(last=date.today().year)
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [expected], "")
    assert not (tmp_path / "a.db").exists()


def test_a_registry_missing_a_header_column(tmp_path):
    (tmp_path / "bad.csv").write_text("name,region\n平潭,福建省\n", encoding="utf-8")
    result = _gov_reports(tmp_path, "sources", "bad.csv")
    assert (result.returncode, result.stderr.splitlines()) == (
        2, ["gov-reports: error: bad.csv: header: missing column(s) level, start_url"])


def test_reparse_of_a_file_that_is_not_a_database(tmp_path):
    (tmp_path / "notes.db").write_text("not a database\n" * 100)
    result = _gov_reports(tmp_path, "reparse", "notes.db")
    assert (result.returncode, result.stderr.splitlines()) == (
        2, ["gov-reports: error: notes.db: not an archive database (file is not a database)"])
    assert (tmp_path / "notes.db").read_text() == "not a database\n" * 100


def test_serving_a_file_that_is_not_an_archive(tmp_path):
    (tmp_path / "notes.db").write_text("not a database\n" * 100)
    sqlite3.connect(tmp_path / "other.db").execute("create table x (a)").connection.commit()
    notes = _gov_reports(tmp_path, "serve", "notes.db", "-p", "0")
    other = _gov_reports(tmp_path, "serve", "other.db", "-p", "0")
    assert [(r.returncode, r.stderr.splitlines()) for r in (notes, other)] == [
        (2, ["gov-reports: error: notes.db: not an archive database (file is not a database)"]),
        (2, ["gov-reports: error: other.db: not an archive database (no snapshots table)"])]
    assert (tmp_path / "notes.db").read_text() == "not a database\n" * 100


def test_gov_reports_crawl_checks_the_spider_arguments_too(tmp_path):
    result = _gov_reports(tmp_path, "crawl", "--db", str(tmp_path / "a.db"), "not-a-url")
    assert (result.returncode, result.stderr.splitlines()) == (
        2, ["scrapy crawl gov_reports: -a start_url 'not-a-url': host 'not-a-url' is not a domain name or an IP "
            "address"])


@pytest.mark.parametrize("level", ["30", "fast"])
def test_a_bad_body_level_is_one_line_and_exit_status_2(tmp_path, level):
    command = [sys.executable, "-m", "scrapy", "crawl", "gov_reports", "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}",
               "-s", f"ARCHIVE_BODY_LEVEL={level}", "-a", "start_url=http://127.0.0.1:9/"]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    expected = (f"scrapy crawl gov_reports: -s ARCHIVE_BODY_LEVEL: expected a zstd level from 1 (fastest) to 22 "
                f"(smallest), got '{level}'")
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [expected], "")
    assert not (tmp_path / "a.db").exists()
