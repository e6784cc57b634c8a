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



# Cell texts that need the csv module's quoting, and values SQLite and Python render differently.
_TEXTS = ("", "0", "12", "1,234", 'a"b', "x\ny", "\r", " ", "万元", "-3", "7.185", "复议,诉讼")
_VALUES = (None, 0, 12, -3, 2 ** 53, 7.185, 0.1 + 0.2, 1e16, -0.5, "a,b", "", "text")
_NAMES = ("active", "requests", "a,b", 'q"', "新收", "", None)


def _cells():
    from hypothesis import strategies as st

    text = st.one_of(st.none(), st.sampled_from(_TEXTS))
    cell = st.tuples(st.integers(1, 4), st.sampled_from(_NAMES), st.sampled_from(_NAMES), st.sampled_from(_NAMES),
                     text, st.sampled_from(_VALUES), text, st.sampled_from(_NAMES), st.sampled_from(_NAMES))
    return st.lists(cell, max_size=40)


def _export_lines(conn: sqlite3.Connection, args: list[tuple[str, str]], cells: int) -> str:
    """The export's text, in chunks of at least `cells` lines of whole reports."""
    where, params = csv_stream._cell_rows_where("report_cells", args, {})
    chunks = list(csv_stream.CellLines(conn).chunks(where, params, cells))
    assert all(count >= cells for _, count in chunks[:-1]) and chunks[-1][1] < cells
    assert [text.count("\r\n") for text, _ in chunks] == [count for _, count in chunks]
    return "".join(text for text, _ in chunks)


def test_cell_lines_are_what_the_csv_module_writes_for_the_view():
    """report_cells' lines written from the compact rows equal the view's rows, in the export's order,
    written by the csv module."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from archive.store import COMPACT_SCHEMA, CompactRows

    @settings(max_examples=150, deadline=None)
    @given(_cells(), st.booleans())
    def check(cells, through_store):
        conn = sqlite3.connect(":memory:")
        conn.executescript(COMPACT_SCHEMA)
        if through_store:  # blanks left to the reports' layouts
            first = {}
            for cell in cells:
                first.setdefault(cell[:4], cell)
            CompactRows(conn).write_cells(first.values())
        else:  # every cell a stored row
            conn.executemany("insert or ignore into report_cells values (?, ?, ?, ?, ?, ?, ?, ?, ?)", cells)
        for args, where in (([], ""), ([("report_id__lt", "3")], " where report_id < 3")):
            expected = io.StringIO()
            csv.writer(expected).writerows(conn.execute(
                f"select * from report_cells{where} order by report_id, table_key, row_key, col_key"))
            for cells in (1, 3, 1000):
                assert _export_lines(conn, args, cells) == expected.getvalue()
        conn.close()

    check()


def test_cell_lines_are_only_for_the_plain_export():
    assert csv_stream._cell_rows_where("report_checks", [], {}) is None
    assert csv_stream._cell_rows_where("report_cells", [("status", "ok")], {}) is None
    assert csv_stream._cell_rows_where("report_cells", [("_sort", "value")], {}) is None
    assert csv_stream._cell_rows_where("report_cells", [], {"sort": "value"}) is None
    assert csv_stream._cell_rows_where("report_cells", [("report_id__gte", "2"), ("_size", "max")], {}) == (
        ' where "report_id" >= :p0', {"p0": 2})
