"""`scrapy crawl`, with the gov_reports spider's arguments checked before the crawl starts."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler.arguments import ArgumentError, SpiderArguments


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
