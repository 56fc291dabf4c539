"""A class: its lecturer's trainer, the stream its students follow, and the students.

The room keeps the leader's trainer, not the lecturer's socket: a lecturer who
reloads or moves to another device (the lecturer link) picks up the same run,
playing or paused at the speed it had (app/rooms/play.py).
The stream's source is the leader's session, or a spotlighted student's fork;
while a spotlight is on, the lecturer's page follows the stream too (the
leader's own frames wait, and its training with them, as for any tab that
stops acking).

``Room`` is one process's whole class (the ``memory`` backend). A backend that
spreads a class over processes subclasses it and overrides the hooks at the
end (app/rooms/redis_room.py): ``students`` is then this process's students.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.frame_builder import Moment
from app.pump import Send
from app.rooms.challenge import Goal, Result
from app.rooms.follower import Follower
from app.rooms.play import Play
from app.rooms.stream import Stream
from app.session import Session
from engine.trainer import Trainer

FOLLOWING, EXPLORING = "following", "exploring"


class RoomFullError(Exception):
    """Past a limit (students in a room, rooms in a process); the message says which."""


class RoomsUnavailableError(Exception):
    """The rooms' shared store cannot be reached; the message says so, for the page."""


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
    stream: Any = field(init=False)  # a Stream here; a relay of another process's frames
    leader: Session | None = None  # while the lecturer's socket is open (in this process)
    lecturer_send: Send | None = None
    lecturer_view: Follower | None = None  # the lecturer's page, while a spotlight is on
    released: bool = False  # students may explore from the lecturer's state
    spotlight: str | None = None  # a student whose fork the class watches
    goal: Goal | None = None
    students: dict[str, Student] = field(default_factory=dict)
    board: list[Any] = field(default_factory=list)  # the class table's rows, last tick
    play: Play = field(default_factory=Play)  # the leader's, as it left (or as saved)
    _source: Session | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.stream = self.make_stream()

    # The lecturer

    def lead(self, session: Session, send: Send) -> None:
        """The lecturer's socket leads, playing (or not) at the speed the last one left."""
        self.play.resume(session.pump)
        self.leader, self.lecturer_send = session, send
        self.lecturer_view = Follower(send, self._wanted)
        self._refresh_source()

    def leave(self, session: Session) -> None:
        if self.leader is session:
            self.play = Play.of(session.pump)
            if self.lecturer_view is not None:
                self.stream.followers.discard(self.lecturer_view)
            self.leader = self.lecturer_send = self.lecturer_view = None
            self._refresh_source()

    def lecturer_frames(self, send: Send) -> Send:
        """The leader session's ``send``: its frames wait while a spotlight is on."""

        async def gated(message: str | bytes) -> None:
            if isinstance(message, str) or self.spotlight is None:
                await send(message)

        return gated

    # Students

    def join(self, nickname: str, send: Send, number: int | None = None) -> Student:
        """A student; ``number`` (their id's) comes from the backend when the class
        spans processes, else from this room's count."""
        if len(self.students) >= self.max_followers:
            raise RoomFullError(
                f"This class is full ({self.max_followers} students). Ask your lecturer."
            )
        number = number or next(self._ids)
        student = Student(
            f"s{number}", nickname or f"Student {number}", send, Follower(send, self._wanted)
        )
        self.students[student.id] = student
        self.stream.followers.add(student.follower)
        student.follower.enter()
        return student

    def drop(self, student: Student) -> None:
        self._end_fork(student)
        self.students.pop(student.id, None)
        self.stream.followers.discard(student.follower)

    def fork(self, student: Student, session: Session) -> None:
        """The student explores on their own ``session`` (built from a copy of the
        leader's trainer): they leave the stream until they rejoin."""
        student.fork = session
        self.stream.followers.discard(student.follower)
        self._refresh_source()

    def rejoin(self, student: Student) -> None:
        self._end_fork(student)
        self.stream.followers.add(student.follower)
        student.follower.enter()

    def recall(self) -> None:
        """Every fork in this process ends; its students follow again."""
        self.released = False
        for student in list(self.students.values()):
            if student.fork is not None:
                self.rejoin(student)

    def set_goal(self, goal: Goal | None) -> None:
        self.goal = goal
        for student in self.students.values():
            student.result = None

    def _end_fork(self, student: Student) -> None:
        if self.spotlight == student.id:
            self.set_spotlight(None)
            self.shared_changed()
        if student.stop_fork is not None:
            student.stop_fork()
        student.fork = student.stop_fork = None

    @property
    def lecturer_away(self) -> bool:
        """No lecturer socket leads the class now (in any process)."""
        return self.leader is None

    def exploring(self, student_id: str) -> bool:
        """Whether a student explores now: here, or (from the last tick) elsewhere."""
        local = self.students.get(student_id)
        if local is not None:
            return local.fork is not None
        return any(row.id == student_id and row.mode == EXPLORING for row in self.board)

    # What the class watches

    def set_spotlight(self, student_id: str | None) -> None:
        self.spotlight = student_id
        self._refresh_source()

    @property
    def source(self) -> Session | None:
        """This process's session that feeds the stream: the spotlighted fork, else
        the leader (None while the source lives in another process)."""
        if self.spotlight is not None:
            spot = self.students.get(self.spotlight)
            return spot.fork if spot else None
        return self.leader

    def _refresh_source(self) -> None:
        """Stream from the source now due; on a switch, every follower catches up."""
        self._show_lecturer()
        new = self.source
        if new is self._source:
            return
        if self._source is not None:
            self._source.watchers.remove(self.publish)
        self._source = new
        if new is not None:
            new.watchers.append(self.publish)
            # Frame numbers keep rising across sources, so stale acks stay stale.
            new.pump.frame_number = max(new.pump.frame_number, self.stream.last_number)
        for follower in self.stream.followers:
            follower.desync()

    def _show_lecturer(self) -> None:
        """The lecturer's page follows the stream while a spotlight is on; after it,
        the leader's next frame (a full one) takes the page back."""
        view, leader = self.lecturer_view, self.leader
        if view is None or leader is None:
            return
        if self.spotlight is not None and view not in self.stream.followers:
            self.stream.followers.add(view)
            view.enter()
        elif self.spotlight is None and view in self.stream.followers:
            self.stream.followers.discard(view)
            pump = leader.pump
            pump.frame_number = max(pump.frame_number, self.stream.last_number)
            pump.unacked, leader.page = None, leader.page.fresh()
            pump.owe()
            pump.wake()

    # Hooks: where the stream's frames and the class's settings go. In one process,
    # the stream is fed directly and the settings need no telling.

    def make_stream(self) -> Any:
        return Stream(self.compress)

    def publish(self, moment: Moment) -> None:
        self.stream.publish(moment)

    def _wanted(self) -> None:
        """A follower is catching up: the source owes a frame (a paused one too)."""
        if self._source is not None:
            self._source.pump.owe()
            self._source.pump.wake()

    def shared_changed(self) -> None:
        """Release, recall, spotlight or challenge changed: tell the other processes."""

    async def claim_lead(self) -> bool:
        """Whether a lecturer socket may lead now (one at a time, in any process)."""
        return self.leader is None

    async def release_lead(self) -> None:
        """The lecturer's socket closed (after ``leave``)."""

    async def share(self, table: list[Any]) -> list[Any]:
        """This process's students' rows in, the whole class's out (app/rooms/ticker.py)."""
        return table

    async def fork_trainer(self) -> Trainer:
        """What a student's fork starts from: the leader's state, now."""
        return self.trainer.copy()
