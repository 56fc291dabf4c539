"""The class table and the students' status bars, about once a second.

Each process that holds a room's sockets ticks it: it scores its own students'
forks (on the server, from their own history), shares their rows
(``Room.share``: the whole class's rows come back), then sends the lecturer's
page the class table and each student's page its status, when it changed.
"""

import asyncio
import contextlib

from starlette.websockets import WebSocketDisconnect

from app.pump import Send
from app.rooms.room import Room
from app.rooms.views import RoomViews, places, ranked, rows, score


async def tick(room: Room, views: RoomViews) -> None:
    score(room)
    room.board = ranked(await room.share(rows(room)))
    if room.lecturer_send is not None:
        await _quietly(room.lecturer_send, views.class_table(room))
    board = places(room.board)
    for student in list(room.students.values()):
        status = views.status(room, student, board.get(student.id))
        if status != student.shown_status:  # only what changed: 300 students a second
            student.shown_status = status
            await _quietly(student.send, status)


class Ticker:
    """Ticks a room while this process holds any of its sockets."""

    def __init__(self, room: Room, views: RoomViews, seconds: float) -> None:
        self._room, self._views, self._seconds = room, views, seconds
        self._sockets = 0
        self._task: asyncio.Task[None] | None = None

    def attach(self) -> None:
        self._sockets += 1
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="nnp-room-ticker")

    def detach(self) -> bool:
        """One socket gone; True when it was the last (the ticker stops)."""
        self._sockets -= 1
        if self._sockets > 0 or self._task is None:
            return False
        self._task.cancel()
        self._task = None
        return True

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._seconds)
            await tick(self._room, self._views)


async def _quietly(send: Send, text: str) -> None:
    """A socket that left mid-tick is dropped by its own route, not here."""
    with contextlib.suppress(WebSocketDisconnect, OSError, RuntimeError):
        await send(text)
