"""The page URL's query, which the websocket's query repeats: a config, or a
lesson step (``?lesson=overfitting&step=2``) and what differs from its config.

In a lesson the URL names the step and holds only the changes made to it, so a
shared link or a reload comes back to the same step, changes included.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from app.error_slots import GENERAL
from app.lessons import Lesson, Step
from app.url_state import query_to_changes
from engine.config import ExperimentConfig
from engine.errors import InputError

LESSON_KEYS = ("lesson", "step")  # not config keys
# How the page shows things, not what the server trains: static/js/view_state.js
# reads them; the server only lets them through.
VIEW_KEYS = ("present", "show_test", "discretize", "log_scale", "pair", "speed")


@dataclass(frozen=True)
class Opened:
    """The lesson step a URL names."""

    lesson: str
    number: int  # from 1
    step: Step


@dataclass(frozen=True)
class PageQuery:
    config: ExperimentConfig
    opened: Opened | None
    error: InputError | None  # what was wrong, shown beside its control


def read_query(query: Mapping[str, str], lessons: Mapping[str, Lesson]) -> PageQuery:
    """The config (and step) a query asks for; on a mistake, as much as is valid and why."""
    error = None
    try:
        opened = open_step(query, lessons)
    except InputError as exc:
        opened, error = None, exc
    base = opened.step.config.model_dump() if opened else {}
    page_keys = (*LESSON_KEYS, *VIEW_KEYS)
    changes = query_to_changes({k: v for k, v in query.items() if k not in page_keys})
    try:
        config = ExperimentConfig.parse({**base, **changes})
    except InputError as exc:
        config, error = ExperimentConfig.parse(base), exc
    return PageQuery(config, opened, error)


def open_step(query: Mapping[str, str], lessons: Mapping[str, Lesson]) -> Opened | None:
    """The lesson step a query names, or None; InputError for one that does not exist."""
    name = query.get("lesson")
    if not name:
        return None
    lesson = lessons.get(name)
    if lesson is None:
        raise InputError(GENERAL, f"no lesson {name!r}; choose from {', '.join(lessons)}")
    raw = query.get("step", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= len(lesson.steps):
        raise InputError(GENERAL, f"{name} has steps 1 … {len(lesson.steps)}; got {raw!r}")
    return Opened(name, int(raw), lesson.steps[int(raw) - 1])
