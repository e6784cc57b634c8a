"""`scrapy crawl`, exiting non-zero with a one-line reason when the crawl's monitors found problems."""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.monitors import PROBLEMS_STAT, crawl_status, one_line_reason


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts) -> None:
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
