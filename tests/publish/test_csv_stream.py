"""The one-query CSV export of the cell and check tables writes exactly what Datasette's page-by-page
stream writes (asked for with `_labels=off`, which this export leaves to Datasette)."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from archive.publish.explorer import csv_stream

EXPORTS = [
    "report_cells.csv?_stream=on&_size=max",
    "report_cells.csv?_stream=on&_size=max&report_id__lt={mid}",
    "report_cells.csv?_stream=on&_size=max&status__not=ok&_header=off",
    "report_cells.csv?_stream=on&_size=max&_dl=1",
    "report_checks.csv?_stream=on&_size=max&result=fail",
    "report_checks.csv?_stream=on&_size=max",
]


@pytest.mark.parametrize("export", EXPORTS)
def test_streamed_export_equals_datasettes(client, client_with, fixture_archive, export):
    chunked = client_with(settings={"max_returned_rows": 7})  # several chunks, and a last partial one
    mid = sorted(fixture_archive.ids.values())[len(fixture_archive.ids) // 2]
    path = "/gov/" + export.format(mid=mid)
    # Datasette's own stream (`_labels` makes it Datasette's) in pages of the default size: over a
    # view it pages by OFFSET, so 7-row pages would cost it a quadratic time.
    ours, theirs = chunked.get(path), client.get(path + "&_labels=off")
    assert ours.status_code == theirs.status_code == 200
    assert ours.headers["content-type"] == theirs.headers["content-type"]
    assert ours.headers.get("content-disposition") == theirs.headers.get("content-disposition")
    # The tables are views over the compact rows (no key of their own): Datasette pages them in
    # whatever order SQLite gives, this export in key order. Same rows, same header.
    mine, datasettes = list(csv.reader(io.StringIO(ours.text))), list(csv.reader(io.StringIO(theirs.text)))
    assert sorted(mine) == sorted(datasettes)
    if "_header=off" not in export:
        assert mine[0] == datasettes[0]
        mine = mine[1:]
    keys = csv_stream.STREAMED[export.split(".csv")[0]]
    columns = datasettes[0] if "_header=off" not in export else None
    if columns:
        where = [columns.index(key) for key in keys]
        assert mine == sorted(mine, key=lambda row: [int(row[i]) if i == where[0] else row[i] for i in where])
    assert ours.text.count("\n") > 7


# Datasette's stream of a sorted table loses rows where the sort column mixes types and blanks (its
# keyset condition on `value`): compared with the rows of the same query in SQLite instead.
SORTED = {
    "report_cells.csv?_stream=on&_size=max&table_key=requests&_sort_desc=value":
        "select * from report_cells where table_key = 'requests' "
        "order by value desc, report_id, table_key, row_key, col_key",
    "report_cells.csv?_stream=on&_size=max&status__not=ok&_sort=col_key&_header=off":
        "select * from report_cells where status != 'ok' order by col_key, report_id, table_key, row_key",
}


@pytest.mark.parametrize("export", SORTED)
def test_sorted_export_has_every_row_in_order(client_with, fixture_archive, export):
    client = client_with(settings={"max_returned_rows": 7})
    connection = sqlite3.connect(fixture_archive.path)
    cursor = connection.execute(SORTED[export])
    expected = io.StringIO()
    writer = csv.writer(expected)
    if "_header=off" not in export:
        writer.writerow([column[0] for column in cursor.description])
    writer.writerows(cursor)
    connection.close()
    assert client.get("/gov/" + export).text == expected.getvalue()
    assert expected.getvalue().count("\n") > 7


def test_streamed_export_of_an_unknown_column_is_an_error(client):
    response = client.get("/gov/report_cells.csv?_stream=on&_sort=nonesuch")
    assert (response.status_code, response.text) == (400, "Cannot sort table by nonesuch")


def test_other_exports_are_left_to_datasette(client):
    assert csv_stream._target({"type": "http", "path": "/gov/reports.csv", "query_string": b"_stream=on"},
                              ["gov"]) is None
    assert csv_stream._target({"type": "http", "path": "/gov/report_cells.csv", "query_string": b"_col=value"},
                              ["gov"]) is None
    assert csv_stream._target({"type": "http", "path": "/gov/report_cells.csv",
                               "query_string": b"_stream=1&_labels=on"}, ["gov"]) is None
    assert csv_stream._target({"type": "http", "path": "/gov/report_cells.csv",
                               "query_string": b"_stream=1&value__gt=3"}, ["gov"]) == (
        "gov", "report_cells", [("_stream", "1"), ("value__gt", "3")])

