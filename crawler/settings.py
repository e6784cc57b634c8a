"""Scrapy settings of gov-reports: polite by default (robots.txt, AutoThrottle, low concurrency)."""

import os

from archive import store
from archive.publish import search
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
              "crawler.progress.CrawlProgress": 500,
              "crawler.parse_stage.ParseStage": 110, "crawler.shared_frontier.SharedIdle": 120,
              # Before the archive extension: its monitors read the archive before it is closed.
              "spidermon.contrib.scrapy.extensions.Spidermon": 80}
ITEM_PIPELINES = {"crawler.pipelines.SnapshotPipeline": 300}
# With REDIS_URL set (environment or -s REDIS_URL=redis://host:6379/0), several crawl processes
# share one frontier (scrapy-redis scheduler and dupefilter), each writing its own ARCHIVE_DB.
ADDONS = {"crawler.shared_frontier.SharedFrontier": 0}
# A process of a shared crawl closes once idle this long (the others may still push requests).
GOV_REPORTS_SHARED_IDLE_SECONDS = 10.0
# Meanwhile an idle process asks the shared queue again this often (Scrapy's own heartbeat is 5 s).
GOV_REPORTS_SHARED_POLL_SECONDS = 0.5

# Error pages reach the spider's errback (logged there); their fetches are already in `fetches`.
HTTPERROR_ALLOW_ALL = False

# Best-first: a request's priority is its link's score (crawler/discovery.py), and the scheduler
# pops the highest first; depth must not reorder it. The scheduler asks each source's budget
# (crawler/frontier.py) before a request is downloaded.
DEPTH_PRIORITY = 0
SCHEDULER = "crawler.frontier.BudgetScheduler"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Limits of the crawl (each overridable with -s NAME=value).
# Navigation hops from a start page over which a link keeps its score (home → disclosure area →
# sub-area → column is three; one spare); each hop further costs 10 (crawler/discovery.score_link).
# The hard limit is GOV_REPORTS_SOURCE_DEPTH below. `-a hops=N` overrides it for one crawl.
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
# Parser processes for what is left when the crawl stops fetching (its process then only writes
# results): the pool grows to this many, one for every GOV_REPORTS_PARSE_AHEAD reports left.
GOV_REPORTS_DRAIN_JOBS = os.cpu_count() or 2
# How often the crawl writes back the results its parser processes have ready and tops up their
# tasks: each holds up to GOV_REPORTS_PARSE_AHEAD reports, so it goes on parsing while the busy
# reactor has not come round to collecting (with one at a time it sat idle for most of a crawl,
# and the drain at the end parsed a third of the reports; with 4 the bulk portal's 2,000-report
# crawl left 740 to the drain, with 8 it keeps up). A task's time limit counts from when the worker
# is known to have started it.
GOV_REPORTS_PARSE_POLL_SECONDS = 0.05
GOV_REPORTS_PARSE_AHEAD = 8
# Testing and benchmarking aid: each parse first sleeps this many seconds (a slowed parser).
GOV_REPORTS_PARSE_DELAY = 0.0
# A first crawl into an archive (no checks yet) builds the checks' index by identity once, after the
# drain, instead of row by row (Archive.defer_row_indexes): Datasette's filters by identity are slow meanwhile.
GOV_REPORTS_DEFER_ROW_INDEXES = True
# Views and the search index brought up to date when the crawl closes (archive/publish/prepare.py).
GOV_REPORTS_PREPARE_PUBLISH = True
# With it, reports are added to the search index as they are parsed, this many at a time (FTS5
# starts a new index segment at every write of a report alone; at the end only changes are left).
GOV_REPORTS_SEARCH_BATCH = search.SEARCH_BATCH
# A batch is also written once its tokens reach this many characters (a report's tokens are about
# three times its text).
GOV_REPORTS_SEARCH_BATCH_CHARS = search.SEARCH_BATCH_CHARS
# Bodies of one content kind compressed before a zstd dictionary is trained for that kind.
ARCHIVE_DICTIONARY_SAMPLES = store.DICTIONARY_SAMPLES
# zstd level of archived bodies (1-22; higher: smaller and slower; any level reads back the same).
ARCHIVE_BODY_LEVEL = store.BODY_LEVEL

# Re-crawls: archived URLs are revalidated with one conditional request; a snapshot younger than
# this many days is not requested at all (0: always revalidate).
RECRAWL_FRESH_DAYS = 0

