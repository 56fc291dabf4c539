"""A class at work over real websockets: the spotlight on every screen (the
lecturer's too), and a challenge checked on the server with a shared leaderboard."""

import re

import pytest

from app.rooms.challenge import Goal, Result, check
from engine.trainer import Trainer
from tests.app.conftest import Frame, Tab
from tests.app.test_rooms import room_tabs, start  # noqa: F401 (a fixture)

MAX_MESSAGES = 200


def fragment(tab: Tab, pattern: str) -> str:
    """The next text fragment matching ``pattern``; frames on the way are acked."""
    for _ in range(MAX_MESSAGES):
        message = tab.receive()
        if isinstance(message, Frame):
            tab.send("ack", frame=message.header["frame"])
        elif re.search(pattern, message, re.S):
            return message
    raise AssertionError(f"no fragment matching {pattern!r}")


def class_of(client, room_tabs, query: str = "?dataset=xor"):  # noqa: F811
    code, key = start(client, query)
    lecturer = room_tabs(code, key)
    lecturer.frame()
    students = []
    for _ in range(2):
        students.append(room_tabs(code))
        lecturer.frame()
        students[-1].frame()
    students[0].frame()  # the second newcomer's catch-up, as a delta
    lecturer.send("release")
    return lecturer, students


def test_the_spotlight_shows_a_students_fork_on_the_lecturers_screen_too(client, room_tabs):  # noqa: F811
    lecturer, (explorer, watcher) = class_of(client, room_tabs)
    explorer.send("fork")
    explorer.frame()
    for _ in range(3):
        explorer.roundtrip("step", unit="epoch")
    lecturer.send("spotlight", student="s1")
    shown = lecturer.frame()  # the fork's state, as a full frame
    assert shown.header["reset"] and shown.header["epoch"] == 3
    seen = watcher.frame()
    assert seen.header["reset"] and seen.header["epoch"] == 3
    assert explorer.frame().header["epoch"] == 3  # the same moment, on the fork's own page
    stepped = explorer.roundtrip("step", unit="epoch")
    assert lecturer.frame().header["epoch"] == watcher.frame().header["epoch"] == 4
    assert stepped.header["epoch"] == 4
    assert "Spotlight on Student 1" in fragment(lecturer, 'id="room-class"')
    lecturer.send("spotlight", student=None)
    back = lecturer.frame()  # the leader's own run again, whole
    assert back.header["reset"] and back.header["epoch"] == 0
    assert watcher.frame().header["epoch"] == 0
    assert lecturer.roundtrip("step", unit="epoch").header["epoch"] == 1


def test_only_an_exploring_student_can_be_spotlighted(client, room_tabs):  # noqa: F811
    lecturer, _ = class_of(client, room_tabs)
    lecturer.send("spotlight", student="s2")
    assert "only a student who is exploring" in fragment(lecturer, "error-general")


def test_a_challenge_ranks_met_goals_then_fewer_parameters_then_fewer_epochs(client, room_tabs):  # noqa: F811
    lecturer, (small, large) = class_of(client, room_tabs)
    lecturer.send("challenge", dataset="xor", threshold=0.0, max_epochs=50)
    for student in (small, large):
        student.send("fork")
        student.frame()
    large.send("config", hidden=[8, 8])
    large.frame()
    for student in (small, large):
        student.roundtrip("step", unit="epoch")
    lecturer.send("release")  # any lecturer message scores the forks and sends the table
    table = fragment(lecturer, "✓.*✓")  # both met the goal
    assert table.index('data-student="s1"') < table.index('data-student="s2"')
    assert "Challenge: xor" in table
    assert "place 1 of 2" in fragment(small, "place 1")
    assert "place 2 of 2" in fragment(large, "place 2")


def test_a_challenge_on_another_dataset_is_unmet_and_a_blank_one_clears_it(client, room_tabs):  # noqa: F811
    lecturer, (student, _) = class_of(client, room_tabs)
    lecturer.send("challenge", dataset="spiral")
    student.send("fork")
    student.roundtrip("step", unit="epoch")
    lecturer.send("release")
    status = fragment(student, "Challenge: spiral")
    assert "met at epoch" not in status
    lecturer.send("challenge", dataset="")
    assert "Challenge" not in fragment(student, 'id="room-status"')


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        (Goal(dataset="xor", threshold=0.0), Result(False, 25, 1)),
        (Goal(dataset="xor", threshold=0.0, max_neurons=3), Result(True, 25, 2)),
        (Goal(dataset="circle", threshold=0.0), Result(True, 25, 2)),
        (Goal(dataset="xor", metric="test_loss", threshold=1e-9), Result(True, 25, 2)),
    ],
)
def test_check_reads_the_forks_own_history(goal, expected):
    trainer = Trainer.from_config({"dataset": "xor"}, kernels=False)
    trainer.epoch()
    trainer.epoch()
    assert check(goal, trainer) == expected
    assert sorted([Result(True, 1, 1), Result(False, 90, 9), Result(False, 17, 9)])[0] == (
        Result(False, 17, 9)
    )


def test_students_are_told_while_the_lecturer_is_away(client, room_tabs):  # noqa: F811
    code, key = start(client)
    student = room_tabs(code)
    assert "The lecturer is away" in fragment(student, 'id="room-status"')
    lecturer = room_tabs(code, key)
    lecturer.frame()
    assert "room-away" not in fragment(student, r'^(?!.*room-away).*id="room-status"')
