"""The gov_reports spider's decisions run in-process against generated portals: no sockets, no reactor.

The spider's own callbacks get each page as a Scrapy response built from what the portal would
serve (demo_portal's PortalServer answers without being started); requests are queued by priority
(highest first, first-in first-out among equals, as Scrapy's scheduler), filtered for duplicates
and scope as Scrapy's middlewares would, and charged to the spider's frontier when popped (the
BudgetScheduler's rule); when the queue runs dry the parked links are released (spider_idle).
Robots.txt, redirects, retries and the archive are left out: the generated sites need none.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.request import fingerprint
from scrapy.utils.test import get_crawler
from scrapy.utils.url import url_is_from_any_domain

from crawler.items import ArchivedBook, ArchivedPage, ItemRole
from crawler.spiders.gov_reports import GovReportsSpider
from demo_portal.server import PortalServer
from tests.support.generated_portal import GeneratedPortal

RECORDED = (ItemRole.REPORT, ItemRole.ATTACHMENT)


@dataclass
class SimulatedCrawl:
    fetched: list[str] = field(default_factory=list)  # URLs downloaded, in order
    scores: list[int] = field(default_factory=list)  # the score of each, as scheduled
    recorded: set[str] = field(default_factory=set)  # URLs the spider recorded as reports
    documents: set[str] = field(default_factory=set)  # documents left to the pipeline's own title check
    spider: GovReportsSpider | None = None

    def figures(self) -> dict:
        return self.spider.frontier.figures()


def simulate(portal: GeneratedPortal, settings: dict | None = None, max_fetches: int = 20_000) -> SimulatedCrawl:
    crawler = _crawler(tuple(sorted((settings or {}).items())))
    spider = GovReportsSpider.from_crawler(crawler, start_url=portal.start_url)
    servers = {host: PortalServer(site) for host, site in portal.sites.items()}
    result = SimulatedCrawl(spider=spider)
    queue: list = []
    order = itertools.count()
    seen: set[bytes] = set()

    def push(request: scrapy.Request) -> None:
        if not request.dont_filter:
            key = fingerprint(request)
            if key in seen:
                return
            seen.add(key)
        if not request.meta.get("allow_offsite") and not url_is_from_any_domain(request.url, spider.allowed_domains):
            return
        heapq.heappush(queue, (-request.priority, next(order), request))

    def run(outputs) -> None:
        for output in outputs or ():
            if isinstance(output, scrapy.Request):
                push(output)
            elif isinstance(output, ArchivedPage):
                if output.role in RECORDED:
                    result.recorded.add(output.url)
                elif output.role == ItemRole.DOCUMENT:
                    result.documents.add(output.url)
            elif isinstance(output, ArchivedBook):
                result.recorded.add(output.url)

    async def starts():
        return [request async for request in spider.start()]

    for request in asyncio.run(starts()):
        push(request)
    while len(result.fetched) < max_fetches:
        if not queue:
            released = spider.frontier.release(crawler.settings.getint("CONCURRENT_REQUESTS"))
            if not released:
                break
            for request in released:
                push(request)
            continue
        *_, request = heapq.heappop(queue)
        if not spider.frontier.admit(request.meta):
            continue
        result.fetched.append(request.url)
        result.scores.append(request.priority)
        response = _respond(servers, request)
        if response is not None:
            run((request.callback or spider.parse_page)(response))
    spider.closed("finished")
    return result


@cache
def _crawler(settings: tuple[tuple[str, object], ...]):
    """One test crawler per settings (making one costs more than simulating a portal); each portal
    gets a spider of its own, so its frontier starts empty."""
    return get_crawler(GovReportsSpider, settings_dict={"SPIDER_MODULES": ["crawler.spiders"], **dict(settings)})


def _respond(servers: dict[str, PortalServer], request: scrapy.Request):
    """The response the portal serves for a request (None for an error status: the errback only logs)."""
    parts = urlsplit(request.url)
    server = servers.get(parts.hostname or "")
    if server is None:
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    form = request.body.decode("latin-1") if request.method == "POST" else ""
    status, headers, body = server._response(request.method, target, {}, form)
    if status != 200:
        return None
    headers = Headers(headers)
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return cls(url=request.url, status=status, headers=headers, body=body, request=request)
