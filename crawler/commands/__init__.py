"""Project commands: `scrapy crawl` with an exit status that says whether the crawl worked."""
