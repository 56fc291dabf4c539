"""A class across two ``nn-playground`` processes sharing a real Redis: the lecturer
on one, students on the other (docs/design.md, "Rooms")."""

import re
import time

import httpx2 as httpx
import pytest

from tests.app.conftest import Frame
from tests.integration.conftest import Socket, lead_until, start_class

ATTEMPTS = 100  # reconnects, PAUSE apart, while the dead process's lecturer claim runs out
PAUSE = 0.1


def lead_again(sockets, base: str, code: str, key: str) -> tuple[Socket, str | Frame]:
    """The lecturer's socket on ``base``, once the old socket's claim on the lead has
    lapsed or been let go; and the first message it got."""
    for _ in range(ATTEMPTS):
        socket = sockets(base, code, key)
        message = socket.receive()
        if not isinstance(message, str) or "already open in another lecturer tab" not in message:
            return socket, message
        time.sleep(PAUSE)
    pytest.fail("the old lecturer socket's claim on the lead never lapsed")


def follow(lecturer: Socket, student: Socket) -> None:
    """The student has caught up with the lecturer's stream."""
    first = lead_until(lecturer, student, lambda f: True)
    assert first.header["reset"] and first.header["config"]["dataset"] == "xor"


def test_frames_flow_to_students_on_another_process(servers, sockets):
    one, two = servers
    code, key = start_class(one.url)
    assert httpx.get(f"{two.url}/r/{code}").status_code == 200  # any process finds it
    lecturer = sockets(one.url, code, key)
    student = sockets(two.url, code)
    follow(lecturer, student)
    lecturer.send("step", unit="epoch")
    stepped = lecturer.frame_where(lambda f: f.header["epoch"] == 1)
    seen = lead_until(lecturer, student, lambda f: f.header["epoch"] == 1)
    assert seen.header["history"]["epoch"][-1] == stepped.header["history"]["epoch"][-1]
    student.send("play")  # lecturer control from a student's process: refused as before
    assert "Only the lecturer drives the class" in student.fragment("error-general")


def test_students_on_the_lecturers_process_and_the_other_see_the_same_frames(servers, sockets):
    """The lecturer's process hands its frames to its own students directly, the
    other process gets them through Redis: both see the same steps."""
    one, two = servers
    code, key = start_class(one.url)
    lecturer = sockets(one.url, code, key)
    near, far = sockets(one.url, code), sockets(two.url, code)
    follow(lecturer, near)
    follow(lecturer, far)
    lecturer.send("step", unit="epoch")
    stepped = lecturer.frame_where(lambda f: f.header["epoch"] == 1)
    for student in (near, far):
        seen = lead_until(lecturer, student, lambda f: f.header["epoch"] == 1)
        assert seen.header["history"]["train_loss"] == stepped.header["history"]["train_loss"]


def test_a_fork_on_the_other_process_starts_from_the_leaders_state(servers, sockets):
    one, two = servers
    code, key = start_class(one.url)
    lecturer = sockets(one.url, code, key)
    student = sockets(two.url, code)
    follow(lecturer, student)
    for epoch in (1, 2):
        lecturer.send("step", unit="epoch")
        lecturer.frame_where(lambda f, e=epoch: f.header["epoch"] == e)
    lecturer.send("release")
    student.fragment("Explore from here")
    student.send("fork")
    forked = student.frame_where(lambda f: f.header["reset"] and f.header["epoch"] == 2)
    assert len(forked.header["history"]["epoch"]) == 2
    student.send("step", unit="epoch")
    assert student.frame_where(lambda f: f.header["epoch"] == 3)


