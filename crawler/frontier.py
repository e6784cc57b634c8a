"""The crawl's frontier: each source's budget (pages, depth), spent best-first, and what it found.

Every request the spider makes carries a score (its Scrapy `priority`: the scheduler pops the
highest first) and the budget it is charged to (a source, or a department's or township's column
inside one: a sub-source). The scheduler asks `Frontier.admit` before handing a request to the
downloader, so a source's pages are the best-scoring ones its budget buys. Links scoring below
the floor are parked here, not scheduled: they are released, best first, only when the crawl is
otherwise idle, and only for a source that has found no report yet (the last resort of a portal
laid out unlike any other), while its budget lasts.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from typing import Any, Protocol

from scrapy.core.scheduler import Scheduler

# Request meta keys the frontier reads.
BUDGET = "budget"  # the budget a request is charged to (a source name, or "source › publisher")
DEPTH = "nav_depth"  # navigation hops from the source's start page (pagers keep their list's)
SCORE = "score"  # the link's score, also the request's priority
_CHARGED = "budget_charged"
SUB_SOURCE = " › "  # joins a source's name and a publisher's: the sub-source's budget key  # retries and redirects of an admitted request are not charged again


@dataclass(frozen=True)
class Budget:
    """What one source may spend: pages fetched and navigation depth."""

    pages: int
    depth: int


@dataclass
class SourceTally:
    """One source's (or sub-source's) spending and findings."""

    budget: Budget
    pages: int = 0  # requests admitted to the downloader
    reports: int = 0
    first_report_depth: int | None = None
    refused: int = 0  # scheduled but popped after the budget was spent
    too_deep: int = 0  # links beyond the depth budget, never scheduled
    dropped: int = 0  # low-scoring links never released (the source had found reports)
    parked: list = field(default_factory=list)  # heap of (-score, order, request)
    learned: set[str] = field(default_factory=set)  # link labels that led to reports
    # The archive already holds reports of this source: a resumed (JOBDIR) or repeated crawl needs
    # no last resorts either, whatever this process has found so far.
    archived_reports: bool = False
    found_elsewhere: bool = False  # another process sharing the frontier has found reports of it
    exhausted: bool = False  # the budget shared with other processes (Redis) is spent

    @property
    def spent(self) -> bool:
        return self.exhausted or self.pages >= self.budget.pages

    @property
    def frontier_left(self) -> int:
        """Links known but not fetched when the crawl ended."""
        return self.refused + self.too_deep + self.dropped + len(self.parked)

    def figures(self) -> dict[str, int | None]:
        return {"pages": self.pages, "budget_pages": self.budget.pages, "budget_used": self.used(),
                "reports": self.reports, "first_report_depth": self.first_report_depth,
                "frontier_left": self.frontier_left}

    def used(self) -> int:
        """Percent of the page budget spent."""
        return round(100 * self.pages / self.budget.pages) if self.budget.pages else 100


class SharedTallies(Protocol):
    """What the crawl processes sharing one frontier count together (crawler/shared_frontier.py)."""

    def charge(self, key: str) -> int:
        """One page more on a budget key, for every process: the pages charged to it by all of them."""

    def found(self, source: str) -> None:
        """A process has found a report of this source."""

    def has_found(self, source: str) -> bool:
        """Whether any process has found a report of this source."""


class Frontier:
    """Budgets and parked links of every source of one crawl (plain data: no Scrapy engine)."""

    def __init__(self, min_score: int):
        self.min_score = min_score
        self.tallies: dict[str, SourceTally] = {}
        self._order = itertools.count()
        self.shared: SharedTallies | None = None  # set by the shared frontier's scheduler

    def open(self, key: str, budget: Budget) -> SourceTally:
        """The tally of a source or sub-source, created with its budget the first time."""
        return self.tallies.setdefault(key, SourceTally(budget))

    def within_depth(self, key: str, depth: int) -> bool:
        """A link at this depth may be scheduled; one beyond the budget is counted, not followed."""
        tally = self.tallies[key]
        if depth <= tally.budget.depth:
            return True
        tally.too_deep += 1
        return False

    def wants_now(self, score: int) -> bool:
        """A link scoring at least the floor is scheduled at once; a lower one is parked."""
        return score >= self.min_score

    def park(self, key: str, score: int, request: Any) -> None:
        heapq.heappush(self.tallies[key].parked, (-score, next(self._order), request))

    def admit(self, meta: dict) -> bool:
        """Charge a request about to be downloaded to its budget; False once the budget is spent."""
        key = meta.get(BUDGET)
        if key is None or meta.get(_CHARGED) or (tally := self._tally_of(key)) is None:
            return True
        if tally.spent or (self.shared is not None and self.shared.charge(key) > tally.budget.pages):
            tally.exhausted = self.shared is not None
            tally.refused += 1
            return False
        tally.pages += 1
        meta[_CHARGED] = True
        return True

    def _tally_of(self, key: str) -> SourceTally | None:
        """A key's tally; with a shared frontier, a sub-source another process found is opened
        here with its source's budget, as that process opened it."""
        root = self.tallies.get(key.split(SUB_SOURCE)[0])
        if key not in self.tallies and self.shared is not None and root is not None:
            return self.open(key, root.budget)
        return self.tallies.get(key)

    def release(self, limit: int) -> list[Any]:
        """Up to `limit` parked requests, best first, of sources that found nothing and have budget
        left; the parked links of the other sources are dropped (counted in frontier_left)."""
        candidates: list[tuple[int, int, Any, str]] = []
        for key, tally in self.tallies.items():
            root = self.tallies.get(key.split(SUB_SOURCE)[0], tally)
            if self._has_reports(key.split(SUB_SOURCE)[0], root) or tally.spent:  # a sub-source's source decides
                tally.dropped += len(tally.parked)
                tally.parked.clear()
                continue
            for _ in range(min(limit, len(tally.parked))):
                score, order, request = heapq.heappop(tally.parked)
                candidates.append((score, order, request, key))
        candidates.sort(key=lambda c: c[:2])
        chosen, rest = candidates[:limit], candidates[limit:]
        for score, order, request, key in rest:
            heapq.heappush(self.tallies[key].parked, (score, order, request))
        return [request for *_, request, _ in chosen]

    def _has_reports(self, source: str, root: SourceTally) -> bool:
        """The source has reports: found here, already archived, or (shared) found by another process."""
        if not (root.reports or root.archived_reports or root.found_elsewhere) and self.shared is not None:
            root.found_elsewhere = self.shared.has_found(source)
        return bool(root.reports or root.archived_reports or root.found_elsewhere)

    def found_report(self, key: str | None, depth: int, label: str | None) -> None:
        tally = self.tallies.get(key) if key else None
        if tally is None:
            return
        tally.reports += 1
        if tally.first_report_depth is None or depth < tally.first_report_depth:
            tally.first_report_depth = depth
        self.learn(key, label)
        source = key.split(SUB_SOURCE)[0]
        root = self.tallies.get(source)
        if root is not None and root is not tally:
            root.reports += 1  # the source has found reports: its own last resorts are not needed
        if self.shared is not None and root is not None and root.reports == 1:
            self.shared.found(source)  # once per process: the others' last resorts are not needed either

    def learn(self, key: str | None, label: str | None) -> None:
        """The label of a link that led to reports: the same label elsewhere on the source scores more."""
        if key in self.tallies and label:
            self.tallies[key].learned.add(label)

    def learned(self, key: str | None) -> frozenset[str]:
        tally = self.tallies.get(key) if key else None
        return frozenset(tally.learned) if tally else frozenset()

    def figures(self) -> dict[str, dict[str, int | None]]:
        return {key: tally.figures() for key, tally in self.tallies.items()}


class BudgetAdmission:
    """A scheduler mixin asking the spider's frontier before each pop is downloaded: a request
    whose source spent its budget is dropped and counted."""

    def next_request(self):
        crawler = getattr(self, "crawler", None)
        spider = getattr(self, "spider", None) or (crawler.spider if crawler else None)
        frontier = getattr(spider, "frontier", None)
        while (request := super().next_request()) is not None:
            if frontier is None or frontier.admit(request.meta):
                return request
        return None


class BudgetScheduler(BudgetAdmission, Scheduler):
    """Scrapy's scheduler (priority queues, JOBDIR) with the budgets' admission."""
