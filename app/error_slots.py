"""Where the page shows an error: beside the control it concerns, else in the general slot.

The page has an ``error-KEY`` slot beside every config control and the speed
control, and one ``error-general`` slot for the rest; both the page route (a
bad URL) and the websocket session (a bad message) place errors with ``place``.
"""

from engine.config import ExperimentConfig
from engine.errors import InputError

GENERAL = "general"  # the slot for problems that are not about one control
SPEED = "epochs_per_frame"
ERROR_SLOTS = frozenset([*ExperimentConfig.model_fields, SPEED, GENERAL])


def place(error: InputError) -> tuple[str, str]:
    """The slot and the words for ``error``; a key with no slot of its own is named
    in the general slot's message ("colour: unknown setting …")."""
    if error.key in ERROR_SLOTS:
        return error.key, error.message
    return GENERAL, f"{error.key}: {error.message}"
