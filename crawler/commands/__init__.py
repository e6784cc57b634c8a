"""Project commands for `scrapy` (COMMANDS_MODULE): `crawl` checks gov_reports' arguments first."""
