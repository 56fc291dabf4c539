"""Lessons as files: a lecturer's sequence of experiments, each step a fresh
start from its config, with a sentence to read and a question for the class.

A lesson is one TOML file (the built-in ones are in ``lessons/``; the format is
described in ``lessons/README.md``). ``load_lessons`` reads a folder of them
and checks everything before the server starts; ``built_in_lessons`` are the
ones that ship with the playground.
"""

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from app.lessons.loader import LessonError, load_lessons
from app.lessons.schema import Lesson, Step
from app.settings import LESSONS_DIR
from engine.errors import InputError

__all__ = [
    "BUILT_IN_DIR",
    "Lesson",
    "LessonError",
    "Step",
    "built_in_lessons",
    "find_step",
    "lessons_in",
    "load_lessons",
]

# Beside the packages in a checkout, else where a wheel installs them (pyproject's data-files).
BUILT_IN_DIR = LESSONS_DIR


@cache
def built_in_lessons() -> dict[str, Lesson]:
    """The lessons that ship with the playground, loaded once."""
    return load_lessons(BUILT_IN_DIR)


def lessons_in(directory: Path) -> dict[str, Lesson]:
    """The lessons of ``directory``; the built-in ones are read once per process."""
    return built_in_lessons() if directory == BUILT_IN_DIR else load_lessons(directory)


def find_step(lessons: Mapping[str, Lesson], name: str, number: int) -> Step:
    """Step ``number`` (from 1) of lesson ``name``; InputError says what there is."""
    lesson = lessons.get(name)
    if lesson is None:
        raise InputError("general", f"no lesson {name!r}; choose from {', '.join(lessons)}")
    if not 1 <= number <= len(lesson.steps):
        raise InputError("general", f"{name} has steps 1 … {len(lesson.steps)}; got {number}")
    return lesson.steps[number - 1]
