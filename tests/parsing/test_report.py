"""parse_report: document kinds, status vocabulary, assembly, and that it never raises."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archive.parsing
from archive.formats import document_kind
from archive.parsing import parse_report
from archive.parsing.model import ParsedReport
from archive.parsing.report import report_format

from tests.parsing import seed_cells
from tests.support.fixture_files import corpus_paths, fixture_path

FAMILIES = ("I1", "I2", "I3", "review_litigation_totals")


def result(cells=(), formats=None, notes=(), found=(), problems=()) -> SimpleNamespace:
    return SimpleNamespace(cells=list(cells), table_formats=dict(formats or {}), notes=list(notes),
                           found=list(found), problems=list(problems))


class StubTables:
    """Stands in for archive.parsing.tables (written in parallel); records which path was used."""

    def __init__(self, html=None, text=None) -> None:
        self.html, self.text, self.calls = html or result(), text or result(), []

    def extract_tables_from_html(self, root):
        self.calls.append(("html", root.tag))
        return self.html

    def extract_tables_from_text(self, text):
        self.calls.append(("text", len(text)))
        return self.text


@pytest.fixture
def stub(monkeypatch):
    def install(**kwargs) -> StubTables:
        tables = StubTables(**kwargs)
        monkeypatch.setitem(sys.modules, "archive.parsing.tables", tables)
        monkeypatch.setattr(archive.parsing, "tables", tables, raising=False)
        return tables
    return install


def families(parsed: ParsedReport) -> dict[str, str]:
    return {c.identity: c.result for c in parsed.checks if c.identity in FAMILIES}


def seed_body(seed: str) -> bytes:
    return fixture_path(f"{seed_cells.SEEDS[seed]}.txt").read_bytes()


def test_seed_000_assembled(stub) -> None:
    tables = stub(text=result(seed_cells.seed_cells("000"), {"active": "2019", "requests": "2019",
                                                             "review_litigation": "2019"},
                              found=["active", "requests", "review_litigation"]))
    parsed = parse_report(seed_body("000"), content_type="text/plain; charset=utf-8")
    expected = seed_cells.expected("000")
    assert tables.calls == [("text", len(seed_body("000").decode("utf-8")))]
    assert (parsed.year, parsed.format, parsed.parse_status) == (2020, expected["report"]["format"], "ok")
    assert families(parsed) == expected["checks"]
    assert list(parsed.sections) == ["一", "二", "三", "四", "五"]
    assert parsed.text.startswith("一、总体情况\n(一)新《条例》宣传贯彻落实情况")
    assert "(guī)" not in parsed.text


def test_seed_003_assembled(stub) -> None:
    cells = [c for c in seed_cells.seed_cells("003")]
    stub(text=result(cells, {"active": "2019", "requests": "2019"}, notes=["(注:…2018年度的数据)"],
                     found=["active", "requests"]))
    parsed = parse_report(seed_body("003"))
    expected = seed_cells.expected("003")
    assert families(parsed) == {**expected["checks"], "I3": "pass"}
    report = expected["report"]
    assert (parsed.year, parsed.format, parsed.agency, parsed.index_no) == (
        report["year"], report["format"], report["agency"], report["index_no"])
    assert (parsed.metadata["written"], parsed.metadata["publisher"]) == (report["written"], report["publisher"])
    assert (parsed.region, parsed.published, parsed.parse_status) == ("衢州市", "2020-01-31", "ok")
    assert parsed.notes == ["(注:…2018年度的数据)"]


def test_real_table_extractor_on_seeds() -> None:
    tables = pytest.importorskip("archive.parsing.tables")
    assert hasattr(tables, "extract_tables_from_text")
    for seed in ("000", "003"):
        parsed = parse_report(seed_body(seed))
        expected = seed_cells.expected(seed)
        assert {f: families(parsed)[f] for f in expected["checks"]} == expected["checks"]
        assert (parsed.year, parsed.format) == (expected["report"]["year"], expected["report"]["format"])


def test_html_uses_the_tree_then_falls_back_to_text_tables(stub) -> None:
    html = ("<html><body><p>某县2020年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p>"
            "<p>第二十条第(一)项 |</p><p>规章 | 0 | 0 | 0 |</p></body></html>").encode()
    cell = seed_cells.seed_cells("000")[0]
    tables = stub(text=result([cell], {"active": "2019"}, found=["active"]))
    parsed = parse_report(html, content_type="text/html")
    assert [kind for kind, _ in tables.calls] == ["html", "text"]
    assert parsed.cells == [cell]
    assert parsed.parse_status == "partial:requests_missing+review_litigation_missing"
    assert parsed.title == "某县2020年政府信息公开工作年度报告"


def test_html_table_cells_are_serialized_for_the_text_path(stub) -> None:
    html = "<table><tr><td>索引号:</td><td>ABC/2021-1</td></tr></table><p>一、总体情况</p>".encode("gb18030")
    stub()
    parsed = parse_report(html, content_type="text/html; charset=gbk")
    assert parsed.index_no == "ABC/2021-1"
    assert parsed.text == "索引号: | ABC/2021-1 |\n一、总体情况"


@pytest.mark.parametrize(("name", "status"), [
    ("corpus_008.txt", "not_a_report"), ("corpus_006.txt", "no_tables"), ("corpus_015.txt", "unknown_layout")])
def test_status_without_tables(stub, name: str, status: str) -> None:
    stub()
    assert parse_report(fixture_path(name).read_bytes()).parse_status == status


def test_header_only_review_table_is_empty_not_missing(stub) -> None:
    stub(text=result(seed_cells.seed_cells("003"), {"active": "2019", "requests": "2019"},
                     found=["active", "requests"], problems=["review_litigation: data row has 3 values"]))
    parsed = parse_report(seed_body("003"))
    assert parsed.parse_status == "partial:review_litigation_missing"  # the extractor saw a broken row
    assert "review_litigation_totals" not in families(parsed)
    assert parsed.notes == ["problem: review_litigation: data row has 3 values"]


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b"%PDF-1.7\n%\xe2\xe3", None, "broken_document:pdf"),  # a PDF cut after its header
    (b"PK\x03\x04\x14\x00", None, "unsupported_document:office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1", None, "unsupported_document:word"),
    (b"anything", "application/msword", "unsupported_document:word"),
    (b"\x89PNG\r\n", None, "unsupported_document:image"),
    (b"", None, "empty_document"),
    (b"   \n\t ", "text/html", "empty_document"),
    (b"<html><head><script>var a=1;</script></head><body>  </body></html>", None, "empty_document"),
])
def test_document_kinds(stub, body: bytes, content_type: str | None, status: str) -> None:
    stub()
    assert parse_report(body, content_type=content_type, title_hint="hint").parse_status == status


def test_document_kind_sniffing() -> None:
    assert document_kind(b"<!DOCTYPE html><p>x", None) == "html"
    assert document_kind(b"plain | text", None) == "text"
    assert document_kind(b"<p>x</p>", "text/plain") == "text"
    assert document_kind(b"%PDF-1.4", "text/html") == "pdf"  # the bytes win over a wrong header


def test_report_format() -> None:
    assert report_format({"active": "2021", "requests": "2019", "review_litigation": "unknown"}) == "2019+2021"
    assert report_format({"review_litigation": "unknown"}) == "unknown"


def test_exception_becomes_error_status(stub) -> None:
    tables = stub()
    tables.extract_tables_from_text = lambda text: 1 / 0
    parsed = parse_report(b"some text", title_hint="t")
    assert (parsed.parse_status, parsed.notes, parsed.title) == ("error:ZeroDivisionError", ["division by zero"], "t")


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HTMLISH = st.lists(st.sampled_from(["<p>", "</p>", "<td>", "</tr>", "<table", ">", "<!--", "-->", "<?xml ?>",
                                    "<br/>", "一、总体情况", "索引号:", " | ", "2020年", "\x00", "&nbsp;",
                                    "<script>", "政府信息公开工作年度报告", "\n", "統計期限自2019年"])
                   | st.text(max_size=20)).map("".join)


@SETTINGS
@given(body=st.binary(max_size=2000), content_type=st.sampled_from([None, "text/html", "text/plain", "text/html; charset=gbk"]))
def test_never_raises_on_bytes(stub, body: bytes, content_type: str | None) -> None:
    stub()
    parsed = parse_report(body, content_type=content_type)
    assert not parsed.parse_status.startswith("error:"), parsed.notes


@SETTINGS
@given(text=HTMLISH)
def test_never_raises_on_htmlish(stub, text: str) -> None:
    stub()
    for body in (text.encode("utf-8"), text.encode("gb18030", errors="replace")):
        parsed = parse_report(body, content_type="text/html")
        assert not parsed.parse_status.startswith("error:"), parsed.notes


def test_truncated_and_wrongly_encoded_real_page(stub) -> None:
    stub()
    page = fixture_path("corpus_021.html").read_bytes()
    for cut in (1, 100, 1001, 5000, 20001, len(page) - 7):
        parsed = parse_report(page[:cut], content_type="text/html")
        assert not parsed.parse_status.startswith("error:"), (cut, parsed.notes)
    as_gbk = page.decode("utf-8").encode("gb18030")
    parsed = parse_report(as_gbk, content_type="text/html; charset=utf-8")  # a lying header
    assert not parsed.parse_status.startswith("error:")
    sniffed = parse_report(as_gbk)
    assert sniffed.title == "2019年上海市人民政府办公厅政府信息公开工作年度报告"


def test_huge_page(stub) -> None:
    stub()
    page = fixture_path("corpus_021.html").read_bytes()
    body = b"<html><body>" + page * (3_000_000 // len(page)) + b"</body></html>"
    parsed = parse_report(body, content_type="text/html")
    assert parsed.parse_status == "no_tables" or not parsed.parse_status.startswith("error:")
    assert parsed.title == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert parsed.year == 2019


def test_real_pipeline_never_raises_on_corpus() -> None:
    for path in corpus_paths():
        if path.suffix in (".txt", ".html"):
            parsed = parse_report(path.read_bytes())
            assert not parsed.parse_status.startswith("error:"), (path.name, parsed.notes)
            assert parsed.to_json_dict()["parse_status"] == parsed.parse_status
