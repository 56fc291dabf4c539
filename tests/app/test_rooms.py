"""Rooms over real websockets: start a class, follow it, who may drive it, limits."""

import asyncio
import logging

import numpy as np
import pytest
from starlette.websockets import WebSocketDisconnect

from app.rooms.backends import MemoryRooms
from app.rooms.follower import Follower
from app.rooms.guard import JoinGuard
from app.rooms.keys import ALPHABET, clean_nickname, hash_key, normalise_code
from app.rooms.play import Play
from app.settings import Settings
from engine.trainer import Trainer
from tests.app.conftest import FAST, Tab


def class_of_one(client, room_tabs) -> tuple[str, Tab, Tab]:
    """A class's code, its lecturer and one student following, each past their first
    frame."""
    code, key = start(client)
    lecturer = room_tabs(code, key)
    lecturer.frame()
    student = room_tabs(code)
    lecturer.frame()  # the newcomer's catch-up is the leader's next frame
    student.frame()
    return code, lecturer, student


def start(client, query: str = "") -> tuple[str, str]:
    """Start a class as the client; return its code and the lecturer's key."""
    response = client.post("/rooms", data={"query": query}, follow_redirects=False)
    assert response.status_code == 303
    code = response.headers["location"].removeprefix("/r/")
    key = response.cookies["nnp_lecturer"]
    client.cookies.clear()  # the students below share this client: no key for them
    return code, key


@pytest.fixture
def room_tabs(client):
    opened = []

    def open_tab(code: str, key: str | None = None) -> Tab:
        headers = {"cookie": f"nnp_lecturer={key}"} if key else {}
        session = client.websocket_connect(f"/r/{code}/ws", headers=headers)
        opened.append(session)
        return Tab(session.__enter__())

    yield open_tab
    for session in reversed(opened):
        session.__exit__(None, None, None)


def test_start_a_class_gives_a_code_a_scoped_httponly_key_a_qr_code_and_two_links(client):
    response = client.post("/rooms", data={"query": "?dataset=spiral"}, follow_redirects=False)
    code = response.headers["location"].removeprefix("/r/")
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and f"Path=/r/{code}" in cookie
    lecturer = client.get(f"/r/{code}").text
    assert 'class="room room-lecturer"' in lecturer and f"/r/{code}/lead?key=" in lecturer
    client.cookies.clear()
    student = client.get(f"/r/{code}").text
    assert 'class="room room-student"' in student and "lead?key=" not in student
    svg = client.get(f"/r/{code}/qr.svg")
    assert (
        svg.headers["content-type"] == "image/svg+xml"
        and '<svg xmlns="http://www.w3.org/2000/svg"' in svg.text
    )


def test_codes_are_forgiving_to_type_and_nicknames_are_one_short_line():
    assert normalise_code(" ab c7 de ") is None  # B is not in the alphabet
    assert normalise_code("acd 7ef") == "ACD7EF"
    assert clean_nickname("  <b>Ada</b>\n\x00 Lovelace and a very long tail") == (
        "<b>Ada</b> Lovelace and "
    )


def test_two_students_follow_the_lecturer_with_frames_encoded_once(app, client, room_tabs):
    code, key = start(client, "?dataset=xor")
    lecturer = room_tabs(code, key)
    assert lecturer.frame().header["config"]["dataset"] == "xor"
    students, firsts = [], []
    for _ in range(2):  # each newcomer's catch-up is the leader's next frame
        students.append(room_tabs(code))
        lecturer.frame()
        firsts.append(students[-1].frame())
    for first in firsts:  # a newcomer's first frame carries everything
        assert first.header["reset"] and first.header["config"]["dataset"] == "xor"
        assert "train_points" in first.raw
    students[0].frame()  # the second newcomer's catch-up went to the first as a delta
    stream = app.state.rooms._rooms[code].stream
    built = stream.frames_built
    stepped = lecturer.roundtrip("step", unit="epoch")
    after = [s.frame() for s in students]
    assert [f.header["epoch"] for f in after] == [stepped.header["epoch"]] * 2 == [1, 1]
    assert after[0].size == after[1].size and not after[0].header["reset"]
    assert stream.frames_built == built + 1  # one delta for both
    np.testing.assert_array_equal(after[0].raw["output"], stepped.raw["output"])


