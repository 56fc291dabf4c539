"""The time a pump schedules and slices its work by, passed in so tests can set it.

``SystemClock`` is the real one; a test hands the pump a clock it moves by
hand, and asserts on what happened rather than on how long it took.
"""

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds, for when frames are due (monotonic)."""
        ...

    def work_time(self) -> float:
        """Seconds, for how long a run of training took (a high-resolution counter)."""
        ...

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        """Return when ``event`` is set or ``timeout`` seconds have passed (which may
        set ``event``)."""
        ...


class SystemClock:
    """Monotonic time, ``perf_counter`` for work, and the event loop's timers."""

    now = staticmethod(time.monotonic)
    work_time = staticmethod(time.perf_counter)

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        """A timeout sets ``event``: its waiter (the pump, which clears it before it
        waits and then looks again at what is due) cannot tell it from a wake, and
        one timer costs less than ``asyncio.timeout``'s cancellation, ~3% of a
        busy server's CPU when every frame waits out its interval."""
        timer = asyncio.get_running_loop().call_later(timeout, event.set)
        try:
            await event.wait()
        finally:
            timer.cancel()
