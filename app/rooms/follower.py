"""One follower's mailbox: at most one unacked frame, and nothing queued behind it.

Stream frames are deltas (only the history since the last frame), so a
follower that misses one cannot draw the next: a frame offered while the page
still draws the last is dropped and the follower marked out of sync. Its next
frame is a full one (``Stream`` builds it once for every follower catching up),
so a lagging page skips to the latest state instead of queueing behind it.
"""

import asyncio
from collections.abc import Callable

from app.pump import Send


class Follower:
    """A page that mirrors a stream; ``run()`` sends what ``offer()`` hands it."""

    def __init__(self, send: Send, catch_up: Callable[[], None]) -> None:
        self._send = send
        self._catch_up = catch_up  # ask the stream's source for a frame to catch up with
        self.synced = False  # has every frame so far: the next delta applies
        self.unacked: int | None = None
        self._slot: tuple[int, bytes] | None = None
        self._wake = asyncio.Event()

    @property
    def free(self) -> bool:
        return self.unacked is None and self._slot is None

    def offer(self, number: int, frame: bytes) -> None:
        """Send ``frame`` (only offered while ``free``)."""
        self._slot, self.synced = (number, frame), True
        self._wake.set()

    def skip(self) -> None:
        """The page is still drawing: this frame passes it by, never queued."""
        self.synced = False

    def desync(self) -> None:
        """The page's picture no longer belongs to the stream (it explored, or a
        spotlight switched the source): its next frame must be a full one."""
        self.synced = False
        self._catch_up()

    def ack(self, frame: int) -> None:
        """Stale acks (a frame from before a switch) are ignored."""
        if frame == self.unacked:
            self.unacked = None
            if not self.synced:
                self._catch_up()

    async def run(self) -> None:
        """Send until cancelled (the socket's route cancels it when the tab goes)."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._slot is not None:
                (number, frame), self._slot = self._slot, None
                self.unacked = number
                await self._send(frame)
