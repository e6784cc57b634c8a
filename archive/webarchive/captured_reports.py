"""Which captures brought in from another tool's WARC are reports: the project's own decisions,
applied to each new snapshot as the crawl applies them to a fetched page.

- an HTML page: `crawler.discovery.is_report_page` (the crawler's rule: a report title, and a body
  that reads like a report or links an attachment holding it), on the page's links to its own host;
  a pure lxml module, no Scrapy;
- a document (PDF, Word, Excel…) reached by no report link: a report when its own parsed title
  names one (`archive.classify.is_named_report`), as the pipeline decides for listed documents.
No crawl found these captures, so no link text vouches for them and no flipbook is assembled.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from parsel import Selector

from archive.classify import is_named_report, is_report_page, year_in_title
from archive.decoding import decode_body
from archive.links import page_links
from archive.parsed_reports import parse_stored_report
from archive.parsing import parse_report
from archive.publish.replay import is_html
from archive.sources import host_in_scope
from archive.store import Archive, Snapshot, utc_now


def page_report_title(body: bytes, url: str, content_type: str | None) -> str | None:
    """The report title of an archived HTML page the crawler would take for a report, else None."""
    root = Selector(text=decode_body(body, content_type).text, base_url=url).root
    host = urlsplit(url).hostname or ""
    links = [link for link in page_links(root, url) if host_in_scope(link.url, (host,))]
    is_report, title = is_report_page(root, [link.url for link in links])
    return title if is_report else None


def record_captured_reports(archive: Archive, crawl_id: int) -> int:
    """Classify and parse every successful snapshot the import `crawl_id` added; reports recorded."""
    found = 0
    for snapshot in archive.iter_crawl_snapshots(crawl_id):
        if snapshot["status"] != 200 or archive.report_id_of_snapshot(snapshot["id"]) is not None:
            continue
        body = archive.snapshot_body(snapshot["id"])
        own = Snapshot(snapshot["id"], snapshot["url"], snapshot["sha256"], is_new=False)
        if is_html(snapshot["content_type"], body):
            title = page_report_title(body, snapshot["url"], snapshot["content_type"])
            if title is None:
                continue
            report_id = archive.record_report(snapshot=own, source=snapshot["source"], kind="page",
                                              title=title, year=year_in_title(title))
            archive.commit()
            parse_stored_report(archive, report_id, utc_now())
        else:
            parsed = parse_report(body, url=snapshot["url"], content_type=snapshot["content_type"])
            if not is_named_report(parsed.title):
                continue
            report_id = archive.record_report(snapshot=own, source=snapshot["source"], kind="attachment",
                                              title=parsed.title, year=parsed.year)
            archive.commit()
            archive.store_parsed(report_id, parsed, utc_now())
        found += 1
    return found
