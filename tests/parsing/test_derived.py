"""Derived requests cells (format-spec §6.2): sums of printed cells, status `derived`."""

from decimal import Decimal

from archive.parsing.derived import derived_cells
from archive.parsing.model import Cell


def _cell(row, col, value, status="ok"):
    return Cell("requests", row, col, "" if value is None else str(value), value, None, status)


def _derived(cells, fmt="2019"):
    return {(c.row_key, c.col_key): c.value for c in derived_cells(cells, {"requests": fmt})}


def test_group_sums_and_legal_person_column():
    cells = [
        _cell("denied.state_secret", "natural_person", 2), _cell("denied.third_party", "natural_person", 3),
        _cell("denied.state_secret", "commercial", None, "blank"),
        _cell("unable.not_held", "natural_person", 12), _cell("unable.not_held", "commercial", 2),
        *[_cell("new_received", col, n) for col, n in zip(
            ("commercial", "research", "public_interest", "legal_services", "other_org"), (2, 0, 0, 1, 0))],
    ]
    assert _derived(cells) == {
        ("denied", "natural_person"): 5, ("unable", "natural_person"): 12, ("unable", "commercial"): 2,
        ("new_received", "legal_person"): 3,
    }
    assert all(c.status == "derived" and c.raw_text == "" for c in derived_cells(cells, {"requests": "2019"}))


def test_other_is_derived_only_in_2021_reports():
    cells = [_cell("other.no_correction", "total", 1), _cell("other.fee_unpaid", "total", 2),
             _cell("other.other", "total", Decimal(0))]
    assert _derived(cells, "2021") == {("other", "total"): 3}
    assert _derived(cells, "2019") == {}


def test_no_derived_value_over_an_unparsed_or_all_blank_part():
    unparsed = [_cell("denied.state_secret", "total", 1), _cell("denied.third_party", "total", None, "unparsed")]
    blank = [_cell("unable.not_held", "total", None, "blank"), _cell("unable.needs_creation", "total", None, "not_applicable")]
    assert _derived(unparsed) == {}
    assert _derived(blank) == {}
