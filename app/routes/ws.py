"""The training stream: one websocket per tab, one ``Session`` per websocket.

Text messages in are control messages (app/protocol.py); out go binary frames
and HTML fragments. This file enforces the server's limits (sessions per
process, message size and rate, floods, idle time) and makes sure a closed tab
leaves no task behind.
"""

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.datastructures import State
from starlette.websockets import WebSocketState

from app.error_slots import GENERAL
from app.idle import IdleTimer
from app.lessons import Lesson
from app.page_query import read_query
from app.protocol import Message, parse_message
from app.pump import Send
from app.rate_limit import Flood, MessageBudget
from app.session import Session
from app.settings import Settings
from app.turns import Turns
from engine.config import ExperimentConfig
from engine.errors import InputError

router = APIRouter()
log = logging.getLogger(__name__)

FULL_CLOSE = 1013  # "try again later"
SERVER_FULL = "The server is full: every training slot is in use. Try again in a few minutes."
MAX_ACK_CHARS = 64  # the page's acks, {"type":"ack","frame":N}, are about 30
SOME_IGNORED = "too many messages; some were ignored"
FLOOD_CLOSE = 1008  # "policy violation"
FLOODED = (
    "This tab sent more messages than the server accepts ({rate:g} a second) for too long, "
    "and has been disconnected. Reload the page to continue."
)
IDLE = "This tab was idle for {minutes:g} minutes and has been disconnected. Reload to continue."
# How a closed socket shows up when we read or write it.
GONE = (WebSocketDisconnect, OSError)


@router.websocket("/ws")
async def training_stream(websocket: WebSocket) -> None:
    """One tab's training session: control messages in, frames and fragments out."""
    state = websocket.app.state
    settings: Settings = state.settings
    await websocket.accept()
    if len(state.sessions) >= settings.max_sessions:
        await websocket.send_text(state.fragments.banner("error", SERVER_FULL))
        await websocket.close(code=FULL_CLOSE, reason="server full")
        return
    send = sender(websocket)
    config, error = initial_config(websocket.query_params, state.lessons)
    options = session_options(state)
    try:
        session = Session(config, state.fragments, send, **options)
    except InputError as exc:  # valid on its own, yet no trainer can be built from it
        session, error = Session(ExperimentConfig(), state.fragments, send, **options), exc
    state.sessions.add(session)
    pump = asyncio.create_task(session.pump.run(), name="nnp-pump")
    pump.add_done_callback(lambda task: _pump_ended(task, websocket))
    try:
        if error:
            await session.report(error)
        await receive(websocket, session, settings)
    except GONE:
        pass
    finally:
        # Nothing awaited past this point: the route ends in the step that saw the
        # tab go, and the cancelled pump ends in the next one.
        pump.cancel()
        state.sessions.discard(session)


def sender(websocket: WebSocket) -> Send:
    """Writes to the socket one message at a time, raising GONE once it is closed."""
    lock = asyncio.Lock()

    async def send(data: str | bytes) -> None:
        async with lock:
            if websocket.application_state != WebSocketState.CONNECTED:
                raise WebSocketDisconnect(1000)  # we closed it (idle, error): stop sending
            try:
                if isinstance(data, bytes):
                    await websocket.send_bytes(data)
                else:
                    await websocket.send_text(data)
            except RuntimeError as exc:
                # The server closed the socket itself (a protocol error, such as text
                # that is not UTF-8) before the app read the disconnect: the tab is gone.
                raise WebSocketDisconnect(1006) from exc

    return send


def session_options(state: State) -> dict[str, Any]:
    """What every session of this app is made with, besides its config and socket."""
    settings: Settings = state.settings
    return {
        "max_fps": settings.max_frames_per_second,
        "turns": turns(state),
        "compress": settings.compress_frames,
        "lessons": state.lessons,
    }


def turns(state: State) -> Turns:
    """The process's turns to build a frame, shared by its sessions (made with the first)."""
    if getattr(state, "turns", None) is None:
        state.turns = Turns()
    return state.turns


