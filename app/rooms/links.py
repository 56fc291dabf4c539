"""A room's sockets: the lecturer's, which drives the room, and a student's, which
follows it or explores a fork of it. Both read messages through ``receive()``
(app/routes/ws.py) and refuse, with a clear error and a log line, what their
role may not send (app/rooms/messages.py)."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from app.error_slots import GENERAL, place
from app.fragments import Fragments
from app.protocol import Ack
from app.rooms.backends import RoomBackend
from app.rooms.follower import Follower
from app.rooms.keys import clean_nickname
from app.rooms.messages import EXPLORING, FOLLOWING, LECTURER, Challenge, Nickname, Spotlight
from app.rooms.room import Room, Student
from app.rooms.ticker import tick
from app.rooms.views import RoomViews, places
from app.session import Session
from engine.errors import InputError

log = logging.getLogger(__name__)

NOT_YOURS = "Only the lecturer drives the class; you are following it."
NOT_RELEASED = "The lecturer has not released the class yet: keep following for now."


class LecturerLink:
    """The socket that presented the room's key; its session is the room's leader."""

    def __init__(self, room: Room, session: Session, rooms: RoomBackend, views: RoomViews) -> None:
        self.room, self.session = room, session
        self._rooms, self._views = rooms, views

    async def handle(self, message: Any) -> None:
        self._rooms.touch(self.room)
        if message.type not in LECTURER:  # a student's message type, from the lecturer
            await self.report(InputError(GENERAL, f"{message.type}: only students send this"))
            return
        if isinstance(message, Ack) and self.room.spotlight is not None:
            self._view.ack(message.frame)  # the page draws the spotlighted fork
            return
        handler = getattr(self, f"_on_{message.type}", None)
        if handler is None:  # a playground message: it drives the leader's session
            await self.session.handle(message)
            return
        try:
            handler(message)
        except InputError as exc:
            await self.report(exc)
            return
        self.room.shared_changed()
        await tick(self.room, self._views)

    @property
    def _view(self) -> Follower:
        assert self.room.lecturer_view is not None  # set while this socket leads
        return self.room.lecturer_view

    async def report(self, error: InputError) -> None:
        await self.session.report(error)

    def is_valid_ack(self, message: Any) -> bool:
        if self.room.spotlight is not None:
            return isinstance(message, Ack) and message.frame == self._view.unacked
        return self.session.is_valid_ack(message)

    async def send_banner(self, level: str = "info", text: str = "") -> None:
        await self.session.send_banner(level, text)

    def _on_release(self, _: Any) -> None:
        self.room.released = True

    def _on_recall(self, _: Any) -> None:
        self.room.recall()

    def _on_spotlight(self, message: Spotlight) -> None:
        if message.student is not None and not self.room.exploring(message.student):
            raise InputError(GENERAL, "spotlight: only a student who is exploring can be shown")
        self.room.set_spotlight(message.student)

    def _on_challenge(self, message: Challenge) -> None:
        self.room.set_goal(message.goal)


class StudentLink:
    """A student's socket: the room's stream while following, their fork while exploring."""

    def __init__(
        self,
        room: Room,
        student: Student,
        views: RoomViews,
        fragments: Fragments,
        start_fork: Callable[[Student], Awaitable[Session]],
    ) -> None:
        self.room, self.student, self._views, self._fragments = room, student, views, fragments
        self._start_fork = start_fork  # builds, starts and registers the fork's session

    async def handle(self, message: Any) -> None:
        student = self.student
        allowed = EXPLORING if student.fork else FOLLOWING
        if message.type not in allowed:
            log.warning(
                "room %s: student %s (%s) sent %r, refused",
                self.room.code,
                student.id,
                student.mode,
                message.type,
            )
            await self.report(InputError(GENERAL, f"{message.type}: {NOT_YOURS}"))
            return
        handler = getattr(self, f"_on_{message.type}", None)
        if handler is not None:
            try:
                await handler(message)
            except InputError as exc:
                await self.report(exc)
                return
            await self.send_status()
        elif isinstance(message, Ack) and student.fork is None:
            student.follower.ack(message.frame)
        elif isinstance(message, Ack) and message.frame > student.fork.pump.frame_number:
            return  # a follower frame's ack, from before the fork's numbering
        else:
            await student.fork.handle(message)

    def is_valid_ack(self, message: Any) -> bool:
        """An ack of the frame the page draws (the fork's, or the stream's)."""
        if self.student.fork is not None:
            return self.student.fork.is_valid_ack(message)
        return isinstance(message, Ack) and message.frame == self.student.follower.unacked

    async def report(self, error: InputError) -> None:
        if self.student.fork is not None:
            await self.student.fork.report(error)
        else:
            await self.student.send(self._fragments.error(*place(error)))

    async def send_banner(self, level: str = "info", text: str = "") -> None:
        await self.student.send(self._fragments.banner(level, text))

    async def send_status(self) -> None:
        place = places(self.room.board).get(self.student.id)
        self.student.shown_status = self._views.status(self.room, self.student, place)
        await self.student.send(self.student.shown_status)

    async def _on_nickname(self, message: Nickname) -> None:
        self.student.nickname = clean_nickname(message.name) or self.student.nickname

    async def _on_fork(self, _: Any) -> None:
        if not self.room.released:
            raise InputError(GENERAL, f"fork: {NOT_RELEASED}")
        self.room.fork(self.student, await self._start_fork(self.student))

    async def _on_rejoin(self, _: Any) -> None:
        self.room.rejoin(self.student)
