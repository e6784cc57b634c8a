"""Crawl health: spidermon monitors that judge a finished crawl, and the per-source summary it prints.

A failing monitor records a problem (`gov_reports/problems` in the crawl's stats): every request
failed makes the crawl `failed`; a source that had reports and found none, or an error rate above
GOV_REPORTS_MAX_ERROR_RATE, makes it `degraded`. crawler/commands/crawl.py turns either into a
non-zero exit status with a one-line reason.
"""

from __future__ import annotations

import logging
import warnings

from scrapy.crawler import Crawler
from spidermon import Monitor, MonitorSuite, monitors
from scrapy.exceptions import ScrapyDeprecationWarning

# Spidermon logs through the deprecated Spider.log() and prints its whole monitor report at INFO;
# the crawl's own summary says what matters (crawler/progress.py, the per-source lines, the one-line
# reason), so the report goes to DEBUG and its deprecation warning is not shown to users.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning)


class _SpidermonReportToDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and str(record.msg).startswith("[Spidermon]"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


logging.getLogger("gov_reports").addFilter(_SpidermonReportToDebug())

logger = logging.getLogger(__name__)
# unittest leaves this module's frames out of a failing monitor's report: the log shows its one line.
__unittest = True

PROBLEMS_STAT = "gov_reports/problems"
SOURCE_REPORTS_STAT = "gov_reports/source_reports/"
FRESH_STAT = "recrawl/fresh_from_archive"  # counted by crawler/recrawl.py
FAILED, DEGRADED = "failed", "degraded"


def record_problem(crawler: Crawler, status: str, message: str) -> None:
    problems = list(crawler.stats.get_value(PROBLEMS_STAT) or [])
    crawler.stats.set_value(PROBLEMS_STAT, problems + [{"status": status, "message": message}])


def crawl_status(reason: str, problems: list[dict]) -> str:
    """The crawls.status of a closed crawl: Scrapy's reason, unless a finished crawl's monitors found
    problems (an interrupted crawl is judged when it is resumed)."""
    if reason != "finished":
        return reason
    statuses = {problem["status"] for problem in problems}
    return FAILED if FAILED in statuses else DEGRADED if DEGRADED in statuses else reason


def one_line_reason(problems: list[dict]) -> str:
    status = crawl_status("finished", problems)
    return f"gov-reports: crawl {status}: " + "; ".join(p["message"] for p in problems)


def source_rows(crawler: Crawler) -> list[dict]:
    """This crawl's per-source requests, errors and reports (reports as the pipeline counted them:
    a report served from the archive without a request still counts)."""
    from crawler.archiving import ArchiveExtension  # the extension imports this module

    extension = ArchiveExtension.of(crawler)
    rows = extension.open().crawl_source_stats(extension.crawl_id)
    for row in rows:
        row["reports"] = max(row["reports"], crawler.stats.get_value(SOURCE_REPORTS_STAT + str(row["source"]), 0))
    return rows


def _kinds(errors_by_kind: dict) -> str:
    return ", ".join(f"{kind} ×{count}" for kind, count in sorted(errors_by_kind.items()))


@monitors.name("Crawl health")
class CrawlHealthMonitor(Monitor):
    """The three alerts of a finished crawl."""

    def setUp(self) -> None:
        self.crawler = self.data.crawler
        self.rows = source_rows(self.crawler)
        # Pages served fresh from the archive (RECRAWL_FRESH_DAYS) are answers without a request.
        self.requests = sum(row["requests"] for row in self.rows) + self.crawler.stats.get_value(FRESH_STAT, 0)
        self.errors = sum(row["errors"] for row in self.rows)

    def _check(self, status: str, problem: str | None) -> None:
        if problem:
            record_problem(self.crawler, status, problem)
            self.fail(problem)

    @monitors.name("Some request succeeded")
    def test_some_request_succeeded(self) -> None:
        kinds: dict[str, int] = {}
        for row in self.rows:
            for kind, count in row["errors_by_kind"].items():
                kinds[kind] = kinds.get(kind, 0) + count
        problem = None  # no request at all is no failure: every page may have been fresh
        if self.requests and self.errors == self.requests:
            problem = f"every request failed ({self.requests} requests: {_kinds(kinds)})"
        self._check(FAILED, problem)

    @monitors.name("Sources that had reports found some")
    def test_sources_with_reports_found_some(self) -> None:
        if (self.requests and self.errors == self.requests) or getattr(self.crawler.spider, "year", None):
            return  # already a failed crawl; or a crawl for one data year, which others' reports are not
        silent = [row["source"] for row in self.rows if row["earlier_reports"] and not row["reports"]]
        self._check(DEGRADED, f"source(s) that had reports found none: {', '.join(silent)}" if silent else None)

    @monitors.name("Error rate")
    def test_error_rate(self) -> None:
        limit = self.crawler.settings.getfloat("GOV_REPORTS_MAX_ERROR_RATE", 0.5)
        rate = self.errors / self.requests if self.requests else 0.0
        if self.errors == self.requests or rate <= limit:
            self._check(DEGRADED, None)
            return
        self._check(DEGRADED, f"error rate {rate:.0%} above {limit:.0%} ({self.errors} of {self.requests} requests)")


class CrawlHealthSuite(MonitorSuite):
    monitors = [CrawlHealthMonitor]


def log_source_summary(rows: list[dict]) -> None:
    """One line per source at the end of the crawl."""
    for row in rows:
        errors = f" ({_kinds(row['errors_by_kind'])})" if row["errors"] else ""
        logger.info("Source %s: %s requests, %s errors%s, %s reports (earlier crawls: %s)", row["source"],
                    row["requests"], row["errors"], errors, row["reports"], row["earlier_reports"])
