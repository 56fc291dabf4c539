"""The room's HTML fragments, swapped in by htmx out of band: a student's status
bar and the lecturer's class table. Jinja2's autoescape escapes every nickname."""

from dataclasses import asdict, dataclass, replace
from typing import Any

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
    place: int | None = None  # 1 for the leader of the board, when a challenge is on

    def to_dict(self) -> dict[str, Any]:
        """For a store shared by processes (JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Row":
        result = data.get("result")
        return cls(**{**data, "result": Result(**result) if result else None})


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
    """This process's students, as the class table shows them."""
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
            )
        )
    return table


def ranked(table: list[Row]) -> list[Row]:
    """The whole class, leaderboard first: goal met, fewest parameters, fewest epochs."""
    board = sorted((row for row in table if row.result is not None), key=lambda r: r.result)
    places = {row.id: n for n, row in enumerate(board, 1)}
    placed = [replace(row, place=places.get(row.id)) for row in table]
    return sorted(placed, key=lambda row: (row.place or len(table) + 1, row.id))


def places(board: list[Row]) -> dict[str, int | None]:
    """Each student's place on the board, looked up once a tick rather than once a student."""
    return {row.id: row.place for row in board}


class RoomViews:
    def __init__(self, env: Environment) -> None:
        self._class = env.get_template("_room_class.html")
        self._status = env.get_template("_room_status.html")

    def class_table(self, room: Room) -> str:
        names = {row.id: row.nickname for row in room.board}
        spotlight = names.get(room.spotlight or "")
        return self._class.render(room=room, rows=room.board, spotlight=spotlight).strip()

    def status(self, room: Room, student: Student, place: int | None) -> str:
        """The student's status bar; ``place`` on the leaderboard (see ``places``)."""
        return self._status.render(
            room=room, student=student, place=place, of=len(room.board)
        ).strip()
