"""Server settings: defaults that suit a classroom box, overridable by
environment variables (``NNP_MAX_SESSIONS=50``) and CLI flags."""

import os
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "NNP_"


def page_dir(name: str) -> Path:
    """Where the page's ``templates`` or ``static`` live: beside the packages in a
    checkout or editable install, else where a wheel puts them (pyproject's data-files)."""
    beside = ROOT / name
    return beside if beside.is_dir() else Path(sys.prefix) / "share" / "nn-playground" / name


TEMPLATES_DIR, STATIC_DIR = page_dir("templates"), page_dir("static")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    max_sessions: int = 400  # per process; over it a tab is told the server is full
    max_message_bytes: int = 16_384
    max_messages_per_second: float = 60.0  # per tab, averaged over a one-second burst
    # A paused tab sends nothing; two hours outlasts a lecture before it is closed.
    idle_timeout: float = 7200.0  # seconds without a message
    max_frames_per_second: float = 20.0
    compress_frames: bool = True  # zlib the arrays section (about 2.5x fewer bytes)
    templates_dir: Path = TEMPLATES_DIR
    static_dir: Path = STATIC_DIR

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Defaults, then ``NNP_<FIELD>`` variables, then explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            name = ENV_PREFIX + field.name.upper()
            if name in environ:
                values[field.name] = _convert(name, environ[name], type(getattr(cls, field.name)))
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
