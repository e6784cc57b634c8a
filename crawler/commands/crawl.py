"""`scrapy crawl` for gov_reports: its arguments checked before the crawl starts, and an exit status
(with a one-line reason) that says whether the crawl worked, as the crawl's monitors judged it."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from archive.compression import zstd_level
from crawler.arguments import ArgumentError, SpiderArguments
from crawler.monitors import PROBLEMS_STAT, crawl_status, one_line_reason


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)  # reads -a NAME=VALUE into opts.spargs
        if args[:1] == ["gov_reports"]:
            try:
                SpiderArguments.parse(opts.spargs)
            except ArgumentError as error:
                # Before Scrapy starts anything: one line, exit status 2 (a usage error).
                print(f"scrapy crawl gov_reports: {error}", file=sys.stderr)
                sys.exit(2)
            try:  # a setting every archived body passes through: a bad one would lose them all
                zstd_level(self.settings.get("ARCHIVE_BODY_LEVEL"))
            except ValueError as error:
                print(f"scrapy crawl gov_reports: -s ARCHIVE_BODY_LEVEL: {error}", file=sys.stderr)
                sys.exit(2)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        problems = stats.get(PROBLEMS_STAT)
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif problems and crawl_status(stats.get("finish_reason", ""), problems) != stats.get("finish_reason"):
            print(one_line_reason(problems), file=sys.stderr)
            self.exitcode = 1
