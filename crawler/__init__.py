"""The Scrapy project of gov-reports: the gov_reports spider, its middlewares and pipeline."""