def test_a_student_cannot_drive_the_room_and_is_told_and_logged(client, room_tabs, caplog):
    _, _, student = class_of_one(client, room_tabs)
    with caplog.at_level(logging.WARNING, logger="app.rooms.links"):
        for kind in ("play", "release", "spotlight"):
            student.send(kind)
            error = next(t for t in iter(student.text, None) if "error-general" in t)
            assert "Only the lecturer drives the class" in error
    assert sum("refused" in r.message for r in caplog.records) == 3


def test_a_wrong_key_is_a_student(client, room_tabs):
    code, _ = start(client)
    impostor = room_tabs(code, "not-the-key")
    impostor.send("play")
    assert "Only the lecturer drives the class" in next(
        t for t in iter(impostor.text, None) if "error-general" in t
    )


def test_a_lagging_student_skips_to_a_full_frame_instead_of_queueing(app, client, room_tabs):
    code, key = start(client)
    lecturer = room_tabs(code, key)
    lecturer.frame()
    slow = room_tabs(code)
    lecturer.frame()
    first = slow.frame(ack=False)
    for _ in range(3):
        lecturer.roundtrip("step", unit="epoch")
    slow.send("ack", frame=first.header["frame"])
    # The newest full frame waited for the ack: no further leader frame is needed.
    caught_up = slow.frame()
    assert caught_up.header["reset"] and caught_up.header["epoch"] == 3
    assert len(caught_up.header["history"]["epoch"]) == 3
    lecturer.roundtrip("step", unit="epoch")
    assert slow.frame().header["epoch"] == 4  # and the deltas follow it


def test_a_full_frame_held_behind_a_newer_delta_still_goes_and_the_page_catches_up():
    """The held frame is the newest picture the page can have even when a delta went
    out after it; once it is drawn, the follower asks for a full frame again."""
    sent: list[bytes] = []
    asked: list[int] = []

    async def send(frame: str | bytes) -> None:
        sent.append(frame)

    async def scenario() -> None:
        follower = Follower(send, lambda: asked.append(1))
        runner = asyncio.create_task(follower.run())
        follower.offer(1, b"one")
        await asyncio.sleep(0)
        follower.skip()  # delta 2 while frame 1 is drawn
        follower.hold(2, b"full two")
        follower.skip()  # delta 3 passes too: the held frame is behind the chain
        follower.ack(1)
        await asyncio.sleep(0)
        assert sent == [b"one", b"full two"] and not follower.synced
        follower.ack(2)
        assert len(asked) == 2  # once on the stale hold, once more when it was drawn
        runner.cancel()

    asyncio.run(scenario())


@pytest.mark.parametrize("settings", [Settings(max_followers=1, **FAST)])
def test_past_the_follower_limit_a_student_is_told_the_class_is_full(client, room_tabs):
    code, _ = start(client)
    room_tabs(code).receive()  # the first student's status
    with client.websocket_connect(f"/r/{code}/ws") as socket:
        assert "This class is full (1 students)" in socket.receive_text()
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()
    assert closed.value.code == 1013


@pytest.mark.parametrize("settings", [Settings(max_rooms=1, **FAST)])
def test_past_the_room_limit_start_a_class_is_refused_clearly(client):
    start(client)
    refused = client.post("/rooms", data={"query": ""}, follow_redirects=False)
    assert refused.status_code == 503 and "already holds 1 classes" in refused.text


@pytest.mark.parametrize("settings", [Settings(join_misses_per_minute=3, **FAST)])
def test_guessing_codes_is_rate_limited_per_address(client):
    code, _ = start(client)
    for _ in range(3):
        assert client.get("/join", params={"code": "ACDEFG"}).status_code == 404
    blocked = client.get(f"/r/{code}")
    assert blocked.status_code == 429 and "Too many wrong class codes" in blocked.text


def test_join_guard_forgets_misses_after_a_minute():
    now = [0.0]
    guard = JoinGuard(2, now=lambda: now[0])
    guard.missed("a")
    guard.missed("a")
    assert guard.blocked("a") and not guard.blocked("b")
    now[0] = 61.0
    assert not guard.blocked("a")


def test_a_room_expires_after_its_idle_time(app):
    now = [0.0]
    rooms = MemoryRooms(Settings(room_idle_timeout=100.0), app.state.room_views, lambda: now[0])
    room = asyncio.run(rooms.create(hash_key("k"), Trainer.from_config({}, kernels=False)))
    now[0] = 90.0
    rooms.touch(room)
    now[0] = 150.0
    assert asyncio.run(rooms.find(room.code)) is room
    now[0] = 191.0
    assert asyncio.run(rooms.find(room.code)) is None and len(rooms) == 0


