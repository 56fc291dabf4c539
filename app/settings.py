"""Server settings: defaults that suit a classroom box, overridable by
environment variables (``NNP_MAX_SESSIONS=50``) and CLI flags."""

import os
import sys
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "NNP_"


def page_dir(name: str) -> Path:
    """Where the page's ``templates`` or ``static`` live: beside the packages in a
    checkout or editable install, else where a wheel puts them (pyproject's data-files)."""
    beside = ROOT / name
    return beside if beside.is_dir() else Path(sys.prefix) / "share" / "nn-playground" / name


TEMPLATES_DIR, STATIC_DIR, LESSONS_DIR = map(page_dir, ("templates", "static", "lessons"))
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def option(default: object, help: str) -> Any:
    """A setting that is also a CLI flag and an ``NNP_*`` variable; ``help`` is the
    flag's help text (app/cli.py builds the flags from these fields)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    max_sessions: int = option(400, "tabs per process; over it a tab is told the server is full")
    max_message_bytes: int = option(16_384, "largest control message a tab may send")
    # Averaged over a one-second burst (app/routes/ws.py).
    max_messages_per_second: float = option(60.0, "control messages per tab per second")
    # A paused tab sends nothing; two hours outlasts a lecture before it is closed.
    idle_timeout: float = option(7200.0, "seconds without a message before a tab is disconnected")
    max_frames_per_second: float = option(20.0, "frames per tab per second, at most")
    # The arrays section shrinks about 2.5x.
    compress_frames: bool = option(True, "zlib-compress the maps in each frame")
    # Checked whole at startup (app.lessons.load_lessons): a mistake stops the server.
    lessons: Path = option(LESSONS_DIR, "folder of lesson files (*.toml) to serve")  # noqa: RUF009 (a Path is immutable)
    # Rooms (app/rooms): a lecturer's class, followed live by students.
    room_backend: str = "memory"  # app/rooms/backends.py; NNP_ROOM_BACKEND, not a flag
    # redis://host:port/db: rooms shared by --workers and replicas (the flag is --redis).
    redis_url: str = ""
    max_rooms: int = option(50, "rooms per process; over it Start a class is refused")
    max_followers: int = option(300, "students per room; over it a join is refused")
    room_idle_timeout: float = option(14400.0, "seconds without activity before a room expires")
    # Misses only (unknown codes): a class behind one school NAT joins freely.
    join_misses_per_minute: int = option(10, "wrong room codes per client address per minute")
    room_status_seconds: float = option(1.0, "seconds between class-view updates")
    templates_dir: Path = TEMPLATES_DIR
    static_dir: Path = STATIC_DIR

    @classmethod
    def options(cls) -> list[Field[Any]]:
        """The fields that are command-line flags, in declaration order."""
        return [f for f in fields(cls) if "help" in f.metadata]

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Defaults, then ``NNP_<FIELD>`` variables, then explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in fields(cls):
            name = ENV_PREFIX + setting.name.upper()
            if name in environ:
                kind = type(getattr(cls, setting.name))
                values[setting.name] = _convert(name, environ[name], kind)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    def to_env(self) -> dict[str, str]:
        """The ``NNP_*`` variables that make ``from_env`` rebuild these settings
        (how ``--workers`` hands the CLI's flags to worker processes)."""
        return {ENV_PREFIX + f.name.upper(): _format(getattr(self, f.name)) for f in fields(self)}


def _convert(name: str, raw: str, kind: type) -> object:
    if kind is bool:
        if raw.strip().lower() not in TRUE + FALSE:
            raise ValueError(f"{name}={raw!r} is not a boolean (true or false)")
        return raw.strip().lower() in TRUE
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a valid {kind.__name__}") from None
    if isinstance(value, int | float) and value <= 0:
        raise ValueError(f"{name}={raw!r} must be positive")
    return value


def _format(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
