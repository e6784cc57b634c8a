"""Project commands for `scrapy` (COMMANDS_MODULE): `crawl` checks gov_reports' arguments first and
exits non-zero with a one-line reason when the crawl did not work."""
