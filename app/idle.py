"""A socket's idle time, kept by one timer per idle period.

``asyncio.timeout`` around every receive costs a timer in the loop's heap per
message (~7% of a busy server's CPU with 500 tabs acking ~9 frames a second);
this timer is set once, and when it fires with messages seen since, it is set
again for the rest of the period.
"""

import asyncio
from collections.abc import Awaitable
from typing import Self, TypeVar

T = TypeVar("T")


class IdleTimer:
    """``wait(x)`` awaits ``x``, or raises ``TimeoutError`` once ``seconds`` pass with
    no wait returning (counted from the last return, or from ``with``)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._waiter: asyncio.Task | None = None
        self._expired = False

    def __enter__(self) -> Self:
        self._loop = asyncio.get_running_loop()
        self._last = self._loop.time()
        self._handle = self._loop.call_at(self._last + self._seconds, self._check)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._handle.cancel()

    async def wait(self, awaitable: Awaitable[T]) -> T:
        self._waiter = asyncio.current_task()
        try:
            return await awaitable
        except asyncio.CancelledError:
            # Ours only if nobody else cancelled the task too (asyncio.timeout's rule).
            if self._expired and self._waiter is not None and self._waiter.uncancel() == 0:
                raise TimeoutError from None
            raise
        finally:
            self._waiter = None
            self._last = self._loop.time()

    def _check(self) -> None:
        now = self._loop.time()
        due = self._last + self._seconds
        if now < due:  # a message came since the timer was set
            self._handle = self._loop.call_at(due, self._check)
        elif self._waiter is None:  # a message still being handled: look a period later
            self._handle = self._loop.call_at(now + self._seconds, self._check)
        else:
            self._expired = True
            self._waiter.cancel()
