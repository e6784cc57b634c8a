"""Which captures brought in from another tool's WARC are reports: the project's own decision
(archive.classify on the parsed document's title and text), applied to each new snapshot.

No crawl found these pages, so no link text or column vouches for them: a capture is a report when
the title the parser reads names one (a year or an agency), and an HTML page also when its text
reads like a report (the body markers the crawler asks of report pages).
"""

from __future__ import annotations

from archive.classify import body_looks_like_report, is_named_report
from archive.parsed_reports import store_parsed
from archive.parsing import parse_report
from archive.parsing.model import ParsedReport
from archive.publish.replay import is_html
from archive.store import Archive, Snapshot, utc_now


def report_reading(body: bytes, url: str, content_type: str | None) -> tuple[str, ParsedReport] | None:
    """(kind, parse) when the capture is a report (kind `page` or `attachment`), else None."""
    parsed = parse_report(body, url=url, content_type=content_type)
    if not is_named_report(parsed.title):
        return None
    if is_html(content_type, body):
        return ("page", parsed) if body_looks_like_report(parsed.text) else None
    return "attachment", parsed


def record_captured_reports(archive: Archive, crawl_id: int) -> int:
    """Classify and parse every successful snapshot the import `crawl_id` added; reports recorded."""
    found = 0
    for snapshot in archive.iter_crawl_snapshots(crawl_id):
        if snapshot["status"] != 200 or archive.report_id_of_snapshot(snapshot["id"]) is not None:
            continue
        reading = report_reading(archive.snapshot_body(snapshot["id"]), snapshot["url"], snapshot["content_type"])
        if reading is None:
            continue
        kind, parsed = reading
        report_id = archive.record_report(
            snapshot=Snapshot(snapshot["id"], snapshot["url"], snapshot["sha256"], is_new=False),
            source=snapshot["source"], kind=kind, title=parsed.title, year=parsed.year)
        archive.commit()
        store_parsed(archive.db, report_id, parsed, utc_now())
        found += 1
    return found
