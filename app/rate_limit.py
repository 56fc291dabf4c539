"""How many messages a tab may send: token buckets, one warning per flood.

A tab may send ``rate`` messages a second (bursts of up to ``rate``), and
besides them valid acks up to ``ack_rate`` a second: a page acks each frame
once, so twice the frame rate is already a flood. Invalid acks are messages
like any other.
"""

from collections.abc import Callable
from time import monotonic


class TokenBucket:
    """``rate`` tokens a second, holding at most ``rate``."""

    def __init__(self, rate: float, now: Callable[[], float]) -> None:
        self.rate, self.tokens, self._now = rate, rate, now
        self._stamp = now()

    def refill(self) -> None:
        now = self._now()
        self.tokens = min(self.rate, self.tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    @property
    def full(self) -> bool:
        return self.tokens == self.rate

    def take(self) -> bool:
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class MessageBudget:
    """One tab's allowance of messages, and whether it has been warned of this flood."""

    def __init__(
        self, rate: float, ack_rate: float, now: Callable[[], float] | None = None
    ) -> None:
        now = now or monotonic
        self._messages, self._acks = TokenBucket(rate, now), TokenBucket(ack_rate, now)
        # One warning per flood, not one per dropped message: a flood ends when both
        # buckets have filled up again (the tab kept within its rates a while).
        self.warned = False

    def allow(self, valid_ack: bool = False) -> bool:
        """Take a message's token; False when it is over the budget."""
        for bucket in (self._messages, self._acks):
            bucket.refill()
        if self._messages.full and self._acks.full:
            self.warned = False
        return (self._acks if valid_ack else self._messages).take()
