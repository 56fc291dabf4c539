"""One process's share of a class that spans processes through Redis.

Every process with sockets in the room holds a ``RedisRoom``: its own students
(and their forks), maybe the lecturer, and a relay of the room's frames. What
the processes share lives in Redis (docs/design.md, "Rooms"):

- ``room:{code}`` hash: the key's hash, ``released``, ``spotlight``, ``goal`` (JSON);
- ``room:{code}:students`` hash: student id → their class-table row (JSON, with
  when it was written; rows older than ``STALE_TICKS`` ticks, and ``STALE_SECONDS``,
  are a gone process's);
- ``room:{code}:state``: the leader's trainer (engine/trainer_state.py), saved
  every tick while the lecturer is here and when they leave: forks on other
  processes and a lecturer who reconnects anywhere start from it;
- ``room:{code}:play``: the leader's play state (app/rooms/play.py), saved with
  the state: a lecturer who reconnects plays on at the same speed;
- ``room:{code}:leader``: which socket leads, expiring ``LEAD_TICKS`` ticks after
  its process stops refreshing it (so a lecturer whose process died can resume);
- ``room:{code}:ids``: a counter, so student ids are unique across processes;
- channels ``room:{code}:frames`` (app/rooms/relay.py, each message after the
  8 bytes naming the process that sent it) and ``room:{code}:control`` (JSON:
  ``{"type": "room", ...}`` the shared settings after a change, and
  ``{"type": "full"}`` a relay asking the source for a full frame).

The source's own process hands its frames to its followers directly, and asks
its own publisher for full frames directly: only other processes' followers
wait on Redis (a round trip through two more processes, which a busy box
schedules late).

Keys expire ``room_idle_timeout`` after the room's last activity.
Everything this process writes goes through one queue and one task, in order.
"""

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError

from app.frame_builder import Moment
from app.rooms.challenge import Goal
from app.rooms.play import Play
from app.rooms.relay import Publisher, Relay
from app.rooms.room import Room, RoomsUnavailableError
from app.rooms.views import Row
from engine import trainer_state
from engine.trainer import Trainer

log = logging.getLogger(__name__)

# A student row not refreshed for this many ticks (and at least STALE_SECONDS) is a
# gone process's; the floor keeps a busy process's rows while its ticks run late.
STALE_TICKS, STALE_SECONDS = 5, 10.0
LEAD_TICKS = 3  # the lecturer's claim outlives its last refresh by this many ticks
QUEUE = 256  # writes waiting at most; past it one is dropped (relays catch up)
RETRY_SECONDS = 1.0
ORIGIN = 8  # bytes naming a frame's process on the frames channel

Write = Callable[[Pipeline], Any]  # queues one command on the pipeline


def keys(code: str) -> dict[str, str]:
    base = f"room:{code}"
    names = ("students", "state", "play", "leader", "ids", "frames", "control")
    return {"room": base} | {name: f"{base}:{name}" for name in names}


