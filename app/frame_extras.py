"""What an optional view adds to a frame: header keys and arrays.

The step-through, the hidden space and the batch highlight each make one
``Extra`` when the tab asked for them; ``build_frame`` appends them as they
are, so a view plugs in without the frame builder knowing it.
"""

from dataclasses import dataclass, field
from typing import Any

from app.frames import FrameArray


@dataclass(frozen=True)
class Extra:
    header: dict[str, Any]
    arrays: list[FrameArray] = field(default_factory=list)
