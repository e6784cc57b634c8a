"""When each source is due for a crawl: weekly while reports come out (January–April), monthly
otherwise, every few days for a source with a late or missing report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

SEASON_MONTHS = range(1, 5)


@dataclass(frozen=True)
class DuePolicy:
    """Days between crawls of a source (settings GOV_REPORTS_DUE_*)."""

    season_days: int = 7
    off_season_days: int = 30
    late_days: int = 3

    def interval(self, today: date, late_or_missing: int) -> tuple[int, str]:
        if late_or_missing:
            return self.late_days, f"{late_or_missing} late or missing report(s)"
        if today.month in SEASON_MONTHS:
            return self.season_days, "reports season (January–April)"
        return self.off_season_days, "monthly"


@dataclass(frozen=True)
class Due:
    name: str
    start_url: str
    last_attempt: str | None
    reason: str


def due_sources(rows: list[dict], today: date, policy: DuePolicy) -> list[Due]:
    """The sources (rows of name, start_url, last_attempt, late_or_missing) due on `today`."""
    due = []
    for row in rows:
        days, why = policy.interval(today, row.get("late_or_missing") or 0)
        last = row.get("last_attempt")
        if last is None:
            due.append(Due(row["name"], row["start_url"], None, "never crawled"))
            continue
        age = (today - datetime.fromisoformat(last.replace("Z", "+00:00")).date()).days
        if age >= days:
            due.append(Due(row["name"], row["start_url"], last, f"last crawled {age} days ago; every {days} days: {why}"))
    return due
