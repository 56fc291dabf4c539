"""The time a pump schedules and slices its work by, passed in so tests can set it.

``SystemClock`` is the real one; a test hands the pump a clock it moves by
hand, and asserts on what happened rather than on how long it took.
"""

import asyncio
import contextlib
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
        """Return when ``event`` is set or ``timeout`` seconds have passed."""
        ...


class SystemClock:
    """Monotonic time, ``perf_counter`` for work, and asyncio's timeouts."""

    now = staticmethod(time.monotonic)
    work_time = staticmethod(time.perf_counter)

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await event.wait()
