"""What a session's parts (its optional views, its data) may use of the session.

The session owns its parts and hands itself to them; they see it through this
protocol, so the parts depend on what they use and not on app/session.py.
"""

from typing import Protocol

from app.frame_builder import PageState
from app.pump import Pump
from engine.trainer import Trainer


class Views(Protocol):
    def clear(self) -> None:
        """Leave every optional view (an opened model starts without them)."""
        ...


class SessionCore(Protocol):
    trainer: Trainer
    pump: Pump
    page: PageState
    views: Views

    def apply_config(self) -> None:
        """Put the config changes accepted so far in force."""
        ...

    def drop_pending(self) -> None:
        """Forget config changes not yet in force."""
        ...
