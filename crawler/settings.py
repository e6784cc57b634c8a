"""Scrapy settings of gov-reports: polite by default (robots.txt, AutoThrottle, low concurrency)."""

import os

from archive import store
from archive.readers import limits

BOT_NAME = "gov_reports"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# The SQLite archive (override with -s ARCHIVE_DB=path).
ARCHIVE_DB = store.DEFAULT_ARCHIVE_PATH
ARCHIVE_COMMIT_SECONDS = 1.0
ARCHIVE_BATCH_WRITES = 50

# Who we are: portals' operators can read what the crawler is and whom to tell.
# The spider builds its User-Agent from this (-s GOV_REPORTS_CONTACT_URL=…); -s USER_AGENT=… replaces it.
GOV_REPORTS_CONTACT_URL = "https://github.com/gov-reports/gov-reports"

# Politeness.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 60
# Reports are small; a body over 50 MB is an error page or a stream, not a report.
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024

# Retries with exponential backoff on 5xx, 429 and network errors.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.fetchlog.BackoffRetryMiddleware": 550,
    # Revalidates archived URLs (If-None-Match / If-Modified-Since) and turns a 304 into the
    # archived body; below the fetch log, which records the 304 itself.
    "crawler.recrawl.ConditionalRequestMiddleware": 860,
    # Next to the downloader: sees every redirect hop and every attempt before it is retried.
    "crawler.fetchlog.FetchLogMiddleware": 870,
}
EXTENSIONS = {"crawler.archiving.ArchiveExtension": 100, "crawler.jobdir.UncleanJobdirGuard": 90,
              "crawler.parse_stage.ParseStage": 110, "crawler.frontier.SharedIdle": 120}
ITEM_PIPELINES = {"crawler.pipelines.SnapshotPipeline": 300}
# With REDIS_URL set (environment or -s REDIS_URL=redis://host:6379/0), several crawl processes
# share one frontier (scrapy-redis scheduler and dupefilter), each writing its own ARCHIVE_DB.
ADDONS = {"crawler.frontier.SharedFrontier": 0}
# A process of a shared crawl closes once idle this long (the others may still push requests).
GOV_REPORTS_SHARED_IDLE_SECONDS = 10.0

# Error pages reach the spider's errback (logged there); their fetches are already in `fetches`.
HTTPERROR_ALLOW_ALL = False

# Breadth-first, so that every portal's column is reached early and a JOBDIR resume is cheap.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Limits of the crawl (each overridable with -s NAME=value).
# Navigation hops allowed from a start page before only pagers and report links are followed:
# home → disclosure area → sub-area → column is three; one spare for portals with one more level.
# `-a hops=N` overrides it for one crawl.
GOV_REPORTS_ENTRY_HOPS = 4
# Further pages one list form may ask for from one list page or answer (createPageHTML pages,
# search-API pages, ?page=N forms, pager gaps): a column of annual reports has a few pages, so
# hundreds is a miscounted total or a generator loop.
GOV_REPORTS_LIST_MAX_PAGES = 500
# Record groups one Hanweb list may ask dataproxy.jsp for (each group is groupSize × perPage records).
GOV_REPORTS_LIST_MAX_GROUPS = 500
# A report is a few dozen pages; a flipbook "next page" chain longer than this is a generator loop.
GOV_REPORTS_FLIPBOOK_MAX_PAGES = 1000
# What the readers read of one document at most (archive/readers/limits.py holds the defaults,
# which `gov-reports parse` uses too): PDF pages, spreadsheet cells, characters of one binary
# Word stream, rows/columns one table cell may span.
GOV_REPORTS_PDF_MAX_PAGES = limits.READ_LIMITS.pdf_pages  # 500
GOV_REPORTS_SHEET_MAX_CELLS = limits.READ_LIMITS.sheet_cells  # 200,000
GOV_REPORTS_DOC_MAX_CHARS = limits.READ_LIMITS.doc_chars  # 5,000,000
GOV_REPORTS_CELL_MAX_SPAN = limits.READ_LIMITS.cell_span  # 200

# The parse stage (crawler/parse_stage.py): parser processes beside the crawl (0: parse in the
# crawl process, only when the crawl closes); a parse running longer than this many seconds has its
# worker killed and is recorded as parse_error:timeout (0: no limit).
GOV_REPORTS_PARSE_JOBS = max(1, (os.cpu_count() or 2) - 1)
GOV_REPORTS_PARSE_SECONDS = 300
# Testing and benchmarking aid: each parse first sleeps this many seconds (a slowed parser).
GOV_REPORTS_PARSE_DELAY = 0.0
# Views and the search index brought up to date when the crawl closes (archive/publish/prepare.py).
GOV_REPORTS_PREPARE_PUBLISH = True
# Bodies of one content kind compressed before a zstd dictionary is trained for that kind.
ARCHIVE_DICTIONARY_SAMPLES = store.DICTIONARY_SAMPLES

# Re-crawls: archived URLs are revalidated with one conditional request; a snapshot younger than
# this many days is not requested at all (0: always revalidate).
RECRAWL_FRESH_DAYS = 0

# Development aid only, never the archive: HTTPCACHE_ENABLED=True on the command line.
HTTPCACHE_ENABLED = False

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