def test_the_leaderboard_is_shared_by_the_processes(servers, sockets):
    one, two = servers
    code, key = start_class(one.url)
    lecturer = sockets(one.url, code, key)
    near, far = sockets(one.url, code), sockets(two.url, code)
    lecturer.frame()
    lecturer.send("release")
    lecturer.send("challenge", dataset="xor", threshold=0.0)
    for student, name, hidden in ((near, "Near", [8, 8]), (far, "Far", [2])):
        student.send("nickname", name=name)
        student.fragment("Explore from here")
        student.send("fork")
        student.frame()
        student.send("config", hidden=hidden)
        student.send("step", unit="epoch")
        student.frame_where(lambda f: f.header["epoch"] == 1)
    table = lecturer.fragment("✓</td>")
    while table.count("✓") < 2:
        table = lecturer.fragment("✓</td>")
    assert table.index(">Far<") < table.index(">Near<")  # fewer parameters first
    assert "place 1 of 2" in far.fragment("place 1 of 2")
    assert "place 2 of 2" in near.fragment("place 2 of 2")


def test_a_lecturer_whose_process_died_resumes_on_the_other(servers, sockets):
    one, two = servers
    code, key = start_class(one.url)
    lecturer = sockets(one.url, code, key)
    student = sockets(two.url, code)
    follow(lecturer, student)
    for epoch in (1, 2, 3):
        lecturer.send("step", unit="epoch")
        lecturer.frame_where(lambda f, e=epoch: f.header["epoch"] == e)
    lecturer.fragment('id="room-class"')  # a tick after the last step: its state is saved
    one.process.kill()
    student.fragment("The lecturer is away")  # once the dead process's claim lapses
    resumed, message = lead_again(sockets, two.url, code, key)
    if isinstance(message, str):
        first = resumed.frame()
    else:
        first = message
        resumed.send("ack", frame=first.header["frame"])
    assert first.header["epoch"] == 3 and len(first.header["history"]["epoch"]) == 3
    resumed.send("step", unit="epoch")
    resumed.frame_where(lambda f: f.header["epoch"] == 4)  # acked: the leader may go on
    assert lead_until(resumed, student, lambda f: f.header["epoch"] == 4)


def test_a_lecturer_who_moves_to_the_other_process_plays_on_at_the_same_speed(servers, sockets):
    one, two = servers
    code, key = start_class(one.url)
    lecturer = sockets(one.url, code, key)
    lecturer.frame()
    lecturer.send("speed", epochs_per_frame=4)
    lecturer.send("play")
    lecturer.frame_where(lambda f: f.header["playing"] and f.header.get("epochs_per_frame") == 4)
    lecturer.close()  # its process saves the play state as it lets the lead go
    moved, message = lead_again(sockets, two.url, code, key)
    first = message if not isinstance(message, str) else moved.frame(ack=False)
    assert first.header["playing"] and first.header["epochs_per_frame"] == 4


def test_a_class_through_nginx_with_websocket_upgrades(nginx, sockets):
    code, key = start_class(nginx)
    lecturer = sockets(nginx, code, key)
    students = [sockets(nginx, code) for _ in range(3)]  # round robin: both processes
    lecturer.send("play")
    for student in students:
        assert lead_until(lecturer, student, lambda f: f.header["epoch"] >= 1)


def test_the_spotlight_shows_a_fork_from_another_process_on_the_lecturers_screen(servers, sockets):
    one, two = servers
    code, key = start_class(one.url)
    lecturer = sockets(one.url, code, key)
    explorer = sockets(two.url, code)
    lecturer.frame()
    lecturer.send("release")
    explorer.fragment("Explore from here")
    explorer.send("fork")
    explorer.frame()
    for epoch in (1, 2):
        explorer.send("step", unit="epoch")
        explorer.frame_where(lambda f, e=epoch: f.header["epoch"] == e)
    row = re.search(
        r'data-student="(s\d+)" class="room-exploring"', lecturer.fragment("room-exploring")
    )
    assert row is not None
    lecturer.send("spotlight", student=row.group(1))
    # The explorer's page acks its fork's frames, which the lecturer's page now draws.
    shown = lead_until(explorer, lecturer, lambda f: f.header["epoch"] == 2)
    assert shown.header["reset"]
    lecturer.send("spotlight", student=None)
    # The lecturer's own run, whole again (frames of the fork already sent come first).
    assert lecturer.frame_where(lambda f: f.header["reset"] and f.header["epoch"] == 0)