def test_a_fork_trains_its_next_epoch_exactly_as_the_leader_would():
    leader = Trainer.from_config({"dataset": "spiral", "optimizer": "adam"}, kernels=False)
    for _ in range(3):
        leader.epoch()
    leader.steps(7)  # mid-epoch: the shuffle position and random streams must carry over
    fork = leader.copy()
    assert fork.network.params is not leader.network.params
    ours, theirs = fork.epoch(), leader.epoch()
    assert ours == theirs
    np.testing.assert_array_equal(fork.network.params, leader.network.params)


def test_release_fork_explore_and_rejoin(app, client, room_tabs):
    code, lecturer, student = class_of_one(client, room_tabs)
    student.send("fork")
    assert "has not released the class" in next(t for t in iter(student.text, None) if "error" in t)
    lecturer.roundtrip("step", unit="epoch")
    student.frame()
    lecturer.send("release")
    student.send("fork")
    forked = student.frame()
    assert forked.header["reset"] and forked.header["epoch"] == 1
    explored = student.roundtrip("step", unit="epoch")  # their own session now obeys them
    assert explored.header["epoch"] == 2
    room = app.state.rooms._rooms[code]
    assert room.students["s1"].mode == "exploring" and room.trainer.epoch_count == 1
    student.send("rejoin")
    lecturer.frame()  # the leader's next frame is the catch-up
    back = student.frame()
    assert back.header["reset"] and back.header["epoch"] == 1  # the lecturer's state again
    assert room.students["s1"].mode == "following"


def test_a_lecturer_who_reconnects_plays_on_at_the_same_speed(app, client, room_tabs):
    code, key = start(client)
    headers = {"cookie": f"nnp_lecturer={key}"}
    with client.websocket_connect(f"/r/{code}/ws", headers=headers) as socket:
        first = Tab(socket)
        first.frame()
        first.send("speed", epochs_per_frame=4)
        first.send("play")
        playing = first.frame()
        while not playing.header["playing"] or "epochs_per_frame" not in playing.header:
            playing = first.frame()
        assert playing.header["epochs_per_frame"] == 4
    room = app.state.rooms._rooms[code]
    assert room.leader is None and room.play == Play(playing=True, epochs_per_frame=4)
    resumed = room_tabs(code, key).frame()
    assert resumed.header["playing"] and resumed.header["epochs_per_frame"] == 4
    assert resumed.header["epoch"] >= playing.header["epoch"]
    assert room.leader.pump.playing and room.leader.pump.epochs_per_frame == 4


def test_a_new_class_starts_paused_at_1x(client, room_tabs):
    code, key = start(client)
    lecturer = room_tabs(code, key).frame()
    assert not lecturer.header["playing"] and "epochs_per_frame" not in lecturer.header


def test_a_second_lecturer_socket_is_told_and_closed_with_a_code_the_page_retries(
    client, room_tabs
):
    code, key = start(client)
    room_tabs(code, key).frame()
    headers = {"cookie": f"nnp_lecturer={key}"}
    with client.websocket_connect(f"/r/{code}/ws", headers=headers) as socket:
        assert "already open in another lecturer tab" in socket.receive_text()
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()
    assert closed.value.code == 4409  # not a deliberate close: a dropped socket's claim lapses


def test_a_page_back_in_the_stream_waits_for_no_ack_that_went_elsewhere():
    """A student who forked (or a lecturer whose spotlight ended) while drawing a stream
    frame acked it to another session: back in the stream, nothing waits for that ack."""
    sent: list[bytes] = []

    async def send(frame: str | bytes) -> None:
        sent.append(frame)

    async def scenario() -> None:
        follower = Follower(send, lambda: None)
        runner = asyncio.create_task(follower.run())
        follower.offer(1, b"one")
        await asyncio.sleep(0)
        assert not follower.free  # frame 1 drawn; its ack goes to the fork
        follower.enter()  # rejoined
        assert follower.free and not follower.synced
        follower.offer(5, b"full five")
        await asyncio.sleep(0)
        assert sent == [b"one", b"full five"]
        runner.cancel()

    asyncio.run(scenario())
