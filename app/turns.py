"""Turns to work: a few milliseconds' worth per pass of the event loop, answers first.

Every session's pump takes a turn before it trains and builds a frame, and
again between two slices of long training. When a process holds more tabs
than its CPU serves at the full frame rate, every pump is ready at once, and
without turns each pass of the event loop would build all their frames before
it read a socket again: a click waited for a whole round of other tabs'
frames, twice (its message is read in one pass, its frame built in the next),
~150 ms at p95 with 200 tabs on two cores. Handing out about ``PASS_SECONDS``
of turns per pass keeps passes short, so messages are read promptly, and a
frame that answers a message takes the next turn. Frames still go out as fast
as the CPU builds them, in the order their tabs became ready.
"""

import asyncio
import time
from collections import deque

# CPU time the turns of one pass may take. Shorter passes cost throughput
# (measured at 200 tabs: ~1 ms a pass, ~15% fewer frames than no turns at all;
# ~8 ms, ~5%); longer ones, a longer wait for a click.
PASS_SECONDS = 0.008
MAX_PER_PASS = 64
SMOOTHING = 0.1  # weight of the last pass in the estimate of a turn's cost


class Turns:
    """The queue of pumps waiting to work, for every session of one process."""

    def __init__(self) -> None:
        self._answers: deque[asyncio.Future[None]] = deque()  # frames a page waits for
        self._others: deque[asyncio.Future[None]] = deque()
        self._releasing: asyncio.Handle | None = None
        self.cost = 0.0005  # CPU seconds a turn takes, estimated from the passes so far
        self._given, self._given_at = 0, 0.0

    async def take(self, answer: bool) -> None:
        """Wait for a turn; ``answer``: the work answers a message, and goes first."""
        loop = asyncio.get_running_loop()
        turn = loop.create_future()
        (self._answers if answer else self._others).append(turn)
        if self._releasing is None:
            self._releasing = loop.call_soon(self._release, loop)
        await turn

    @property
    def per_pass(self) -> int:
        return max(1, min(MAX_PER_PASS, round(PASS_SECONDS / self.cost)))

    def _release(self, loop: asyncio.AbstractEventLoop) -> None:
        """Give out this pass's turns (the pumps run in the next pass, after the
        sockets are read); come back next pass while pumps wait."""
        now = time.thread_time()
        if self._given:  # the last pass ran the turns given before it: what did one cost?
            self.cost += SMOOTHING * ((now - self._given_at) / self._given - self.cost)
        given, per_pass = 0, self.per_pass
        while given < per_pass and (queue := self._answers or self._others):
            turn = queue.popleft()
            if not turn.done():  # a cancelled pump's turn is skipped
                turn.set_result(None)
                given += 1
        self._given, self._given_at = given, now
        if self._answers or self._others:
            self._releasing = loop.call_soon(self._release, loop)
        else:
            self._releasing, self._given = None, 0
