"""The shared frontier's scheduler (crawler/shared_frontier.py): scrapy-redis's, with the budgets'
admission and each source's budget and findings counted in Redis."""

from __future__ import annotations

from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.frontier import BudgetAdmission


class SharedBudgetScheduler(BudgetAdmission, RedisScheduler):
    """scrapy-redis's scheduler (queue and seen-set in Redis) with the budgets' admission, the
    pages of each budget and the sources' findings counted in Redis for all processes (the
    frontier's SharedTallies)."""

    def open(self, spider) -> None:
        self.budget_prefix = f"{spider.name}:budget:"
        self.found_prefix = f"{spider.name}:found:"
        super().open(spider)
        frontier = getattr(spider, "frontier", None)
        if frontier is not None:
            frontier.shared = self

    def charge(self, key: str) -> int:
        """One page more on a budget, for every process: the pages it has been charged in all."""
        return self.server.incr(self.budget_prefix + key)

    def found(self, source: str) -> None:
        self.server.set(self.found_prefix + source, 1)

    def has_found(self, source: str) -> bool:
        return bool(self.server.exists(self.found_prefix + source))

    def flush(self) -> None:
        super().flush()
        kept = [key for prefix in (self.budget_prefix, self.found_prefix)
                for key in self.server.scan_iter(match=prefix + "*")]
        if kept:
            self.server.delete(*kept)
