"""The room's own messages, and who may send what.

A room's socket reads the playground's messages (app/protocol.py) and these.
The lecturer (the socket that presented the key) sends everything but
``nickname``, ``fork`` and ``rejoin``; a following student sends only acks,
``nickname`` and ``fork``; an exploring student drives their own fork with the
playground's messages, plus ``nickname`` and ``rejoin``.
"""

import json
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError

from app.error_slots import GENERAL
from app.protocol import MESSAGES, Control, parse_message
from app.rooms.challenge import Goal
from app.rooms.keys import MAX_NICKNAME
from engine.errors import InputError


class Release(Control):
    type: Literal["release"]


class Recall(Control):
    type: Literal["recall"]


class Spotlight(Control):
    type: Literal["spotlight"]
    student: str | None = Field(None, max_length=16)  # None ends the spotlight


def _blank_is_none(value: Any) -> Any:
    """A form's empty number field means "no limit"."""
    return None if value == "" else value


Limit = Annotated[int | None, BeforeValidator(_blank_is_none)]


class Challenge(Control):
    """A goal as the lecturer's form sends it, flat; no ``dataset`` clears it."""

    type: Literal["challenge"]
    dataset: Annotated[str | None, BeforeValidator(_blank_is_none)] = None
    metric: Literal["test_accuracy", "test_loss"] = "test_accuracy"
    threshold: float = 0.95
    max_neurons: Limit = None
    max_epochs: Limit = None

    @property
    def goal(self) -> Goal | None:
        if self.dataset is None:
            return None
        fields = self.model_dump(exclude={"type"})
        try:
            return Goal(**fields)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            raise InputError(GENERAL, f"challenge: {where}: {message}") from None


class Nickname(Control):
    type: Literal["nickname"]
    name: str = Field(max_length=4 * MAX_NICKNAME)  # cleaned and cut to 24 after


class Fork(Control):
    type: Literal["fork"]


class Rejoin(Control):
    type: Literal["rejoin"]


RoomMessage = Annotated[
    Release | Recall | Spotlight | Challenge | Nickname | Fork | Rejoin,
    Field(discriminator="type"),
]
_ROOM = TypeAdapter(RoomMessage)
ROOM_MESSAGES = {
    get_args(m.model_fields["type"].annotation)[0] for m in get_args(get_args(RoomMessage)[0])
}

# Who may send which type, by role (app/rooms/links.py refuses and logs the rest).
PLAYGROUND = set(MESSAGES)
LECTURER = PLAYGROUND | {"release", "recall", "spotlight", "challenge"}
FOLLOWING = {"ack", "nickname", "fork"}
EXPLORING = PLAYGROUND | {"nickname", "rejoin"}


def parse_room_message(text: str) -> Any:
    """A playground message or a room message, else an InputError saying what is wrong."""
    try:
        return parse_message(text)
    except InputError:
        data = _object(text)
        if data.get("type") not in ROOM_MESSAGES:
            raise
    try:
        return _ROOM.validate_python(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"][1:])
        message = error["msg"].removeprefix("Value error, ")
        raise InputError(GENERAL, f"{data['type']}: {where}: {message}") from None


def _object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
