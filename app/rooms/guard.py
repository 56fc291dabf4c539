"""Joins by code, rate-limited per client address against guessing.

Only misses count (a code that names no room): a whole class behind one
school NAT joins freely, while guessing 25⁶ codes at ``limit`` a minute is hopeless.
"""

import time
from collections import OrderedDict, deque
from collections.abc import Callable

WINDOW = 60.0
MAX_ADDRESSES = 10_000  # remembered at once; the oldest are forgotten first


class JoinGuard:
    def __init__(self, limit: int, now: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._now = now
        self._misses: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str) -> deque[float]:
        misses = self._misses.setdefault(address, deque())
        self._misses.move_to_end(address)
        while misses and misses[0] <= self._now() - WINDOW:
            misses.popleft()
        while len(self._misses) > MAX_ADDRESSES:
            self._misses.popitem(last=False)
        return misses

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= self._limit

    def missed(self, address: str) -> None:
        self._recent(address).append(self._now())
