"""Lessons as files: a lecturer's sequence of experiments, each step a fresh
start from its config, with a sentence to read and a question for the class.

A lesson is one TOML file (the built-in ones are in ``lessons/``; the format is
described in ``lessons/README.md``). ``load_lessons`` reads a folder of them
and checks everything before the server starts; ``built_in_lessons`` are the
ones that ship with the playground.
"""

from functools import cache
from pathlib import Path

from app.lessons.loader import LessonError, load_lessons
from app.lessons.schema import Lesson, Step
from app.settings import LESSONS_DIR

__all__ = [
    "BUILT_IN_DIR",
    "Lesson",
    "LessonError",
    "Step",
    "built_in_lessons",
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
