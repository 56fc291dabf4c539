"""How many messages a tab may send: a token bucket per tab."""

from collections.abc import Callable
from time import monotonic


class RateLimit:
    """A token bucket: ``rate`` messages a second on average, bursts of up to ``rate``."""

    def __init__(self, rate: float, now: Callable[[], float] | None = None) -> None:
        self.rate = rate
        self.tokens = rate
        self._now = now or monotonic
        self.stamp = self._now()
        # One warning per flood, not one per dropped message: a flood ends when the
        # bucket has filled up again (a second's worth of messages not sent).
        self.warned = False

    def allow(self) -> bool:
        now = self._now()
        self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens == self.rate:  # a full bucket: the tab kept within the rate a while
            self.warned = False
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
