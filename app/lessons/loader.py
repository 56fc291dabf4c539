"""Reading a folder of lesson files, all checked before the server starts.

A mistake stops the loading with one ``LessonError`` naming the file and the
line: TOML syntax errors carry their line; for a wrong value the line is
found from the keys that lead to it (the ``[[steps]]`` header, then the key).
"""

import re
import tomllib
from pathlib import Path

from app.lessons.schema import Lesson, SchemaError, Where, parse_lesson
from engine.errors import InputError

# "03-overfitting.toml" is the lesson "overfitting", third in the menu.
_FILE_NAME = re.compile(r"(?:\d+-)?(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)")
_STEP_HEADER = re.compile(r"^\s*\[\[\s*steps\s*\]\]")
_TOML_LINE = re.compile(r"at line (\d+)")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


class LessonError(InputError):
    """A lesson file that cannot be used; ``str()`` is "path:line: what is wrong"."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__("lessons", message)
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def load_lessons(directory: Path | str) -> dict[str, Lesson]:
    """Every ``*.toml`` lesson in ``directory``, by name, in file-name order."""
    folder = Path(directory)
    if not folder.is_dir():
        raise LessonError(folder, 0, "no such folder of lessons")
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise LessonError(folder, 0, "no lesson files (*.toml) in this folder")
    lessons: dict[str, Lesson] = {}
    for path in paths:
        lesson = load_lesson(path)
        if lesson.name in lessons:
            raise LessonError(path, 1, f"another file already holds the lesson {lesson.name!r}")
        lessons[lesson.name] = lesson
    return lessons


def load_lesson(path: Path) -> Lesson:
    """One lesson file, checked; LessonError names the line of the first mistake."""
    match = _FILE_NAME.fullmatch(path.stem)
    if match is None:
        raise LessonError(
            path, 1, "name lesson files in lowercase words and dashes, e.g. 03-overfitting.toml"
        )
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _TOML_LINE.search(str(error))
        raise LessonError(
            path, int(line.group(1)) if line else 1, f"TOML syntax: {error}"
        ) from None
    try:
        return parse_lesson(match.group("name"), data)
    except SchemaError as error:
        raise LessonError(
            path, line_of(text, error.where), _place(error.where) + error.message
        ) from None


def _place(where: Where) -> str:
    """ "step 2, config: " for ("steps", 1, "config", …); steps count from 1 as a lecturer does."""
    if len(where) >= 2 and where[0] == "steps" and isinstance(where[1], int):
        rest = [str(key) for key in where[2:3]]
        return f"step {where[1] + 1}{', ' + rest[0] if rest else ''}: "
    return ""


def line_of(text: str, where: Where) -> int:
    """The line (from 1) holding the value at ``where``, as near as the text shows it."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    headers = [i for i, line in enumerate(lines) if _STEP_HEADER.match(line)]
    keys = list(where)
    if (
        keys[:1] == ["steps"]
        and len(keys) > 1
        and isinstance(keys[1], int)
        and keys[1] < len(headers)
    ):
        start = headers[keys[1]]
        end = headers[keys[1] + 1] if keys[1] + 1 < len(headers) else len(lines)
        keys = keys[2:]
    elif keys[:1] != ["steps"]:
        end = headers[0] if headers else len(lines)  # the lesson's own keys come first
    found = start
    for key in keys:
        found = (
            _find(lines, key, found, end)
            if isinstance(key, str)
            else _nth_string(lines, key, found, end)
        )
    return found + 1


def _find(lines: list[str], key: str, start: int, end: int) -> int:
    """The first line from ``start`` that sets ``key`` or opens its table; else ``start``."""
    name = re.escape(key)
    pattern = re.compile(rf'(?:^|[\s{{,])["\']?{name}["\']?\s*=|^\s*\[[\w.]*\b{name}\s*\]')
    return next((i for i in range(start, end) if pattern.search(lines[i])), start)


def _nth_string(lines: list[str], n: int, start: int, end: int) -> int:
    """The line of the ``n``-th quoted string from the key at ``start`` (a list's item)."""
    seen = 0
    for i in range(start, end):
        text = lines[i].split("=", 1)[1] if i == start and "=" in lines[i] else lines[i]
        for _ in _STRING.finditer(text.split("#", 1)[0]):
            if seen == n:
                return i
            seen += 1
    return start
