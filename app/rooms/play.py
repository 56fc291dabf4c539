"""The leader's play state: whether it was playing, and at what speed.

The trainer's saved state (engine/trainer_state.py) is the network and its data;
whether it trains on by itself, and how many epochs a frame, are the page's
business, kept by the leader's pump. The room keeps them here so a lecturer who
reconnects (a reload, another device or, with Redis, another process) resumes
the class as it was going, not paused at 1×.
"""

import json
from dataclasses import asdict, dataclass

from app.pump import Pump
from engine.trainer import READY


@dataclass(frozen=True)
class Play:
    playing: bool = False
    epochs_per_frame: float = 1.0  # the speed menu's value

    @classmethod
    def of(cls, pump: Pump) -> "Play":
        return cls(pump.playing, pump.epochs_per_frame)

    def resume(self, pump: Pump) -> None:
        """The new leader's pump carries on; a trainer that cannot train (diverged,
        stopped early) stays paused, as a click on play would leave it."""
        pump.playing = self.playing and pump.trainer.state == READY
        pump.epochs_per_frame = self.epochs_per_frame

    def dump(self) -> str:
        """JSON, for a store shared by processes."""
        return json.dumps(asdict(self))

    @classmethod
    def load(cls, text: str | bytes | None) -> "Play":
        """What ``dump`` wrote; nothing saved yet (or unreadable): paused at 1×."""
        try:
            data = json.loads(text) if text else {}
            return cls(bool(data.get("playing", False)), float(data.get("epochs_per_frame", 1.0)))
        except (ValueError, TypeError, AttributeError):
            return cls()
