"""A library that panics on some input (a PyO3 extension's PanicException, a BaseException) fails
that input only: decoding sniffs instead, the parse records error:<class>, the crawl's page reading
reads an empty page. Ctrl-C, exit and cancellation still go through."""

import asyncio

import pytest
from scrapy.http import HtmlResponse

import archive.decoding
import archive.parsing.report
import crawler.page_reading
from archive.decoding import decode_body
from archive.library_failures import is_library_failure
from archive.parsing.report import parse_report
from crawler.page_reading import read_page
from tests.support.fixture_files import fixture_path

TEXT = "政府信息公开工作年度报告"


# What pyo3_runtime.PanicException is: a BaseException, not an Exception, of that module and name.
PanicException = type("PanicException", (BaseException,), {"__module__": "pyo3_runtime"})


class Alarm(BaseException):
    """A caller's own interruption (a benchmark's SIGALRM timeout): not the input's failure."""


def _panics(*_args, **_kwargs):
    raise PanicException("called `Option::unwrap()` on a `None` value")


def _interrupts(*_args, **_kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("error, failure", [
    (PanicException("panic"), True), (type("Sub", (PanicException,), {})("panic"), True),
    (ValueError("bad"), True), (MemoryError(), True),
    (KeyboardInterrupt(), False), (SystemExit(2), False), (GeneratorExit(), False),
    (asyncio.CancelledError(), False), (Alarm(), False),
    (type("PanicException", (BaseException,), {})("not PyO3's"), False),
])
def test_exceptions_and_pyo3_panics_are_library_failures_and_nothing_else(error, failure):
    assert is_library_failure(error) is failure


@pytest.mark.parametrize("reader", ["html_body_declared_encoding", "http_content_type_encoding"])
def test_a_declaration_reader_that_panics_leaves_the_body_to_the_sniff(monkeypatch, caplog, reader):
    monkeypatch.setattr(archive.decoding, reader, _panics)
    decoded = decode_body(f"<meta charset=gbk>{TEXT}".encode("gbk"), "text/html; charset=gbk")
    assert (decoded.text, decoded.encoding) == (f"<meta charset=gbk>{TEXT}", "gb18030")
    assert [r.getMessage() for r in caplog.records] == [
        "Encoding declaration unreadable (PanicException: called `Option::unwrap()` on a `None` value): "
        "the body is decoded by sniffing"]


def test_an_interrupted_declaration_reader_interrupts_the_decoding(monkeypatch):
    monkeypatch.setattr(archive.decoding, "html_body_declared_encoding", _interrupts)
    with pytest.raises(KeyboardInterrupt):
        decode_body(TEXT.encode("utf-8"), "text/html")


def test_a_parse_that_panics_is_a_recorded_error(monkeypatch):
    monkeypatch.setattr(archive.parsing.report, "article_element", _panics)
    parsed = parse_report(fixture_path("corpus_021.html").read_bytes(), content_type="text/html",
                          title_hint="某区2019年政府信息公开工作年度报告")
    assert (parsed.parse_status, parsed.notes, parsed.title, parsed.cells) == (
        "error:PanicException", ["called `Option::unwrap()` on a `None` value"],
        "某区2019年政府信息公开工作年度报告", [])


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, Alarm])
def test_an_interrupted_parse_is_interrupted(monkeypatch, interruption):
    def interrupts(*_args, **_kwargs):
        raise interruption

    monkeypatch.setattr(archive.parsing.report, "article_element", interrupts)
    with pytest.raises(interruption):
        parse_report(fixture_path("corpus_021.html").read_bytes(), content_type="text/html")


def _response(body: bytes) -> HtmlResponse:
    return HtmlResponse("http://127.0.0.1/xxgk/a.html", body=body, headers={"Content-Type": "text/html"})


