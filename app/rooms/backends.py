"""Where rooms live, by name: ``memory`` (this process) or ``redis`` (shared by
processes and replicas through a Redis server; app/rooms/redis_rooms.py).

A backend creates rooms, finds them by code, and expires idle ones; the
``Room`` it hands back publishes frames, counts followers and holds the
students' status. A room's sockets ``attach`` to it (the room ticks while any
is open) and ``detach`` when they close. Adding a backend is one entry in
``BACKENDS``, chosen by ``NNP_ROOM_BACKEND`` (or ``--redis URL``).
"""

import time
from collections.abc import Callable
from typing import Protocol

from app.rooms.keys import new_code
from app.rooms.room import Room, RoomFullError
from app.rooms.ticker import Ticker
from app.rooms.views import RoomViews
from app.settings import Settings
from engine.trainer import Trainer

Clock = Callable[[], float]


class RoomBackend(Protocol):
    async def create(self, key_hash: str, trainer: Trainer) -> Room: ...
    async def find(self, code: str) -> Room | None: ...
    async def attach(self, room: Room) -> Room: ...
    async def detach(self, room: Room) -> None: ...
    async def student_number(self, room: Room) -> int | None: ...
    def touch(self, room: Room) -> None: ...
    async def close(self) -> None: ...


class MemoryRooms:
    """Rooms in this process's memory: a class needs every student on this process
    (one worker, or sticky routing by room code)."""

    def __init__(self, settings: Settings, views: RoomViews, now: Clock = time.monotonic) -> None:
        self._settings, self._views = settings, views
        self._now = now
        self._rooms: dict[str, Room] = {}
        self._tickers: dict[str, Ticker] = {}

    async def create(self, key_hash: str, trainer: Trainer) -> Room:
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

    async def find(self, code: str) -> Room | None:
        self.expire()
        return self._rooms.get(code)

    async def attach(self, room: Room) -> Room:
        ticker = self._tickers.get(room.code)
        if ticker is None:
            ticker = self._tickers[room.code] = Ticker(
                room, self._views, self._settings.room_status_seconds
            )
        ticker.attach()
        return room

    async def detach(self, room: Room) -> None:
        if self._tickers[room.code].detach():
            del self._tickers[room.code]

    async def student_number(self, room: Room) -> int | None:
        return None  # the room counts its own

    def touch(self, room: Room) -> None:
        room.last_active = self._now()

    def expire(self) -> list[Room]:
        """Forget rooms idle past ``room_idle_timeout``, and return them."""
        horizon = self._now() - self._settings.room_idle_timeout
        gone = [room for room in self._rooms.values() if room.last_active < horizon]
        for room in gone:
            del self._rooms[room.code]
        return gone

    async def close(self) -> None:
        """Nothing to let go of."""

    def __len__(self) -> int:
        return len(self._rooms)


def redis_rooms(settings: Settings, views: RoomViews) -> RoomBackend:
    """Imported only when chosen: redis-py takes ~80 ms to import, a tenth of a
    server's start."""
    from app.rooms.redis_rooms import RedisRooms

    return RedisRooms(settings, views)


BACKENDS: dict[str, Callable[[Settings, RoomViews], RoomBackend]] = {
    "memory": MemoryRooms,
    "redis": redis_rooms,
}


def make_backend(settings: Settings, views: RoomViews) -> RoomBackend:
    """The backend ``room_backend`` names; a Redis URL alone implies ``redis``."""
    name = settings.room_backend
    if settings.redis_url and name == "memory":
        name = "redis"
    try:
        return BACKENDS[name](settings, views)
    except KeyError:
        choices = ", ".join(BACKENDS)
        raise ValueError(f"room_backend {name!r}: choose from {choices}") from None
