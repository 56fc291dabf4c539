"""The control messages a tab sends over its websocket (docs/protocol.md).

Each message is a JSON object with a ``type``; one small pydantic model per
type, and ``Message``, their union, tells them apart by that ``type``. The
``config`` message carries experiment config keys, which
``engine.config.ExperimentConfig`` validates, so this file only reshapes them
(htmx sends every value as a string). Anything wrong becomes an ``InputError``
naming the problem, for the page to show.
"""

import json
import re
import sys
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from app.error_slots import CUSTOM_DATA, GENERAL, SPEED
from app.json_depth import nests_deeper_than
from app.url_state import comma_list, query_to_changes
from engine.errors import InputError
from engine.features import FEATURES
from engine.grid import EXTENT
from engine.plain_words import name_of, say

MAX_WEIGHT = 1000.0  # a hand-set weight or bias; larger is never useful on this plot
MAX_LABEL = 100.0  # a drawn regression value; the generated ones lie in [-1, 1]
MAX_DEPTH = 32  # nesting of arrays and objects; a real message has two or three levels


def _comma_list(value: Any) -> Any:
    """Lists arrive as JSON arrays or, from a form, as comma-separated strings."""
    return comma_list(value) if isinstance(value, str) else value


class Control(BaseModel):
    """A message with no fields beyond its type; htmx's extra form values are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    slot: ClassVar[str] = GENERAL  # where the page shows this message's errors


class Play(Control):
    type: Literal["play"]


class Pause(Control):
    type: Literal["pause"]


class Reset(Control):
    type: Literal["reset"]


class Regenerate(Control):
    type: Literal["regenerate"]


class Step(Control):
    type: Literal["step"]
    unit: Literal["batch", "epoch"] = "epoch"


class Speed(Control):
    slot: ClassVar[str] = SPEED
    type: Literal["speed"]
    epochs_per_frame: float = Field(ge=0.1, le=100, allow_inf_nan=False)

    @field_validator("epochs_per_frame")
    @classmethod
    def _whole_above_one(cls, value: float) -> float:
        # Below one it is a fraction of a pass (slow motion); above, whole passes.
        if value > 1 and not value.is_integer():
            raise ValueError("must be a whole number of epochs above 1")
        return value


class Ack(Control):
    type: Literal["ack"]
    frame: int = Field(ge=0)


Weight = Annotated[float, Field(ge=-MAX_WEIGHT, le=MAX_WEIGHT, allow_inf_nan=False)]
Index = Annotated[int, Field(ge=0)]


class SetWeight(Control):
    type: Literal["set_weight"]
    layer: Index
    source: Index
    target: Index
    value: Weight


class SetBias(Control):
    type: Literal["set_bias"]
    layer: Index
    neuron: Index
    value: Weight


class View(Control):
    type: Literal["view"]
    # None: the server's default pair for the inputs (app/page_views.py, PageViews.pair).
    pair: Annotated[list[str] | None, BeforeValidator(_comma_list)]

    @field_validator("pair")
    @classmethod
    def _two_features(cls, pair: list[str] | None) -> list[str] | None:
        if pair is None:
            return None
        unknown = [name for name in pair if name not in FEATURES]
        if unknown:
            raise ValueError(f"unknown feature; choose from {', '.join(FEATURES)}")
        if len(pair) != 2:
            raise ValueError("must be two feature names")
        return pair


class Open(Control):
    """Open a step of one of the server's lessons: a fresh experiment from its config."""

    type: Literal["open"]
    lesson: str = Field(max_length=100)
    step: int = Field(ge=1)  # counted from 1, as the lesson's menu shows it


class Stepper(Control):
    """Step-through mode: show the next stage of the mini-batch, or leave the mode."""

    type: Literal["stepper"]
    action: Literal["next", "exit"] = "next"


class HiddenView(Control):
    """The hidden-space view: a hidden layer (None: off) and how to project it."""

    type: Literal["hidden_view"]
    layer: Annotated[int | None, Field(ge=0)] = None
    projection: Literal["pca", "neurons"] = "pca"
    neurons: Annotated[list[Index], BeforeValidator(_comma_list)] = [0, 1]

    @field_validator("neurons", mode="after")
    @classmethod
    def _two_neurons(cls, neurons: list[int]) -> list[int]:
        if len(neurons) != 2 or neurons[0] == neurons[1]:
            raise ValueError("must be two different neuron numbers")
        return neurons


