"""gov-reports archive: storage, parsing and publishing of 政府信息公开工作年度报告 (no Scrapy here)."""