class RedisRoom(Room):
    """Set ``redis``, ``ttl`` (seconds) and ``tick`` (seconds) before ``start()``."""

    redis: Redis
    ttl: int
    tick_seconds: float

    def make_stream(self) -> Relay:
        self.k = keys(self.code)
        self._publisher = Publisher(self.compress)
        self._writes: asyncio.Queue[Write] = asyncio.Queue(QUEUE)
        self._tasks: list[asyncio.Task[None]] = []
        self._token = secrets.token_hex(8)  # this process's lecturer claim
        self._origin = secrets.token_bytes(ORIGIN)  # this process's frames on the channel
        self._touched = -1.0
        self._lead_held = True  # by some process, as of the last tick
        return Relay(self._ask_full)

    # Life in this process: from the first socket to the last

    def start(self) -> None:
        """Subscribe and write from now on (no await: two sockets arriving at once
        must find one replica, app/rooms/redis_rooms.py)."""
        self._pubsub = self.redis.pubsub()
        self._subscribed = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._listen(), name="nnp-room-listen"),
            asyncio.create_task(self._write(), name="nnp-room-write"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.aclose()  # its connection goes back, not into a leak

    # Hooks (app/rooms/room.py)

    def publish(self, moment: Moment) -> None:
        for message in self._publisher.frames(moment):
            self.stream.receive(message)
            self._queue(lambda r, m=self._origin + message: r.publish(self.k["frames"], m))

    def _wanted(self) -> None:
        self.stream.want()

    def _ask_full(self) -> None:
        if not self._full_here():
            self._control({"type": "full"})

    def _full_here(self) -> bool:
        """Whether the source is in this process: it then owes the full frame itself."""
        source = self.source
        if source is None:
            return False
        self._publisher.want_full()
        source.pump.owe()
        source.pump.wake()
        return True

    def _refresh_source(self) -> None:
        # A new chain, before the switch: the followers' requests for a full frame,
        # made as it happens, go to the publisher of the frames they will get.
        if self.source is not self._source:
            self._publisher = Publisher(self.compress)
        super()._refresh_source()

    def shared_changed(self) -> None:
        goal = self.goal.model_dump_json() if self.goal else ""
        shared = {"released": int(self.released), "spotlight": self.spotlight or "", "goal": goal}
        if self.leader is not None:  # saved first: a fork the news prompts starts from now
            state = trainer_state.dump(self.trainer)
            self._queue(lambda r: r.set(self.k["state"], state, ex=self.ttl))
        self._queue(lambda r: r.hset(self.k["room"], mapping=shared))
        self._control({"type": "room", **shared})

    def drop(self, student: Any) -> None:
        super().drop(student)
        self._queue(lambda r: r.hdel(self.k["students"], student.id))

    @property
    def lecturer_away(self) -> bool:
        return self.leader is None and not self._lead_held

    async def claim_lead(self) -> bool:
        lease = int(LEAD_TICKS * self.tick_seconds * 1000) + 1000
        async with unavailable():
            if not await self.redis.set(self.k["leader"], self._token, nx=True, px=lease):
                return False
            blob, play = await self.redis.mget(self.k["state"], self.k["play"])
        if blob:  # the latest saved state: the lecturer resumes where the class was
            self.trainer = trainer_state.load(blob)
        self.play = Play.load(play)
        return True

    async def release_lead(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await (
                self.redis.pipeline(transaction=False)
                .set(self.k["state"], trainer_state.dump(self.trainer), ex=self.ttl)
                .set(self.k["play"], self.play.dump(), ex=self.ttl)  # as ``leave`` kept it
                .execute()
            )
            if await self.redis.get(self.k["leader"]) == self._token.encode():
                await self.redis.delete(self.k["leader"])

    async def fork_trainer(self) -> Trainer:
        if self.leader is not None:
            return self.trainer.copy()
        async with unavailable():
            blob = await self.redis.get(self.k["state"])
        return trainer_state.load(blob) if blob else self.trainer.copy()

    async def share(self, table: list[Any]) -> list[Any]:
        """Write this process's rows (and the leader's state and claim, when here);
        read the whole class's rows."""
        self.stream.ask_again()
        now = time.time()
        pipe = self.redis.pipeline(transaction=False)
        for row in table:
            pipe.hset(self.k["students"], row.id, json.dumps({**row.to_dict(), "seen": now}))
        if self.leader is not None:
            lease = int(LEAD_TICKS * self.tick_seconds * 1000) + 1000
            pipe.set(self.k["state"], trainer_state.dump(self.trainer), ex=self.ttl)
            pipe.set(self.k["play"], Play.of(self.leader.pump).dump(), ex=self.ttl)
            pipe.set(self.k["leader"], self._token, px=lease)
        if self.last_active != self._touched:  # activity: the room lives another ttl
            self._touched = self.last_active
            for name in ("room", "state", "play", "ids"):
                pipe.expire(self.k[name], self.ttl)
        pipe.expire(self.k["students"], self.ttl)  # rows written since the last activity
        pipe.exists(self.k["leader"])
        pipe.hgetall(self.k["students"])
        try:
            *_, held, stored = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning(
                "room %s: Redis unreachable (%s); showing this process's students", self.code, exc
            )
            return table
        self._lead_held = bool(held)
        horizon = now - max(STALE_TICKS * self.tick_seconds, STALE_SECONDS)
        rows = []
        for raw in stored.values():
            data = json.loads(raw)
            if data.pop("seen") >= horizon:
                rows.append(Row.from_dict(data))
        return rows

    # Messages from the other processes (and this one's own, which change nothing)

    def apply(self, message: dict[str, Any]) -> None:
        if message.get("type") == "full":
            self._full_here()
            return
        released = message.get("released") in (1, "1")  # JSON's 1, or the hash's "1"
        if self.released and not released:
            self.recall()
        self.released = released
        goal = Goal.model_validate_json(message["goal"]) if message.get("goal") else None
        if goal != self.goal:
            self.set_goal(goal)
        spotlight = message.get("spotlight") or None
        if spotlight != self.spotlight:
            self.set_spotlight(spotlight)

    def apply_stored(self, fields: dict[bytes, bytes]) -> None:
        """The shared settings as the ``room:{code}`` hash holds them."""
        self.apply({"type": "room", **{k.decode(): v.decode() for k, v in fields.items()}})

    async def _listen(self) -> None:
        while True:
            try:
                await self._pubsub.subscribe(self.k["frames"], self.k["control"])
                # What changed before we listened: read after subscribing, so nothing falls between.
                self.apply_stored(await self.redis.hgetall(self.k["room"]))
                self._subscribed.set()
                async for message in self._pubsub.listen():
                    if message["type"] != "message":
                        continue
                    if message["channel"] == self.k["frames"].encode():
                        origin, frame = message["data"][:ORIGIN], message["data"][ORIGIN:]
                        if origin != self._origin:  # ours went to our followers already
                            self.stream.receive(frame)
                    else:
                        self.apply(json.loads(message["data"]))
            except (RedisError, OSError) as exc:
                log.warning("room %s: lost Redis (%s); retrying", self.code, exc)
                await asyncio.sleep(RETRY_SECONDS)

    async def _write(self) -> None:
        """Whatever queued meanwhile goes in one pipeline: one round trip, in order."""
        await self._subscribed.wait()  # a request's answer must find us listening
        while True:
            writes = [await self._writes.get()]
            while not self._writes.empty():
                writes.append(self._writes.get_nowait())
            pipe = self.redis.pipeline(transaction=False)
            for write in writes:
                write(pipe)
            try:
                await pipe.execute()

            except (RedisError, OSError) as exc:
                log.warning("room %s: writes to Redis failed (%s)", self.code, exc)

    def _queue(self, write: Write) -> None:
        try:
            self._writes.put_nowait(write)
        except asyncio.QueueFull:  # Redis is slow or gone: followers catch up later
            log.warning("room %s: Redis writes queued past %d; one dropped", self.code, QUEUE)

    def _control(self, message: dict[str, Any]) -> None:
        data = json.dumps(message)
        self._queue(lambda r: r.publish(self.k["control"], data))


@contextlib.asynccontextmanager
async def unavailable() -> AsyncIterator[None]:
    """Turns Redis being unreachable into the page's clear message."""
    try:
        yield
    except (RedisError, OSError) as exc:
        raise RoomsUnavailableError(UNREACHABLE) from exc


UNREACHABLE = (
    "Classes are unavailable: this server cannot reach its Redis right now. "
    "Single playground tabs still work; try the class again in a minute."
)
