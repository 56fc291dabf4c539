"""The ``redis`` room backend: classes shared by every process and replica that
uses the same Redis (``--redis URL`` or ``NNP_REDIS_URL``; keys and channels in
app/rooms/redis_room.py). A page finds a room by its code in Redis; a socket
attaches to this process's ``RedisRoom`` for it, which subscribes to the room's
channels while this process holds any of its sockets."""

import time

from redis.asyncio import Redis

from app.rooms.keys import new_code
from app.rooms.redis_room import RedisRoom, keys, unavailable
from app.rooms.room import Room, RoomFullError
from app.rooms.ticker import Ticker
from app.rooms.views import RoomViews
from app.settings import Settings
from engine import trainer_state
from engine.trainer import Trainer

CONNECT_SECONDS = 2.0  # an unreachable Redis is reported this soon, not after minutes


class RedisRooms:
    def __init__(self, settings: Settings, views: RoomViews) -> None:
        self._settings, self._views = settings, views
        self._redis = Redis.from_url(
            settings.redis_url or "redis://127.0.0.1:6379/0",
            socket_connect_timeout=CONNECT_SECONDS,
            socket_timeout=2 * CONNECT_SECONDS,
        )
        self._rooms: dict[str, RedisRoom] = {}  # with sockets in this process
        self._tickers: dict[str, Ticker] = {}

    async def create(self, key_hash: str, trainer: Trainer) -> Room:
        limit = self._settings.max_rooms
        if len(self._rooms) >= limit:
            raise RoomFullError(f"This server already holds {limit} classes. Try again later.")
        ttl = int(self._settings.room_idle_timeout)
        async with unavailable():
            code = new_code()
            while not await self._redis.hsetnx(keys(code)["room"], "key_hash", key_hash):
                code = new_code()  # taken: 25⁶ codes, a clash is rare
            k = keys(code)
            pipe = self._redis.pipeline(transaction=False)
            pipe.hset(k["room"], mapping={"released": 0, "spotlight": "", "goal": ""})
            pipe.expire(k["room"], ttl)
            pipe.set(k["state"], trainer_state.dump(trainer), ex=ttl)
            await pipe.execute()
        return self._replica(code, key_hash, trainer)

    async def find(self, code: str) -> Room | None:
        if code in self._rooms:
            return self._rooms[code]
        k = keys(code)
        async with unavailable():
            fields = await self._redis.hgetall(k["room"])
            blob = await self._redis.get(k["state"]) if fields else None
        if not fields or not blob:
            return None
        room = self._replica(code, fields[b"key_hash"].decode(), trainer_state.load(blob))
        room.apply_stored(fields)
        return room

    def _replica(self, code: str, key_hash: str, trainer: Trainer) -> RedisRoom:
        settings = self._settings
        room = RedisRoom(
            code,
            key_hash,
            trainer,
            settings.compress_frames,
            settings.max_followers,
            time.monotonic(),
        )
        room.redis, room.ttl = self._redis, int(settings.room_idle_timeout)
        room.tick_seconds = settings.room_status_seconds
        return room

    async def attach(self, room: Room) -> Room:
        """This process's one replica of the room (another socket's, if any)."""
        code = room.code
        if code not in self._rooms:  # no await from the check to the entry: no race
            assert isinstance(room, RedisRoom)
            room.start()
            self._rooms[code] = room
            self._tickers[code] = Ticker(room, self._views, self._settings.room_status_seconds)
        self._tickers[code].attach()
        return self._rooms[code]

    async def detach(self, room: Room) -> None:
        if self._tickers[room.code].detach():
            del self._tickers[room.code]
            await self._rooms.pop(room.code).stop()

    async def student_number(self, room: Room) -> int | None:
        limit = self._settings.max_followers
        if len(room.board) >= limit:  # the whole class, as of the last tick
            raise RoomFullError(f"This class is full ({limit} students). Ask your lecturer.")
        ids = keys(room.code)["ids"]
        async with unavailable():
            number, _ = (
                await self._redis.pipeline()
                .incr(ids)
                .expire(ids, int(self._settings.room_idle_timeout))
                .execute()
            )
        return int(number)

    def touch(self, room: Room) -> None:
        room.last_active = time.monotonic()

    async def close(self) -> None:
        for room in self._rooms.values():
            await room.stop()
        await self._redis.aclose()