# Development aid only, never the archive: HTTPCACHE_ENABLED=True on the command line.
HTTPCACHE_ENABLED = False

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# The log is for people: no telnet console (and its password line), Scrapy's per-minute page
# counts and its stats dump replaced by a progress line in domain terms (crawler/progress.py)
# every GOV_REPORTS_PROGRESS_SECONDS and a summary at the end; the full stats are logged at DEBUG.
TELNETCONSOLE_ENABLED = False
LOGSTATS_INTERVAL = 0
STATS_DUMP = False
GOV_REPORTS_PROGRESS_SECONDS = 30.0
# `scrapy crawl` checks gov_reports' -a arguments before crawling and exits non-zero when the
# crawl failed (crawler/commands/crawl.py).
COMMANDS_MODULE = "crawler.commands"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Coverage and crawl health (crawler/monitors.py, archive/coverage.py).
# `scrapy crawl` exits non-zero with a one-line reason when a monitor fails (COMMANDS_MODULE above).
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.monitors.CrawlHealthSuite"]
# A finished crawl whose failed requests (robots.txt aside) exceed this share is `degraded`.
GOV_REPORTS_MAX_ERROR_RATE = 0.5
# Coverage is computed as of this date (ISO; empty: today): which data years are due.
GOV_REPORTS_COVERAGE_AS_OF = ""
# `gov-reports due`: days between crawls of a source in January–April (reports season), in the other
# months, and for a source with a late or missing report.
GOV_REPORTS_DUE_SEASON_DAYS = 7
GOV_REPORTS_DUE_OFF_SEASON_DAYS = 30
GOV_REPORTS_DUE_LATE_DAYS = 3
# Discovery budgets (crawler/frontier.py): pages one source (or one department's or township's
# column inside it) may fetch, spent on its best-scoring links first, and the navigation hops
# from its start page a link may lie at (pagers keep their list's depth). The registry's
# budget_pages / budget_depth columns raise them for one source.
GOV_REPORTS_SOURCE_PAGES = 400
GOV_REPORTS_SOURCE_DEPTH = 8
# Links scoring below this (0-100: news, interaction, services, footers, decayed navigation) are
# followed only by a source that has found no report yet, when nothing better is left.
GOV_REPORTS_MIN_SCORE = 20
# Hostile pages and files (issue 12). Work per page is bounded by its size, and every reader of a
# page is linear in it: no timer runs on the reactor thread.
# Characters of one decoded page read (its links taken, parsed): a page beyond this is archived
# whole and read in its first part (a report page is well under a megabyte; more is inline images
# or a generated menu).
GOV_REPORTS_PAGE_MAX_CHARS = limits.READ_LIMITS.page_chars  # 4,000,000
# Zip packages (DOCX, XLSX) are checked before they are read: the decompressed size of their XML
# members and their member count, as declared (zipfile never inflates past a declared size).
GOV_REPORTS_ZIP_MAX_BYTES = limits.READ_LIMITS.zip_bytes  # 64 MiB
GOV_REPORTS_ZIP_MAX_MEMBERS = limits.READ_LIMITS.zip_members  # 10,000

# Canonical URLs before the seen-set and the archive (session ids dropped, query sorted, fragment
# dropped, port kept): every request the spider yields, and redirect targets with a session id.
DOWNLOADER_MIDDLEWARES = {**DOWNLOADER_MIDDLEWARES, "crawler.canonical.CanonicalRedirectMiddleware": 50}
# Traps (crawler/traps.py): requests of an endless pager, a calendar, a repeating path, links new on
# every render or another port of the portal's host are dropped and counted (gov_reports/traps/…).
# The spider's output meets the higher number first: canonical URLs, then traps.
SPIDER_MIDDLEWARES = {"crawler.canonical.CanonicalRequestMiddleware": 570, "crawler.traps.TrapMiddleware": 560}
# List pages reached from list pages in a row (one column's pager, its sub-columns' pagers): a
# column of annual reports runs to tens of pages; hundreds in a row is a `?page=N+1` generator.
GOV_REPORTS_LIST_MAX_CHAIN = 200
# Times one path segment may occur in a URL (…/a/b/a/b/… from relative links that loop).
GOV_REPORTS_PATH_MAX_REPEATS = 3
# Distinct URLs of one shape (host, path with its digits masked, query keys) followed per source:
# one template's articles run to hundreds; beyond this its links are new on every render.
GOV_REPORTS_SHAPE_MAX_URLS = 2000

# What each fetch was (crawler/fetch_kinds.py), in fetches.kind: ok, soft_404, challenge,
# login_wall, truncated, redirected_to_home, over_limit, redirect, http_error. Pages that only
# redirect (meta refresh, script location) are followed as redirects; none of the not-a-document
# kinds becomes a report (the spider middleware archives them as pages and records report_events).
# On the wire (redirect hops, bodies cut short, gzip bombs) just inside the fetch log; the kind
# itself below redirects (600) and decompression (590), so that a gzipped 404 template is read as
# text, and above Scrapy's meta refresh (580).
DOWNLOADER_MIDDLEWARES = {**DOWNLOADER_MIDDLEWARES, "crawler.fetch_kinds.WireCheckMiddleware": 865,
                          "crawler.fetch_kinds.FetchKindMiddleware": 585,
                          # Answers meet the higher number first: each text response takes the
                          # archive's decoding before the fetch kind and Scrapy's meta refresh (580)
                          # read it (crawler/page_reading.py).
                          "crawler.page_reading.ArchiveDecodingMiddleware": 590}
SPIDER_MIDDLEWARES = {**SPIDER_MIDDLEWARES, "crawler.fetch_kinds.NotTheDocumentMiddleware": 580}
