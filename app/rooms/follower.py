"""One follower's mailbox: at most one unacked frame, and at most the newest full
frame waiting behind it.

Stream frames are deltas (only the history since the last frame), so a
follower that misses one cannot draw the next: a delta offered while the page
still draws the last is dropped and the follower marked out of sync. A full
frame of the same moment (``Stream`` builds it once for every follower catching
up) is held instead, replacing any older one, and goes out the moment the page
acks: a lagging page skips to the latest state, and does not wait a further
frame interval for it. Were a newer delta sent meanwhile, the held frame is
still the newest picture the page can have, but no delta follows it: the page
gets it, and catches up again with the next full frame.
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
        self._held: tuple[int, bytes] | None = None  # a full frame, while the page draws
        self._held_current = False  # no delta went out since it: the next applies to it
        self._wake = asyncio.Event()

    @property
    def free(self) -> bool:
        return self.unacked is None and self._slot is None

    def offer(self, number: int, frame: bytes) -> None:
        """Send ``frame`` (only offered while ``free``)."""
        self._slot, self.synced = (number, frame), True
        self._wake.set()

    def skip(self) -> None:
        """The page is still drawing: this delta passes it by, never queued."""
        self.synced = False
        self._held_current = False

    def hold(self, number: int, frame: bytes) -> None:
        """The page is still drawing: this full frame goes out when it acks."""
        self._held, self._held_current = (number, frame), True

    def enter(self) -> None:
        """The page comes (back) to the stream from elsewhere (it joined, rejoined from
        exploring, or a spotlight came on): the acks of what it drew meanwhile went
        to another session, so nothing here waits for one. Its first frame is full."""
        self.unacked = self._slot = self._held = None
        self.desync()

    def desync(self) -> None:
        """The page's picture no longer belongs to the stream (it explored, or a
        spotlight switched the source): its next frame must be a full one."""
        self.synced = False
        self._held = None
        self._catch_up()

    def ack(self, frame: int) -> None:
        """Stale acks (a frame from before a switch) are ignored."""
        if frame != self.unacked:
            return
        self.unacked = None
        if self._held is not None:
            self._slot, self._held = self._held, None
            self.synced = self._held_current
            self._wake.set()
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
