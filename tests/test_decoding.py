"""Decoding archived bytes: BOMs, declared and undeclared GB encodings, contradicting declarations."""

import pytest

from archive.decoding import decode_body

TEXT = "政府信息公开工作年度报告"


@pytest.mark.parametrize("body, content_type, encoding", [
    (TEXT.encode("utf-8"), None, "utf-8"),
    (TEXT.encode("gbk"), None, "gb18030"),  # undeclared GBK
    (TEXT.encode("gb2312"), "text/html; charset=gb2312", "gb18030"),
    (f"<meta charset=gbk>{TEXT}".encode("gbk"), "text/html; charset=utf-8", "gb18030"),  # header lies
    (f"<meta charset=gbk>{TEXT}".encode("utf-8"), "text/html; charset=utf-8", "utf-8"),  # meta lies
    (f"<meta http-equiv='Content-Type' content='text/html; charset=GB2312'>{TEXT}".encode("gb18030"),
     "text/html", "gb18030"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "text/html; charset=gbk", "utf-8"),  # BOM wins
    (b"\xff\xfe" + TEXT.encode("utf-16-le"), None, "utf-16-le"),
])
def test_decoded_text_and_encoding(body, content_type, encoding):
    decoded = decode_body(body, content_type)
    assert decoded.encoding == encoding
    assert TEXT in decoded.text


def test_bytes_that_fit_nothing_decode_with_replacement():
    body = b"\xff\xfe\xfd" * 3 + TEXT.encode("utf-8")[:-1]
    decoded = decode_body(b"x" + body, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8"
    assert "\ufffd" in decoded.text


@pytest.mark.parametrize("body, encoding", [
    (b"<html><head><meta", "utf-8"),
    (b"&nbsp;2020?\x82\xe9<meta", "gb18030"),
    (f"<html>{TEXT}<meta".encode("gbk"), "gb18030"),
])
def test_a_body_cut_off_at_its_meta_tag_decodes(body, encoding):
    # w3lib 2.6 reads <meta> declarations with frostwork 0.2, whose Rust prescan panics (a
    # BaseException, past every `except Exception`) on a body ending in "<meta": the body is sniffed.
    decoded = decode_body(body, "text/html")
    assert (decoded.text, decoded.encoding) == (body.decode(encoding), encoding)
