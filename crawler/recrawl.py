"""Cheap re-crawls: revalidate what the archive already holds instead of downloading it again.

For a URL with an archived snapshot, the request carries the validators (ETag, Last-Modified) that
came with that snapshot's bytes. A 304 answer is replaced by the archived body, so the spider reads
the page as usual (its links, its attachments) while the network carried no body and the archive
gains no snapshot. A server without conditional support answers 200 and the pipeline's sha256
comparison adds no snapshot for unchanged bytes: one request either way. With
RECRAWL_FRESH_DAYS > 0, a snapshot younger than that is served from the archive with no request.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from crawler.archiving import ArchiveExtension
from crawler.monitors import FRESH_STAT


logger = logging.getLogger(__name__)

ARCHIVED_FLAG = "archived"
_TRANSPORT_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


class ConditionalRequestMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.fresh_days = crawler.settings.getfloat("RECRAWL_FRESH_DAYS", 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> Response | None:
        if request.method != "GET" or request.meta.get("dont_revalidate"):
            return None
        latest = ArchiveExtension.of(self.crawler).open().validators(request.url)
        if latest is None:
            return None
        request.meta["archived_snapshot_id"] = latest.snapshot_id
        if self._fresh(latest.fetched_at):
            self.crawler.stats.inc_value(FRESH_STAT)  # a success for the crawl's monitors
            return self._archived_response(request, latest.snapshot_id)
        if latest.etag:
            request.headers.setdefault("If-None-Match", latest.etag)
        if latest.last_modified:
            request.headers.setdefault("If-Modified-Since", latest.last_modified)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        snapshot_id = request.meta.get("archived_snapshot_id")
        if response.status == 304 and snapshot_id is not None:
            self.crawler.stats.inc_value("recrawl/not_modified")
            return self._archived_response(request, snapshot_id)
        return response

    def _fresh(self, fetched_at: str) -> bool:
        if self.fresh_days <= 0:
            return False
        fetched = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
        return datetime.now(timezone.utc) - fetched < timedelta(days=self.fresh_days)

    def _archived_response(self, request: Request, snapshot_id: int) -> Response:
        snapshot = ArchiveExtension.of(self.crawler).open().snapshot(snapshot_id)
        # The archived body is already decoded: no Content-Encoding may reach HttpCompression.
        headers = Headers({name: value for name, value in snapshot.headers.items()
                           if name.lower() not in _TRANSPORT_HEADERS})
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=snapshot.body)
        return response_class(url=request.url, status=snapshot.status or 200, headers=headers,
                              body=snapshot.body, flags=[ARCHIVED_FLAG], request=request)
