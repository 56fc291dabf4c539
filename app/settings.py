"""Server settings: defaults that suit a classroom box, overridable by
environment variables (``NNP_MAX_SESSIONS=50``) and CLI flags."""

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    max_sessions: int = 400  # per process; over it a tab is told the server is full
    max_message_bytes: int = 16_384
    max_messages_per_second: float = 60.0  # per tab, averaged over a short burst
    idle_timeout: float = 1800.0  # seconds without a message before a tab is closed
    max_frames_per_second: float = 20.0
    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Defaults, then ``NNP_<FIELD>`` variables, then explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = environ.get(f"NNP_{field.name.upper()}")
            if raw is not None:
                kind = type(getattr(cls, field.name))
                try:
                    values[field.name] = kind(raw)
                except ValueError:
                    raise ValueError(
                        f"NNP_{field.name.upper()}={raw!r} is not a {kind.__name__}"
                    ) from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)
