"""A plain search page reads only the index entries it shows; paging through it, or filtering it,
finds every match, the latest first."""

from __future__ import annotations

import pytest

FUYI = ("shanghai_2019", "shanghai_2019_v2", "shanghai_2020", "quzhou_2019", "haian_2020", "hongze_2023",
        "pingtan_2020", "hostile")


def _pages(client, path: str) -> tuple[list[int], list[str]]:
    """Every id of a search listing followed page by page, and the SQL of each page."""
    ids, queries, url = [], [], path
    while url:
        data = client.get(url).json()
        ids += [row["id"] for row in data["rows"]]
        queries.append(data["query"]["sql"])
        url = path + f"&_next={data['next']}" if data.get("next") else None
    return ids, queries


@pytest.mark.parametrize("table", ["reports", "report_overview"])
@pytest.mark.parametrize("size", [1, 3, 50])
def test_paging_a_search_finds_every_match_latest_first(client, fixture_archive, table, size):
    ids, queries = _pages(client, f"/gov/{table}.json?_search=复议&_shape=objects&_size={size}")
    assert ids == sorted((fixture_archive.ids[k] for k in FUYI), reverse=True)
    # The view's later pages are by offset: bounded on its first page only.
    bounded = queries if table == "reports" else queries[:1]
    assert all("limit :cjk_rows" in sql for sql in bounded)


def test_filtered_or_counted_search_reads_every_match(client, fixture_archive):
    ids, queries = _pages(client, "/gov/reports.json?_search=复议&_shape=objects&_size=2&year=2019")
    years = dict(client.get("/gov.json?sql=select id, year from reports&_shape=arrays").json()["rows"])
    assert ids == sorted((fixture_archive.ids[k] for k in FUYI if years[fixture_archive.ids[k]] == 2019),
                         reverse=True)
    assert len(ids) >= 2 and not any("cjk_rows" in sql for sql in queries)
    counted = client.get("/gov/reports.json?_search=复议&_count=1&_shape=objects").json()
    assert counted["filtered_table_rows_count"] == len(FUYI) and "cjk_rows" not in counted["query"]["sql"]
    current = client.get("/gov/current_reports.json?_search=复议&_shape=objects&_size=2").json()
    assert "cjk_rows" not in current["query"]["sql"]
