"""A lesson file's content, checked: what a lesson and its steps may say.

The loader (app/lessons/loader.py) reads the TOML and turns a ``SchemaError``
into a message naming the file and line; this module only knows the shape.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from app.lessons.claims import Claim, parse_claim
from app.lessons.controls import CONTROLS
from app.lessons.measures import MEASURES
from app.protocol import Speed
from engine.config import ExperimentConfig
from engine.errors import InputError

Where = tuple[str | int, ...]  # the keys leading to a value: ("steps", 0, "config", "noise")


class SchemaError(ValueError):
    """What is wrong with a lesson file, and ``where`` in it."""

    def __init__(self, where: Where, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Step:
    title: str
    say: str  # the sentence the page shows: true on screen while the step plays
    ask: str  # the question for the class
    config: ExperimentConfig  # whole: opening the step is a reset from its seed
    hide: tuple[str, ...]  # controls not shown in this step
    lock: tuple[str, ...]  # controls shown but not changeable
    play: bool  # start training as soon as the step opens
    speed: float  # epochs per frame, as the speed menu sets it
    expect: tuple[Claim, ...]  # what ``say`` claims, for the tests to check


@dataclass(frozen=True)
class Lesson:
    name: str  # URL-friendly, from the file name
    title: str
    about: str
    steps: tuple[Step, ...]


LESSON_KEYS = {"title": str, "about": str, "config": dict, "steps": list}
STEP_KEYS = {
    "title": str,
    "say": str,
    "ask": str,
    "config": dict,
    "hide": list,
    "lock": list,
    "play": bool,
    "speed": (int, float),
    "expect": list,
}
REQUIRED_LESSON = ("title", "about", "steps")
REQUIRED_STEP = ("title", "say", "ask")


def parse_lesson(name: str, data: dict[str, Any]) -> Lesson:
    """The lesson ``data`` (a parsed TOML file) describes, or a SchemaError."""
    _check_keys(data, LESSON_KEYS, REQUIRED_LESSON, ())
    shared = data.get("config", {})
    if not data["steps"]:
        raise SchemaError(("steps",), "a lesson needs at least one [[steps]]")
    steps = tuple(_step(shared, step, ("steps", i)) for i, step in enumerate(data["steps"]))
    return Lesson(name, data["title"].strip(), data["about"].strip(), steps)


def _step(shared: dict[str, Any], data: Any, where: Where) -> Step:
    if not isinstance(data, dict):
        raise SchemaError(where, "each step is a [[steps]] table")
    _check_keys(data, STEP_KEYS, REQUIRED_STEP, where)
    config = _config({**shared, **data.get("config", {})}, data.get("config", {}), where)
    hide = _controls(data.get("hide", []), (*where, "hide"))
    lock = _controls(data.get("lock", []), (*where, "lock"))
    both = sorted(set(hide) & set(lock))
    if both:
        raise SchemaError((*where, "lock"), f"{both[0]} is both hidden and locked; choose one")
    claims = tuple(
        _claim(text, config, (*where, "expect", i)) for i, text in enumerate(data.get("expect", []))
    )
    return Step(
        title=data["title"].strip(),
        say=data["say"].strip(),
        ask=data["ask"].strip(),
        config=config,
        hide=hide,
        lock=lock,
        play=data.get("play", False),
        speed=_speed(data.get("speed", 1), (*where, "speed")),
        expect=claims,
    )


def _check_keys(
    data: dict[str, Any], known: dict[str, Any], required: tuple[str, ...], where: Where
) -> None:
    for key, value in data.items():
        if key not in known:
            raise SchemaError(
                (*where, key), f"unknown key {key!r}; valid keys are {', '.join(known)}"
            )
        kind = known[key]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise SchemaError((*where, key), f"{key} must be {_kind_name(kind)}")
    for key in required:
        if key not in data:
            raise SchemaError(where, f"{key} is missing")
        if isinstance(data[key], str) and not data[key].strip():
            raise SchemaError((*where, key), f"{key} is empty")


def _kind_name(kind: Any) -> str:
    names = {str: "text in quotes", dict: "a table", list: "a list [...]", bool: "true or false"}
    return names.get(kind, "a number")


def _config(merged: dict[str, Any], own: dict[str, Any], where: Where) -> ExperimentConfig:
    """The step's whole config: defaults, then the lesson's [config], then the step's."""
    try:
        return ExperimentConfig.parse(merged)
    except InputError as error:
        # Point at whichever table set the bad key: the step's, else the lesson's.
        if error.key in own:
            place: Where = (*where, "config", error.key)
        elif error.key in merged:
            place = ("config", error.key)
        else:  # a default that clashes with the step's choices
            place = (*where, "config") if own else where
        raise SchemaError(place, f"{error.key}: {error.message}") from None


def _controls(names: list[Any], where: Where) -> tuple[str, ...]:
    for i, name in enumerate(names):
        if name not in CONTROLS:
            raise SchemaError(
                (*where, i), f"unknown control {name!r}; choose from {', '.join(CONTROLS)}"
            )
    if len(set(names)) != len(names):
        raise SchemaError(where, "each control may appear only once")
    return tuple(names)


def _speed(value: float, where: Where) -> float:
    try:
        return Speed(type="speed", epochs_per_frame=value).epochs_per_frame
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise SchemaError(where, f"speed (epochs per frame): {message}; got {value!r}") from None


def _claim(text: Any, config: ExperimentConfig, where: Where) -> Claim:
    if not isinstance(text, str):
        raise SchemaError(where, "each claim is a line of text in quotes")
    try:
        claim = parse_claim(text)
    except ValueError as error:
        raise SchemaError(where, str(error)) from None
    if MEASURES[claim.measure].classification_only and config.problem != "classification":
        raise SchemaError(where, f"{claim.measure} needs a classification problem")
    return claim
