"""A lecturer's class: start one, join one by code or link, and the room's socket.

``POST /rooms`` starts a class from the page's config and hands the lecturer
the room's key in an HttpOnly, SameSite=Strict cookie scoped to ``/r/CODE``
(so it reaches the page and its socket, ``/r/CODE/ws``, and nothing else).
The socket that presents the key drives the room; every other one follows.
"""

import asyncio
import contextlib
import io
import logging
from typing import Any
from urllib.parse import parse_qsl

import segno
from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import State
from starlette.websockets import WebSocketDisconnect

from app.rooms.guard import JoinGuard
from app.rooms.keys import hash_key, key_matches, new_key, normalise_code
from app.rooms.links import LecturerLink, StudentLink
from app.rooms.messages import parse_room_message
from app.rooms.room import Room, RoomFullError, RoomsUnavailableError, Student
from app.routes.pages import page_context
from app.routes.ws import (
    FULL_CLOSE,
    GONE,
    SERVER_FULL,
    initial_config,
    receive,
    sender,
    session_options,
)
from app.session import Session
from engine.errors import InputError
from engine.trainer import Trainer

router = APIRouter()
log = logging.getLogger(__name__)

COOKIE = "nnp_lecturer"
MAX_FORM_BYTES = 4096  # a config query is a few hundred bytes
NO_ROOM_CLOSE = 4404  # an application close code: no such room (expired, or mistyped)
UNAVAILABLE_CLOSE = 1011  # the rooms' Redis cannot be reached
# Another lecturer socket leads: the page retries, since a dropped socket's claim
# lapses (at once here when the server saw it go; with Redis, within a few ticks).
LEAD_HELD_CLOSE = 4409
NO_ROOM = (
    "No class has the code {code}: check it with your lecturer "
    "(a class ends after {hours:g} h without activity)."
)
GUESSING = "Too many wrong class codes from your address: wait a minute, then try again."
TWO_LECTURERS = (
    "This class is already open in another lecturer tab: close that one first "
    "(this page keeps trying meanwhile)."
)


def _client(request: Request | WebSocket) -> str:
    return request.client.host if request.client else "unknown"


def _notice(request: Request, text: str, status: int) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, "_room_notice.html", {"text": text}, status_code=status
    )


async def _find(request: Request | WebSocket, typed: str) -> tuple[Room | None, str | None]:
    """The room a typed code names, or why not (per-address guard against guessing;
    RoomsUnavailableError when the rooms' shared store cannot be reached)."""
    state, settings = request.app.state, request.app.state.settings
    guard: JoinGuard = state.join_guard
    if guard.blocked(_client(request)):
        return None, GUESSING
    code = normalise_code(typed)
    room = await state.rooms.find(code) if code else None
    if room is None:
        guard.missed(_client(request))
        hours = settings.room_idle_timeout / 3600
        return None, NO_ROOM.format(code=typed[:12], hours=hours)
    return room, None


