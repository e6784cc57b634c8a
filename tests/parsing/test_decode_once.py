"""Decode once: given the encoding the archive recorded at fetch time, the parser decodes with it
instead of detecting again, and gets the very text detection would have given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.decoding import decode_body
from archive.parsing import parse_report
from tests.support.fixture_files import fixture_path

TITLE = "2019年上海市人民政府办公厅政府信息公开工作年度报告"
PIECES = st.sampled_from(["一、总体情况", "<p>", "</p>", "<td>", "</tr>", TITLE, "索引号:", "2020年", "|", "&nbsp;",
                          "統計", "\n", "\r\n", "€", "é", "<meta charset=gbk>", "<meta charset=utf-8>"])
BOMS = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


@st.composite
def fetched_bodies(draw) -> tuple[bytes, str | None]:
    """A page in some encoding, with or without a BOM, declared rightly, wrongly or not at all."""
    text = "".join(draw(st.lists(PIECES | st.text(max_size=8), max_size=30)))
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "gbk", "big5", "utf-16-le", "utf-16-be", "latin-1"]))
    body = text.encode(encoding, errors="replace")
    if encoding in BOMS and draw(st.booleans()):
        body = BOMS[encoding] + body
    if draw(st.booleans()):
        body = body[:draw(st.integers(min_value=0, max_value=len(body)))]  # a truncated fetch
    declared = draw(st.sampled_from([None, "utf-8", "gbk", "gb2312", encoding]))
    content_type = draw(st.sampled_from(["text/html", "text/plain"]))
    return body, f"{content_type}; charset={declared}" if declared else draw(st.sampled_from([None, content_type]))


@settings(max_examples=400, deadline=None)
@given(fetched=fetched_bodies())
def test_recorded_encoding_gives_the_detected_text(fetched: tuple[bytes, str | None]) -> None:
    body, content_type = fetched
    detected = decode_body(body, content_type)
    assert decode_body(body, content_type, encoding=detected.encoding) == detected


@settings(max_examples=150, deadline=None)
@given(fetched=fetched_bodies())
def test_parse_report_with_the_recorded_encoding_parses_the_same(fetched: tuple[bytes, str | None]) -> None:
    body, content_type = fetched
    recorded = decode_body(body, content_type).encoding
    assert parse_report(body, content_type=content_type, encoding=recorded) == parse_report(body, content_type=content_type)


def test_the_recorded_encoding_is_used_not_detected() -> None:
    body = TITLE.encode("gb18030")
    assert decode_body(body, "text/plain", encoding="latin-1").text == body.decode("latin-1")
    assert decode_body(body, "text/plain", encoding="utf-8").text == body.decode("utf-8", "replace")
    assert decode_body(body, "text/plain", encoding="no-such-codec").text == TITLE  # unknown name: detect


def test_real_page_parsed_with_its_recorded_encoding() -> None:
    page = fixture_path("corpus_021.html").read_bytes().decode("utf-8").encode("gb18030")
    assert decode_body(page, "text/html; charset=utf-8").encoding == "gb18030"  # the header lies
    parsed = parse_report(page, content_type="text/html; charset=utf-8", encoding="gb18030")
    assert (parsed.title, parsed.year) == (TITLE, 2019)
    wrong = parse_report(page, content_type="text/html; charset=utf-8", encoding="utf-8")
    assert wrong.title != TITLE  # decoded as recorded, even when that is wrong
