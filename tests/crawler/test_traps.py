"""Canonical URLs and trap rules, over generated URLs (crawler/canonical.py, crawler/traps.py)."""

from __future__ import annotations

import random
from datetime import date

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.canonical import SESSION_PARAMS, CanonicalRedirectMiddleware, CanonicalRequestMiddleware, canonical_url
from crawler.items import RequestRole
from crawler.traps import TrapMiddleware, calendar_date_beyond, repeated_segment, url_shape

TODAY = date(2026, 12, 4)


def _url(rng: random.Random) -> tuple[str, str]:
    """A URL with session ids sprinkled in, and the same URL as it should come out."""
    host = rng.choice(["gov.cn", "www.xx.gov.cn", "127.0.0.1:8080", "h.cn:81"])
    segments = [rng.choice(["xxgk", "ndbg", "2023", "中文", "a b"]) for _ in range(rng.randint(0, 3))]
    params = sorted({rng.choice("abcdefg"): str(rng.randint(0, 99)) for _ in range(rng.randint(0, 3))}.items())
    clean = f"http://{host}/" + "/".join(segments + ["index.jsp"])
    dirty = clean + (f";jsessionid={rng.getrandbits(64):x}" if rng.random() < 0.5 else "")
    session = [(rng.choice(sorted(SESSION_PARAMS)).upper() if rng.random() < 0.3 else "phpsessid",
                f"{rng.getrandbits(40):x}")] if rng.random() < 0.5 else []
    mixed = params + session
    rng.shuffle(mixed)
    query = "&".join(f"{k}={v}" for k, v in mixed)
    return dirty + (f"?{query}" if query else "") + ("#top" if rng.random() < 0.3 else ""), \
        clean + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")


def test_canonical_urls_drop_sessions_and_fragments_and_keep_the_port() -> None:
    rng = random.Random(12)
    for _ in range(500):
        dirty, clean = _url(rng)
        assert canonical_url(dirty) == canonical_url(clean), dirty
        assert canonical_url(canonical_url(dirty)) == canonical_url(dirty)
        assert "#" not in canonical_url(dirty) and "jsessionid" not in canonical_url(dirty).lower()
        assert (":8080/" in dirty) == (":8080/" in canonical_url(dirty))


def test_canonical_url_exact_values() -> None:
    assert canonical_url("http://h:8080/a/b.jsp;jsessionid=ABC;v=2?x=1&JSESSIONID=2&a=#f") == "http://h:8080/a/b.jsp;v=2?a=&x=1"
    assert canonical_url("mailto:x@y") == "mailto:x@y"


def test_redirect_targets_are_replaced_only_for_a_session_id() -> None:
    middleware = CanonicalRedirectMiddleware()
    assert middleware.process_request(Request("http://h/a?b=1&a=1#x")) is None  # the seen-set's fingerprint ignores these
    replaced = middleware.process_request(Request("http://h/a;jsessionid=9?a=1", meta={"source": "s"}))
    assert (replaced.url, replaced.meta) == ("http://h/a?a=1", {"source": "s"})


def test_the_spider_middleware_canonicalizes_every_yielded_request() -> None:
    items = [Request("http://h/a?b=1&a=1#x"), {"item": 1}, Request("http://h/a?a=1")]
    out = list(CanonicalRequestMiddleware().process_spider_output(None, items))
    assert [getattr(i, "url", i) for i in out] == ["http://h/a?a=1&b=1", {"item": 1}, "http://h/a?a=1"]


@pytest.mark.parametrize(("url", "trap"), [
    ("http://h/cal?year=2027&month=1", True), ("http://h/cal?ym=2026-12", False), ("http://h/cal?ym=2027-01", True),
    ("http://h/202101/t20210128_1.html", False), ("http://h/info/2031/1.htm", False), ("http://h/x?id=2031", False),
    ("http://h/x/202705/", True), ("http://h/a?fbtime=2026", False), ("http://h/c?date=1989-12", True),
])
def test_calendar_dates_past_this_month(url: str, trap: bool) -> None:
    assert calendar_date_beyond(url, TODAY) is trap


def test_a_calendar_walk_is_cut_at_this_month() -> None:
    walked = [f"http://h/cal?year={2000 + m // 12}&month={m % 12 + 1}" for m in range(12 * 40)]
    followed = [url for url in walked if not calendar_date_beyond(url, TODAY)]
    assert followed == walked[:12 * 26 + 12]


def test_repeated_segments() -> None:
    rng = random.Random(3)
    for _ in range(300):
        segments = [rng.choice("abcdef") for _ in range(rng.randint(0, 12))]
        url = "http://h/" + "/".join(segments)
        assert repeated_segment(url, 3) is (max((segments.count(s) for s in segments), default=0) > 3)


def _response(url: str, **meta) -> HtmlResponse:
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))


def _middleware(**settings) -> TrapMiddleware:
    return TrapMiddleware(get_crawler(settings_dict={"GOV_REPORTS_LIST_MAX_CHAIN": 5, "GOV_REPORTS_PATH_MAX_REPEATS": 3,
                                                     "GOV_REPORTS_SHAPE_MAX_URLS": 10, **settings}))


def test_a_list_chain_stops_at_its_limit() -> None:
    middleware, response, depth = _middleware(), _response("http://h/l?page=1", role=RequestRole.COLUMN), 0
    while True:
        request = Request(f"http://h/l?page={depth + 2}", meta={"role": RequestRole.COLUMN, "source": "s"})
        if list(middleware.process_spider_output(response, [request])) == []:
            break
        depth += 1
        response = _response(request.url, **request.meta)
    assert depth == 5
    assert middleware.crawler.stats.get_value("gov_reports/traps/list_chain") == 1


def test_links_new_on_every_render_meet_the_shape_budget() -> None:
    middleware, response = _middleware(), _response("http://h/r", role=RequestRole.CANDIDATE)
    rng = random.Random(5)
    requests = [Request(f"http://h/r/{rng.getrandbits(48)}.html?r={rng.getrandbits(32)}", meta={"source": "s"})
                for _ in range(50)]
    kept = list(middleware.process_spider_output(response, requests + requests[:3]))
    assert kept == requests[:10] + requests[:3]
    assert url_shape(requests[0].url) == ("h", "/r/#.html", ("r",))


def test_another_port_of_the_host_is_out_of_scope() -> None:
    middleware, response = _middleware(), _response("http://127.0.0.1:8080/a")
    requests = [Request(u) for u in ("http://127.0.0.1:8080/b", "http://127.0.0.1:9090/b", "http://localhost:9090/b",
                                     "http://127.0.0.1:9090/x/files/basic-html/page1.html")]
    assert [r.url for r in middleware.process_spider_output(response, requests)] == [
        "http://127.0.0.1:8080/b", "http://localhost:9090/b", "http://127.0.0.1:9090/x/files/basic-html/page1.html"]
    https = _response("https://h.cn/a")
    assert [r.url for r in middleware.process_spider_output(https, [Request("http://h.cn/b")])] == ["http://h.cn/b"]