def _pump_ended(task: asyncio.Task[None], websocket: WebSocket) -> None:
    """A pump only ends by cancellation; if it failed, log it and close the tab."""
    if task.cancelled() or isinstance(task.exception(), GONE):
        return
    log.error("session pump failed", exc_info=task.exception())
    closing = asyncio.ensure_future(websocket.close(code=1011, reason="internal error"))
    # Read the outcome (the tab may be gone already), so asyncio has nothing to warn of.
    closing.add_done_callback(lambda done: done.cancelled() or done.exception())


def initial_config(
    query: Mapping[str, str], lessons: Mapping[str, Lesson]
) -> tuple[ExperimentConfig, InputError | None]:
    """The config the websocket's query (the page's) asks for, or the defaults and
    what was wrong; in a lesson, the step's config and the changes made to it."""
    asked = read_query(query, lessons)
    return asked.config, asked.error


class Handler(Protocol):
    """What the messages a socket reads go to: a ``Session``, or a room's link."""

    async def handle(self, message: Any) -> None: ...
    async def report(self, error: InputError) -> None: ...
    async def send_banner(self, level: str = "info", text: str = "") -> None: ...
    def is_valid_ack(self, message: Any) -> bool: ...


async def receive(
    websocket: WebSocket,
    session: Handler,
    settings: Settings,
    parse: Callable[[str], Any] = parse_message,
) -> None:
    """Read control messages until the tab goes away, idles out or floods; ``parse``
    turns text into a message (a room's socket also knows the room's messages)."""
    budget = MessageBudget(settings.max_messages_per_second, 2 * settings.max_frames_per_second)
    with IdleTimer(settings.idle_timeout) as idle:
        while True:
            try:
                event = await idle.wait(websocket.receive())
            except TimeoutError:
                text = IDLE.format(minutes=settings.idle_timeout / 60)
                await session.send_banner("warning", text)
                await websocket.close(code=1000, reason="idle")
                return
            if event["type"] == "websocket.disconnect":
                return
            message = _read(event, budget, settings.max_message_bytes, parse)
            valid_ack = session.is_valid_ack(message)
            # One message per pass of the event loop: queued messages are read without
            # waiting, and a tab that floods must not keep the other tabs from running.
            # The ack of the frame the page draws is one per frame, so it goes on at
            # once (a pass less per frame).
            if not valid_ack:
                await asyncio.sleep(0)
            if message is None or not budget.allow(valid_ack):
                flood = budget.overflow()
                if flood is Flood.SUSTAINED:
                    await session.send_banner(
                        "error", FLOODED.format(rate=settings.max_messages_per_second)
                    )
                    await websocket.close(code=FLOOD_CLOSE, reason="too many messages")
                    return
                if flood is Flood.STARTED:
                    await session.report(InputError(GENERAL, SOME_IGNORED))
                # A valid ack past its allowance is part of the flood, and still goes
                # through: a lost one would stall the tab for good.
                if not valid_ack:
                    continue
            if isinstance(message, InputError):
                await session.report(message)
            else:
                await session.handle(message)


def _read(
    event: Mapping[str, object],
    budget: MessageBudget,
    max_bytes: int,
    parse: Callable[[str], Any] = parse_message,
) -> Message | InputError | None:
    """The event's message, or what is wrong with it; None: dropped unread, over the
    reading budget."""
    if not (budget.admit() or _maybe_ack(event)):
        return None
    try:
        return parse(_text(event, max_bytes))
    except InputError as exc:
        return exc


def _maybe_ack(event: Mapping[str, object]) -> bool:
    """Whether the event could be an ack, which is read even past the reading budget
    (a lost ack would stall the tab); an ack is short, so reading it costs little."""
    text = event.get("text")
    return isinstance(text, str) and len(text) <= MAX_ACK_CHARS and '"ack"' in text


def _text(event: Mapping[str, object], max_bytes: int) -> str:
    """The event's text, if it is text and not too long."""
    text = event.get("text")
    if not isinstance(text, str):
        raise InputError(GENERAL, "binary messages are not accepted; send JSON text")
    size = len(text.encode())
    if size > max_bytes:
        raise InputError(GENERAL, f"message too large ({size} bytes; the limit is {max_bytes})")
    return text
