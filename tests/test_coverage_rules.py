"""Deadlines, expected years, the due schedule, and command-line start URLs matched to the registry."""

from __future__ import annotations

from datetime import date

import pytest

from archive.coverage import deadline, expected_years
from archive.schedule import DuePolicy, due_sources
from archive.sources import load_sources, source_for_start_url, write_sources


@pytest.mark.parametrize(("year", "kind", "due"), [
    (2008, "department", date(2009, 3, 31)),  # 2007 条例: 31 March for everyone
    (2018, "department", date(2019, 3, 31)),
    (2018, "government", date(2019, 3, 31)),
    (2019, "department", date(2020, 1, 31)),  # 2019 条例 第四十九条
    (2019, "government office", date(2020, 1, 31)),
    (2019, "government", date(2020, 3, 31)),
    (2023, "township", date(2024, 3, 31)),
])
def test_deadlines(year, kind, due):
    assert deadline(year, kind) == due


def test_expected_years_run_from_the_first_year_to_the_last_deadline_passed():
    assert expected_years(2019, "department", date(2024, 2, 1)) == [2019, 2020, 2021, 2022, 2023]
    assert expected_years(2019, "government", date(2024, 2, 1)) == [2019, 2020, 2021, 2022]
    assert expected_years(2019, "government", date(2024, 3, 31)) == [2019, 2020, 2021, 2022]
    assert expected_years(2019, "government", date(2024, 4, 1)) == [2019, 2020, 2021, 2022, 2023]
    assert expected_years(None, "government", date(2024, 4, 1)) == []


def test_a_start_url_on_a_registered_portal_is_its_registry_entry():
    source = source_for_start_url("https://www.pingtan.gov.cn/")
    assert (source.name, source.region, source.level, source.list_form, source.start_url) == (
        "平潭综合实验区党工委管委会", "福建省 平潭综合实验区", "city", "trs", "https://www.pingtan.gov.cn/")
    assert source.notes.endswith("; started from a command-line start_url")


def test_a_registry_start_url_is_its_entry_unchanged_and_an_unknown_host_is_ad_hoc():
    entry = next(s for s in load_sources() if s.name == "厦门市湖里区人民政府")
    assert source_for_start_url(entry.start_url) == entry
    assert source_for_start_url("pingtan.gov.cn/zwgk/").name == "平潭综合实验区党工委管委会"  # www. aside
    ad_hoc = source_for_start_url("http://127.0.0.1:8000/")
    assert (ad_hoc.name, ad_hoc.region, ad_hoc.level) == ("127.0.0.1", "", "unknown")


def test_the_entry_whose_column_contains_the_url_wins_on_a_shared_host():
    sources = [s for s in load_sources() if s.name in ("上海市人民政府", "上海市人民政府参事室")]
    assert source_for_start_url("https://css.sh.gov.cn/gknb_lnnb/2023/", sources).name == "上海市人民政府参事室"
    assert source_for_start_url("https://www.shanghai.gov.cn/nw12344/", sources).name == "上海市人民政府"


POLICY = DuePolicy(season_days=7, off_season_days=30, late_days=3)


def _row(name: str, last: str | None, late: int = 0) -> dict:
    return {"name": name, "start_url": f"http://{name}.gov.cn/", "last_attempt": last, "late_or_missing": late}


def test_due_dense_in_season_monthly_otherwise_sooner_when_late():
    rows = [_row("never", None), _row("week", "2025-02-01T08:00:00.000Z"), _row("days", "2025-02-05T08:00:00.000Z"),
            _row("late", "2025-02-05T08:00:00.000Z", late=2)]
    assert [(d.name, d.reason) for d in due_sources(rows, date(2025, 2, 8), POLICY)] == [
        ("never", "never crawled"),
        ("week", "last crawled 7 days ago; every 7 days: reports season (January–April)"),
        ("late", "last crawled 3 days ago; every 3 days: 2 late or missing report(s)")]
    summer = [_row("month", "2025-06-01T08:00:00.000Z"), _row("weeks", "2025-06-20T08:00:00.000Z")]
    assert [d.name for d in due_sources(summer, date(2025, 7, 1), POLICY)] == ["month"]


def test_due_sources_are_written_as_a_registry(tmp_path):
    sources = load_sources()[:3]
    write_sources(tmp_path / "due.csv", sources)
    assert load_sources(tmp_path / "due.csv") == sources