def test_a_page_its_parser_panics_on_reads_as_an_empty_page(monkeypatch, caplog):
    body = f"<html><head><title>{TEXT}</title></head><body><a href='b.html'>b</a></body></html>".encode()
    monkeypatch.setattr(crawler.page_reading, "Selector", _selector_panicking_on(body.decode()))
    reading = read_page(_response(body), 1000)
    assert (reading.body, reading.text, reading.encoding, reading.whole) == (body, body.decode(), "utf-8", True)
    assert (reading.root.tag, len(reading.root.xpath("//*")), reading.root.xpath("string()")) == ("html", 1, "")
    assert [r.getMessage() for r in caplog.records] == [
        "Page http://127.0.0.1/xxgk/a.html unreadable (PanicException: called `Option::unwrap()` on a "
        "`None` value): archived as fetched, its links not read"]


def test_an_interrupted_page_reading_is_interrupted(monkeypatch):
    monkeypatch.setattr(crawler.page_reading, "Selector", _interrupts)
    with pytest.raises(KeyboardInterrupt):
        read_page(_response(b"<html><body>x</body></html>"), 1000)


def _selector_panicking_on(text: str):
    """parsel's Selector, panicking on `text` only (the empty page it falls back to parses)."""
    real = crawler.page_reading.Selector

    def selector(*args, **kwargs):
        if kwargs.get("text") == text:
            _panics()
        return real(*args, **kwargs)

    return selector


def test_a_text_response_takes_the_archives_decoding_once(monkeypatch):
    # Scrapy's response.text (its meta-refresh middleware reads it) no longer detects the encoding
    # itself: w3lib's prescan is never asked, and the page is decoded once, as the archive decodes it.
    import scrapy.http.response.text

    monkeypatch.setattr(scrapy.http.response.text, "html_body_declared_encoding", _panics)
    decodings = []
    monkeypatch.setattr(crawler.page_reading, "decode_body",
                        lambda *args: decodings.append(args) or decode_body(*args))
    body = f"<html><head><meta charset=gbk><title>{TEXT}</title></head><body>{TEXT}</body></html>".encode("gbk")
    original = HtmlResponse("http://127.0.0.1/xxgk/a.html", body=body, headers={"Content-Type": "text/html"},
                            status=200, flags=["cached"], ip_address=None, protocol="HTTP/1.1")
    answer = crawler.page_reading.ArchiveDecodingMiddleware().process_response(None, original)
    assert (type(answer), answer.url, answer.body, answer.status, answer.flags, answer.protocol,
            answer.headers) == (HtmlResponse, original.url, body, 200, ["cached"], "HTTP/1.1", original.headers)
    assert (answer.encoding, answer.text) == ("gb18030", body.decode("gb18030"))
    assert read_page(answer, 1000).root.xpath("string(//title)") == TEXT
    assert decodings == [(body, "text/html")]


def test_a_response_that_is_not_text_passes_unchanged():
    from scrapy.http import Response

    response = Response("http://127.0.0.1/a.pdf", body=b"%PDF-1.7")
    assert crawler.page_reading.ArchiveDecodingMiddleware().process_response(None, response) is response


def test_a_task_that_fails_outside_the_parse_is_a_recorded_parse_error(tmp_path, monkeypatch):
    import archive.parse_pool
    from archive.parse_pool import ParsePool, ParseTask
    from archive.store import Archive

    archive_db = Archive(tmp_path / "a.db")
    snapshot = archive_db.store_snapshot(url="http://x/a.html", body=fixture_path("corpus_021.html").read_bytes(),
                                         status=200, content_type="text/html; charset=utf-8")
    report_id = archive_db.record_report(snapshot=snapshot, source="s", kind="page", title=None, year=None)
    archive_db.close()
    monkeypatch.setattr(archive.parse_pool, "search_entry", _panics)
    pool = ParsePool(tmp_path / "a.db", jobs=0, search=True)
    pool.submit(ParseTask("report", report_id))
    ((task, outcome),) = list(pool.drain())
    pool.close()
    assert (task, outcome.parsed.parse_status, outcome.parsed.notes, outcome.rows) == (
        ParseTask("report", report_id), "parse_error:PanicException",
        ["called `Option::unwrap()` on a `None` value"], None)
    monkeypatch.setattr(archive.parse_pool, "search_entry", _interrupts)
    pool = ParsePool(tmp_path / "a.db", jobs=0, search=True)
    pool.submit(ParseTask("report", report_id))
    with pytest.raises(KeyboardInterrupt):
        list(pool.drain())
    pool.close()
