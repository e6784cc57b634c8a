"""A canned query's HTML page shows its first rows; its JSON every row."""

from __future__ import annotations

import re


def test_canned_query_page_previews_its_first_rows(client_with):
    client = client_with(settings={"default_page_size": 1})  # a page of a table or canned query: one row
    every = client.get("/gov/late_reports.json?_shape=array").json()
    assert len(every) > 1
    page = client.get("/gov/late_reports")
    assert page.text.count("<tr>") - 1 == 1  # the header row and one row
    assert "This page shows the first 1 rows" in page.text
    assert [r["报告编号"] for r in every[:1]] == [int(i) for i in re.findall(r"/-/report/(\d+)\">\d+</a>", page.text)]
