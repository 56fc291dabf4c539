"""The room's HTML fragments, swapped in by htmx out of band: a student's status
bar and the lecturer's class table. Jinja2's autoescape escapes every nickname."""

from dataclasses import dataclass

from jinja2 import Environment

from app.rooms.challenge import Result, better, check
from app.rooms.room import Room, Student
from engine.trainer import Trainer


@dataclass(frozen=True)
class Row:
    """One line of the class table."""

    id: str
    nickname: str
    mode: str
    summary: str
    epoch: int
    test_loss: float | None
    test_accuracy: float | None
    parameters: int
    result: Result | None
    place: int | None  # 1 for the leader of the board, when a challenge is on


def summary(trainer: Trainer) -> str:
    """The config in brief: "spiral · 8-8 tanh · lr 0.03"."""
    config = trainer.config
    layers = "-".join(map(str, config.hidden)) or "no hidden"
    return f"{config.dataset} · {layers} {config.activation} · lr {config.learning_rate:g}"


def score(room: Room) -> None:
    """Check every fork against the goal (on the server, from its own history)."""
    if room.goal is None:
        return
    for student in room.students.values():
        if student.fork is not None:
            student.result = better(student.result, check(room.goal, student.fork.trainer))


def rows(room: Room) -> list[Row]:
    board = sorted(
        (s for s in room.students.values() if s.result is not None), key=lambda s: s.result
    )
    places = {s.id: n for n, s in enumerate(board, 1)}
    table = []
    for student in room.students.values():
        trainer = student.fork.trainer if student.fork else room.trainer
        last = trainer.history[-1] if trainer.history else None
        table.append(
            Row(
                student.id,
                student.nickname,
                student.mode,
                summary(trainer),
                trainer.epoch_count,
                last.test_loss if last else None,
                last.test_accuracy if last else None,
                trainer.network.params.size,
                student.result,
                places.get(student.id),
            )
        )
    return sorted(table, key=lambda row: (row.place or len(table) + 1, row.id))


class RoomViews:
    def __init__(self, env: Environment) -> None:
        self._class = env.get_template("_room_class.html")
        self._status = env.get_template("_room_status.html")

    def class_table(self, room: Room, table: list[Row]) -> str:
        return self._class.render(room=room, rows=table).strip()

    def status(self, room: Room, student: Student, place: int | None = None) -> str:
        return self._status.render(room=room, student=student, place=place).strip()
