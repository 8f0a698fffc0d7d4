"""Fair use of the endpoint, in the manner of the Wikidata Query Service.

Every client (its address, or the one a trusted reverse proxy gives in ``X-Forwarded-For``) has a
budget of query time per minute: the seconds its queries held a worker during the last 60
seconds. A client that has spent it is answered HTTP 429 with ``Retry-After`` (the seconds until
enough of its past queries leave the window) until then; other clients are not affected. The
same figure orders the queue: of the queries waiting for a worker, the one whose client has used
the least time in the last minute goes first, so the cheap queries of light clients are served
before a heavy client's next one, whether or not a budget is set.
"""

from __future__ import annotations

import math
import time
from collections import deque

WINDOW = 60.0  # seconds: the budget is per minute


class OverBudget(Exception):
    """The client has used its query time for the last minute; ``retry_after`` seconds to wait."""

    def __init__(self, retry_after: int, budget: float) -> None:
        super().__init__(f"over budget; retry after {retry_after} s")
        self.retry_after = retry_after
        self.budget = budget


class FairUse:
    """Query time per client over a sliding minute; ``budget`` 0 is no limit (the order still holds)."""

    def __init__(self, budget: float = 0.0, window: float = WINDOW) -> None:
        self.budget = budget
        self.window = window
        self._spent: dict[str, deque[tuple[float, float]]] = {}  # client -> (when, seconds)
        self._totals: dict[str, float] = {}  # client -> the sum of its entries
        self.refused = 0  # requests answered 429 (reported by /ready)

    def _trim(self, client: str, now: float) -> deque[tuple[float, float]] | None:
        spent = self._spent.get(client)
        if spent is None:
            return None
        while spent and spent[0][0] <= now - self.window:
            self._totals[client] -= spent.popleft()[1]
        if not spent:
            del self._spent[client]
            del self._totals[client]
            return None
        return spent

    def used(self, client: str, now: float | None = None) -> float:
        """Seconds of query time ``client`` used in the last window."""
        spent = self._trim(client, time.monotonic() if now is None else now)
        return max(0.0, self._totals[client]) if spent else 0.0

    def charge(self, client: str, seconds: float, now: float | None = None) -> None:
        """Record ``seconds`` of worker time for ``client`` (a query that ended, however it ended)."""
        when = time.monotonic() if now is None else now
        self._spent.setdefault(client, deque()).append((when, max(0.0, seconds)))
        self._totals[client] = self._totals.get(client, 0.0) + max(0.0, seconds)
        if len(self._spent) > 100_000:  # forget the clients that used nothing lately
            for name in list(self._spent):
                self._trim(name, when)

    def check(self, client: str, now: float | None = None) -> None:
        """Raise :class:`OverBudget` when ``client`` has no query time left in this window."""
        if self.budget <= 0:
            return
        now = time.monotonic() if now is None else now
        spent = self._trim(client, now)
        if not spent:
            return
        total = self._totals[client]
        if total < self.budget:
            return
        for when, seconds in spent:  # the oldest entries leave the window first
            total -= seconds
            if total < self.budget:
                self.refused += 1
                raise OverBudget(max(1, math.ceil(when + self.window - now)), self.budget)
        self.refused += 1
        raise OverBudget(max(1, math.ceil(self.window)), self.budget)
