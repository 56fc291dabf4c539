"""A room's frames between processes (app/rooms/relay.py), without Redis: what a
Publisher sends, a Relay hands its followers as a Stream would: at most one
unacked frame each, deltas to the synced, one full frame for all catching up."""

import asyncio

from app.frame_builder import Moment
from app.frame_content import default_pair
from app.rooms.backends import MemoryRooms, make_backend
from app.rooms.follower import Follower
from app.rooms.redis_rooms import RedisRooms
from app.rooms.relay import DELTA, DELTA_THEN_FULL, FULL, FULL_MOMENTS, HEAD, Publisher, Relay
from app.settings import Settings
from engine.trainer import Trainer
from tests.app.conftest import FrameReader


def test_followers_get_deltas_when_synced_and_one_full_frame_when_catching_up():
    asyncio.run(_scenario())


async def _scenario() -> None:
    trainer = Trainer.from_config({"dataset": "xor"}, kernels=False)
    pair = default_pair(trainer.config.features)
    asked: list[int] = []
    relay = Relay(lambda: asked.append(1))
    got: dict[str, list[dict]] = {"a": [], "b": []}

    def sender(name: str):
        read = FrameReader()  # each page's own

        async def send(frame: str | bytes) -> None:
            got[name].append(read(frame).header)

        return send

    a, b = (Follower(sender(name), relay.want) for name in "ab")
    relay.followers |= {a, b}
    tasks = [asyncio.create_task(f.run()) for f in (a, b)]
    a.desync()
    b.desync()
    assert asked == [1]  # two followers catching up: one request
    publisher = Publisher(compress=False)

    async def moment(number: int, full: bool = False) -> None:
        trainer.epoch()
        if full:
            publisher.want_full()
        for message in publisher.frames(Moment(trainer, number, True, 1, pair, True)):
            relay.receive(message)
        await asyncio.sleep(0)

    await moment(1, full=True)
    assert [h["reset"] for h in got["a"] + got["b"]] == [True, True]
    a.ack(1)  # b is still drawing frame 1
    await moment(2)  # a full frame goes with it: moment 1's request holds for ten
    assert [(h["frame"], h["reset"]) for h in got["a"]] == [(1, True), (2, False)]
    assert len(got["b"]) == 1  # b still draws frame 1: the delta passes it by
    b.ack(1)  # the moment's full frame waited for the ack, and goes at once
    await asyncio.sleep(0)
    assert (got["b"][-1]["frame"], got["b"][-1]["reset"]) == (2, True)
    assert got["b"][-1]["epoch"] == 2 and len(got["b"][-1]["history"]["epoch"]) == 2
    assert asked == [1]  # no request: the held frame was the newest
    a.ack(2)
    b.ack(2)
    await moment(3)
    assert [(h["frame"], h["reset"]) for h in got["a"]][-1] == (3, False)
    assert [(h["frame"], h["reset"]) for h in got["b"]][-1] == (3, False)  # deltas again
    a.ack(3)
    b.ack(3)
    publisher = Publisher(compress=False)  # a new source: its chain starts afresh
    await moment(4)
    # A delta that follows nothing is drawn by no one; both ask for a full frame, once.
    assert [h["frame"] for h in got["a"]] == [1, 2, 3] and [h["frame"] for h in got["b"]] == [
        1,
        2,
        3,
    ]
    assert len(asked) == 2
    for task in tasks:
        task.cancel()


def test_a_redis_url_chooses_the_redis_backend(app):
    views = app.state.room_views
    assert isinstance(make_backend(Settings(), views), MemoryRooms)
    shared = make_backend(Settings(redis_url="redis://127.0.0.1:1/0"), views)
    assert isinstance(shared, RedisRooms)
    asyncio.run(shared.close())


def test_a_request_for_a_full_frame_holds_for_some_moments():
    trainer = Trainer.from_config({"dataset": "xor"}, kernels=False)
    pair = default_pair(trainer.config.features)
    publisher = Publisher(compress=False)
    publisher.want_full()
    kinds = [
        [HEAD.unpack_from(m)[0] for m in publisher.frames(Moment(trainer, n, True, 1, pair, True))]
        for n in range(1, FULL_MOMENTS + 2)
    ]
    assert kinds == [[DELTA_THEN_FULL, FULL]] * FULL_MOMENTS + [[DELTA]]
