"""A class: its lecturer's trainer, the stream its students follow, and the students.

The room keeps the leader's trainer, not the lecturer's socket: a lecturer who
reloads or moves to another device (the lecturer link) picks up the same run.
The stream's source is the leader's session, or a spotlighted student's fork.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from app.pump import Send
from app.rooms.challenge import Goal, Result
from app.rooms.follower import Follower
from app.rooms.stream import Stream
from app.session import Session
from engine.trainer import Trainer

FOLLOWING, EXPLORING = "following", "exploring"


class RoomFullError(Exception):
    """Past a limit (students in a room, rooms in a process); the message says which."""


@dataclass(eq=False)
class Student:
    id: str
    nickname: str
    send: Send
    follower: Follower
    fork: Session | None = None  # their own session while exploring
    stop_fork: Callable[[], None] | None = None  # ends the fork's pump (set by its socket)
    result: Result | None = None  # their best answer to the challenge
    shown_status: str = ""  # the status bar their page has

    @property
    def mode(self) -> str:
        return EXPLORING if self.fork else FOLLOWING


@dataclass(eq=False)
class Room:
    code: str
    key_hash: str
    trainer: Trainer
    compress: bool
    max_followers: int
    last_active: float
    stream: Stream = field(init=False)
    leader: Session | None = None  # while the lecturer's socket is open
    lecturer_send: Send | None = None
    released: bool = False  # students may explore from the lecturer's state
    spotlight: str | None = None  # a student whose fork the class watches
    goal: Goal | None = None
    students: dict[str, Student] = field(default_factory=dict)
    _source: Session | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.stream = Stream(self.compress)

    # The lecturer

    def lead(self, session: Session, send: Send) -> None:
        self.leader, self.lecturer_send = session, send
        self._refresh_source()

    def leave(self, session: Session) -> None:
        if self.leader is session:
            self.leader = self.lecturer_send = None
            self._refresh_source()

    # Students

    def join(self, nickname: str, send: Send) -> Student:
        if len(self.students) >= self.max_followers:
            raise RoomFullError(
                f"This class is full ({self.max_followers} students). Ask your lecturer."
            )
        number = next(self._ids)
        student = Student(
            f"s{number}", nickname or f"Student {number}", send, Follower(send, self._wanted)
        )
        self.students[student.id] = student
        self.stream.followers.add(student.follower)
        student.follower.desync()
        return student

    def drop(self, student: Student) -> None:
        self._end_fork(student)
        self.students.pop(student.id, None)
        self.stream.followers.discard(student.follower)
        if self.spotlight == student.id:
            self.set_spotlight(None)

    def fork(self, student: Student, session: Session) -> None:
        """The student explores on their own ``session`` (built from a copy of the
        leader's trainer): they leave the stream until they rejoin."""
        student.fork = session
        self.stream.followers.discard(student.follower)
        self._refresh_source()

    def rejoin(self, student: Student) -> None:
        self._end_fork(student)
        self.stream.followers.add(student.follower)
        student.follower.desync()

    def _end_fork(self, student: Student) -> None:
        if self.spotlight == student.id:
            self.set_spotlight(None)
        if student.stop_fork is not None:
            student.stop_fork()
        student.fork = student.stop_fork = None

    # What the class watches

    def set_spotlight(self, student_id: str | None) -> None:
        self.spotlight = student_id
        self._refresh_source()

    @property
    def source(self) -> Session | None:
        spot = self.students.get(self.spotlight or "")
        return spot.fork if spot and spot.fork else self.leader

    def _refresh_source(self) -> None:
        """Stream from the source now due; on a switch, every follower catches up."""
        new = self.source
        if new is self._source:
            return
        if self._source is not None:
            self._source.watchers.remove(self.stream.publish)
        self._source = new
        if new is not None:
            new.watchers.append(self.stream.publish)
            # Frame numbers keep rising across sources, so stale acks stay stale.
            new.pump.frame_number = max(new.pump.frame_number, self.stream.last_number)
        for follower in self.stream.followers:
            follower.desync()

    def _wanted(self) -> None:
        """A follower is catching up: the source owes a frame (a paused one too)."""
        if self._source is not None:
            self._source.pump.owe()
            self._source.pump.wake()