def _set_key(response: Response, request: Request, room: Room, key: str) -> None:
    response.set_cookie(
        COOKIE,
        key,
        max_age=int(request.app.state.settings.room_idle_timeout),
        path=f"/r/{room.code}",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


@router.post("/rooms")
async def start_class(request: Request) -> Response:
    """A new room from the page's config (its query string, the form's ``query``); the
    caller is its lecturer. The form is parsed here: one urlencoded field, no multipart."""
    body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace")
    query = dict(parse_qsl(body)).get("query", "")
    config, _ = initial_config(dict(parse_qsl(query.lstrip("?"))), request.app.state.lessons)
    try:
        trainer = Trainer.from_config(config)
    except InputError:  # valid on its own, yet no trainer can be built from it
        trainer = Trainer.from_config({})
    key = new_key()
    try:
        room = await request.app.state.rooms.create(hash_key(key), trainer)
    except (RoomFullError, RoomsUnavailableError) as exc:
        return _notice(request, str(exc), 503)
    log.info("room %s started by %s", room.code, _client(request))
    response = RedirectResponse(f"/r/{room.code}", status_code=303)
    _set_key(response, request, room, key)
    return response


async def _find_page(request: Request, typed: str) -> Room | Response:
    """The room, or the page that says why not (unknown code, guessing, no Redis)."""
    try:
        room, error = await _find(request, typed)
    except RoomsUnavailableError as exc:
        return _notice(request, str(exc), 503)
    if room is None:
        return _notice(request, error or "", 429 if error == GUESSING else 404)
    return room


@router.get("/join")
async def join(request: Request, code: str = "") -> Response:
    room = await _find_page(request, code)
    if isinstance(room, Response):
        return room
    return RedirectResponse(f"/r/{room.code}", status_code=303)


@router.get("/r/{code}", response_class=HTMLResponse)
async def room_page(request: Request, code: str) -> Response:
    room = await _find_page(request, code)
    if isinstance(room, Response):
        return room
    key = request.cookies.get(COOKIE)
    lecturer = key_matches(key, room.key_hash)
    context = page_context(room.trainer.config, None, request.app.state.lessons)
    base = str(request.base_url).rstrip("/")
    context["room"] = {
        "code": room.code,
        "lecturer": lecturer,
        "join_url": f"{base}/r/{room.code}",
        "lecturer_url": f"{base}/r/{room.code}/lead?key={key}" if lecturer else None,
        "socket": f"/r/{room.code}/ws",
    }
    context["query"] = ""
    return request.app.state.templates.TemplateResponse(
        request, "index.html", context, headers={"Cache-Control": "no-store"}
    )


@router.get("/r/{code}/lead")
async def lecturer_link(request: Request, code: str, key: str = "") -> Response:
    """The lecturer link: another device becomes the lecturer's (the key moves to its
    cookie). A page that forwards, not a redirect: a SameSite=Strict cookie set while
    following a link from another site would not be sent on the redirect's request."""
    try:
        room, error = await _find(request, code)
    except RoomsUnavailableError as exc:
        return _notice(request, str(exc), 503)
    if room is None or not key_matches(key, room.key_hash):
        if room is not None:
            request.app.state.join_guard.missed(_client(request))
        return _notice(request, error or "This lecturer link is not valid.", 403)
    response = request.app.state.templates.TemplateResponse(
        request, "_room_notice.html", {"text": "Opening your class…", "forward": f"/r/{room.code}"}
    )
    _set_key(response, request, room, key)
    return response


@router.get("/r/{code}/qr.svg")
async def qr_code(request: Request, code: str) -> Response:
    try:
        room, error = await _find(request, code)
    except RoomsUnavailableError as exc:
        return Response(str(exc), status_code=503, media_type="text/plain")
    if room is None:
        return Response(error, status_code=404, media_type="text/plain")
    url = f"{str(request.base_url).rstrip('/')}/r/{room.code}"
    image = io.BytesIO()  # a whole SVG document (with its xmlns), so an <img> shows it
    segno.make(url, error="m").save(image, kind="svg", scale=6, border=2)
    return Response(
        image.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


@router.websocket("/r/{code}/ws")
async def room_stream(websocket: WebSocket, code: str) -> None:
    state: State = websocket.app.state
    await websocket.accept()
    try:
        room, error = await _find(websocket, code)
        if room is not None:
            room = await state.rooms.attach(room)
    except RoomsUnavailableError as exc:
        await _refuse(websocket, str(exc), UNAVAILABLE_CLOSE)
        return
    if room is None:
        await websocket.send_text(state.fragments.banner("error", error or ""))
        await websocket.close(code=NO_ROOM_CLOSE, reason="no such room")
        return
    send = sender(websocket)
    try:
        if key_matches(websocket.cookies.get(COOKIE), room.key_hash):
            await _lecture(websocket, room, send)
        else:
            await _follow(websocket, room, send)
    except RoomsUnavailableError as exc:
        await _refuse(websocket, str(exc), UNAVAILABLE_CLOSE)
    finally:
        await state.rooms.detach(room)


async def _refuse(websocket: WebSocket, text: str, code: int = FULL_CLOSE) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await websocket.send_text(websocket.app.state.fragments.banner("error", text))
        await websocket.close(code=code, reason="refused")


async def _lecture(websocket: WebSocket, room: Room, send: Any) -> None:
    state = websocket.app.state
    if not await room.claim_lead():
        await _refuse(websocket, TWO_LECTURERS, LEAD_HELD_CLOSE)
        return
    if len(state.sessions) >= state.settings.max_sessions:
        await room.release_lead()
        await _refuse(websocket, SERVER_FULL)
        return
    session = Session(
        room.trainer.config,
        state.fragments,
        room.lecturer_frames(send),
        trainer=room.trainer,
        **session_options(state),
    )
    link = LecturerLink(room, session, state.rooms, state.room_views)
    room.lead(session, send)
    state.sessions.add(session)
    tasks = [
        asyncio.create_task(session.pump.run(), name="nnp-pump"),
        asyncio.create_task(_view_run(room)),
    ]
    try:
        await receive(websocket, link, state.settings, parse_room_message)
    except GONE:
        pass
    finally:
        for task in tasks:
            task.cancel()
        room.leave(session)
        state.sessions.discard(session)
        await room.release_lead()


async def _view_run(room: Room) -> None:
    """Sends the lecturer's page the stream's frames while a spotlight is on."""
    if room.lecturer_view is not None:
        await room.lecturer_view.run()


async def _follow(websocket: WebSocket, room: Room, send: Any) -> None:
    state = websocket.app.state
    try:
        number = await state.rooms.student_number(room)
        student = room.join(websocket.query_params.get("name", ""), send, number)
    except RoomFullError as exc:
        await _refuse(websocket, str(exc))
        return
    state.rooms.touch(room)
    log.info("room %s: %s joined from %s", room.code, student.id, _client(websocket))

    async def start_fork(student: Student) -> Session:
        if len(state.sessions) >= state.settings.max_sessions:
            raise InputError("general", SERVER_FULL)
        fork = Session(
            room.trainer.config,
            state.fragments,
            send,
            trainer=await room.fork_trainer(),
            **session_options(state),
        )
        fork.pump.frame_number = room.stream.last_number  # acks keep rising across the switch
        fork.page.speed = None  # the page shows the lecturer's speed: the fork says its own
        task = asyncio.create_task(fork.pump.run(), name="nnp-pump")
        state.sessions.add(fork)

        def stop() -> None:
            task.cancel()
            state.sessions.discard(fork)

        student.stop_fork = stop
        return fork

    link = StudentLink(room, student, state.room_views, state.fragments, start_fork)
    sending = asyncio.create_task(student.follower.run())
    try:
        await link.send_status()
        await receive(websocket, link, state.settings, parse_room_message)
    except GONE:
        pass
    finally:
        sending.cancel()
        room.drop(student)