class ShowBatch(Control):
    """Highlight each frame's last mini-batch on the data plot."""

    type: Literal["show_batch"]
    on: bool


Coordinate = Annotated[float, Field(ge=-EXTENT, le=EXTENT, allow_inf_nan=False)]


class AddPoint(Control):
    """Drawing: one point of a class (1 or -1 for two classes, 0 … K−1 for K) or, for
    regression, with a value."""

    slot: ClassVar[str] = CUSTOM_DATA
    type: Literal["add_point"]
    x1: Coordinate
    x2: Coordinate
    label: float = Field(ge=-MAX_LABEL, le=MAX_LABEL, allow_inf_nan=False)


class RemovePoint(Control):
    """Drawing: remove the point nearest (x1, x2)."""

    slot: ClassVar[str] = CUSTOM_DATA
    type: Literal["remove_point"]
    x1: Coordinate
    x2: Coordinate


class ClearPoints(Control):
    """Drawing: remove every point; training waits until enough are drawn again."""

    slot: ClassVar[str] = CUSTOM_DATA
    type: Literal["clear_points"]


class Config(Control):
    """Any subset of the experiment config; ``changes`` holds it, reshaped, unvalidated."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: Literal["config"]

    @property
    def changes(self) -> dict[str, Any]:
        raw = {k: v for k, v in (self.model_extra or {}).items() if k != "HEADERS"}
        return {**raw, **query_to_changes({k: v for k, v in raw.items() if isinstance(v, str)})}


Message = Annotated[
    Config
    | Play
    | Pause
    | Step
    | Reset
    | Regenerate
    | Speed
    | Ack
    | SetWeight
    | SetBias
    | View
    | Open
    | Stepper
    | HiddenView
    | ShowBatch
    | AddPoint
    | RemovePoint
    | ClearPoints,
    Field(discriminator="type"),
]
_MESSAGE = TypeAdapter(Message)
# Each model by its type's name, in the union's order: ``{"config": Config, …}``.
MESSAGES: dict[str, type[Control]] = {
    get_args(model.model_fields["type"].annotation)[0]: model
    for model in get_args(get_args(Message)[0])
}


# An ack as the page writes it (JSON.stringify), about 9 a second from every tab:
# read without the JSON parser and the models' validation.
_PAGE_ACK = re.compile(r'\{"type":"ack","frame":(0|[1-9]\d{0,14})\}')


def parse_message(text: str) -> Message:
    """The message in ``text``, or an InputError saying what is wrong with it."""
    if ack := _PAGE_ACK.fullmatch(text):
        return Ack(type="ack", frame=int(ack[1]))
    if nests_deeper_than(text, MAX_DEPTH):
        raise InputError(GENERAL, f"the message is nested more than {MAX_DEPTH} levels deep")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(GENERAL, f"the message is not JSON ({exc.msg})") from None
    except ValueError:  # an integer longer than Python converts (int_max_str_digits)
        digits = max(len(run) for run in re.findall(r"\d+", text))
        limit = sys.get_int_max_str_digits()
        raise InputError(
            GENERAL, f"the message has a number with {digits} digits; the limit is {limit}"
        ) from None
    if not isinstance(data, Mapping):
        raise InputError(GENERAL, "a message must be a JSON object with a type")
    try:
        return _MESSAGE.validate_python(data)
    except ValidationError as exc:
        raise _message_error(data.get("type"), exc) from None


def _message_error(kind: Any, exc: ValidationError) -> InputError:
    """The first problem in plain words: "Speed must be a number from 0.1 to 100 …"."""
    error = exc.errors()[0]
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        expected = ", ".join(MESSAGES)
        return InputError(GENERAL, f"unknown message type {kind!r}; expected one of {expected}")
    loc = error["loc"][1:]  # after the type's name
    model = MESSAGES[kind]
    field = model.model_fields.get(str(loc[0])) if loc else None
    key = str(loc[0]) if loc else str(kind)
    return InputError(model.slot, say(error, name_of(key, kind), field))
