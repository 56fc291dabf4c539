"""Lessons as files: a lecturer's sequence of experiments, each step a fresh
start from its config, with a sentence to read and a question for the class.

A lesson is one TOML file (the built-in ones are in ``lessons/``; the format is
described in ``lessons/README.md``). ``load_lessons`` reads a folder of them
and checks everything before the server starts; ``built_in_lessons`` are the
ones that ship with the playground.
"""

from functools import cache

from app.lessons.loader import LessonError, load_lessons
from app.lessons.schema import Lesson, Step
from app.settings import page_dir

__all__ = ["BUILT_IN_DIR", "Lesson", "LessonError", "Step", "built_in_lessons", "load_lessons"]

# Beside the packages in a checkout, else where a wheel installs them (pyproject's data-files).
BUILT_IN_DIR = page_dir("lessons")


@cache
def built_in_lessons() -> dict[str, Lesson]:
    """The lessons that ship with the playground, loaded once."""
    return load_lessons(BUILT_IN_DIR)
