"""Web archives: the archive as WARC 1.1 / WACZ 1.1 files, and other crawlers' WARCs brought in."""
