"""Where rooms live, by name: ``memory`` (this process) now, ``redis`` later.

A backend creates rooms, finds them by code, and expires idle ones; the
``Room`` it hands back publishes frames, counts followers and holds the
students' status. ``memory`` keeps live objects; a Redis backend would return a
Room whose stream publishes to ``room:{code}:frames`` and whose students live
in ``room:{code}:students`` (see /work/shared/DESIGN.md, "Rooms"), behind the
same operations, so adding it is one entry in ``BACKENDS``.
"""

import time
from collections.abc import Callable
from typing import Protocol

from app.rooms.keys import new_code
from app.rooms.room import Room, RoomFullError
from app.settings import Settings
from engine.trainer import Trainer

Clock = Callable[[], float]


class RoomBackend(Protocol):
    def create(self, key_hash: str, trainer: Trainer) -> Room: ...
    def find(self, code: str) -> Room | None: ...
    def touch(self, room: Room) -> None: ...
    def expire(self) -> list[Room]: ...
    def __len__(self) -> int: ...


class MemoryRooms:
    """Rooms in this process's memory: a class needs every student on this process
    (one worker, or sticky routing by room code)."""

    def __init__(self, settings: Settings, now: Clock = time.monotonic) -> None:
        self._settings = settings
        self._now = now
        self._rooms: dict[str, Room] = {}

    def create(self, key_hash: str, trainer: Trainer) -> Room:
        self.expire()
        limit = self._settings.max_rooms
        if len(self._rooms) >= limit:
            raise RoomFullError(f"This server already holds {limit} classes. Try again later.")
        code = new_code()
        while code in self._rooms:  # 25⁶ ≈ 244 million codes: a clash is rare
            code = new_code()
        room = Room(
            code,
            key_hash,
            trainer,
            self._settings.compress_frames,
            self._settings.max_followers,
            self._now(),
        )
        self._rooms[code] = room
        return room

    def find(self, code: str) -> Room | None:
        self.expire()
        return self._rooms.get(code)

    def touch(self, room: Room) -> None:
        room.last_active = self._now()

    def expire(self) -> list[Room]:
        """Forget rooms idle past ``room_idle_timeout``, and return them (to close)."""
        horizon = self._now() - self._settings.room_idle_timeout
        gone = [room for room in self._rooms.values() if room.last_active < horizon]
        for room in gone:
            del self._rooms[room.code]
        return gone

    def __len__(self) -> int:
        return len(self._rooms)


BACKENDS: dict[str, Callable[[Settings], RoomBackend]] = {"memory": MemoryRooms}


def make_backend(settings: Settings) -> RoomBackend:
    try:
        return BACKENDS[settings.room_backend](settings)
    except KeyError:
        choices = ", ".join(BACKENDS)
        raise ValueError(f"room_backend {settings.room_backend!r}: choose from {choices}") from None
