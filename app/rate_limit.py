"""How many messages a tab may send: token buckets, and what a flood leads to.

A tab may send ``rate`` messages a second (bursts of up to ``rate``), and
besides them valid acks up to ``ack_rate`` a second: a page acks each frame
once, so twice the frame rate is already a flood. Invalid acks are messages
like any other. Before a message is even parsed it takes a token for reading,
``rate + ack_rate`` a second: past that it is dropped unread (unless it may be
an ack, the route's call), so a flood costs the server little more than
receiving it. A flood is warned of once; one that
goes on (``FLOOD_SECONDS`` worth of messages over the budget) closes the tab.
"""

import enum
from collections.abc import Callable
from time import monotonic

FLOOD_SECONDS = 3.0


class Flood(enum.Enum):
    STARTED = "started"  # the first message over the budget: warn the tab
    GOING_ON = "going on"
    SUSTAINED = "sustained"  # too long: close the tab


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
    """One tab's allowance of messages, and the flood it may be in."""

    def __init__(
        self, rate: float, ack_rate: float, now: Callable[[], float] | None = None
    ) -> None:
        now = now or monotonic
        self._reading = TokenBucket(rate + ack_rate, now)
        self._messages, self._acks = TokenBucket(rate, now), TokenBucket(ack_rate, now)
        self._sustained = FLOOD_SECONDS * (rate + ack_rate)
        self._over: int | None = None  # messages over the budget in this flood; None: no flood

    def admit(self) -> bool:
        """Before parsing: whether the message may be read at all."""
        buckets = (self._reading, self._messages, self._acks)
        for bucket in buckets:
            bucket.refill()
        # A flood ends when every bucket is full again: the tab kept within its rates a while.
        if all(bucket.full for bucket in buckets):
            self._over = None
        return self._reading.take()

    def allow(self, valid_ack: bool = False) -> bool:
        """After parsing: take the message's token; False when it is over the budget."""
        return (self._acks if valid_ack else self._messages).take()

    def overflow(self) -> Flood:
        """Count one message over the budget: the flood it starts or continues."""
        if self._over is None:
            self._over = 1
            return Flood.STARTED
        self._over += 1
        return Flood.SUSTAINED if self._over > self._sustained else Flood.GOING_ON
