"""Where the page shows an error: beside the control it concerns, else in the general slot.

The page has an ``error-KEY`` slot beside every config control, the speed
control and the data and model-file controls, and one ``error-general`` slot
for the rest; both the page route (a bad URL) and the websocket session (a
bad message) place errors with ``place``.
"""

from engine.config import ExperimentConfig
from engine.errors import InputError

GENERAL = "general"  # the slot for problems that are not about one control
SPEED = "epochs_per_frame"
CUSTOM_DATA = "custom_data"  # drawing and uploading points (app/custom_data.py's KEY)
MODEL_FILE = "model_file"  # opening a model file (app/model_file.py's KEY)
ERROR_SLOTS = frozenset([*ExperimentConfig.model_fields, SPEED, CUSTOM_DATA, MODEL_FILE, GENERAL])


def place(error: InputError) -> tuple[str, str]:
    """The slot and the words for ``error``; a key with no slot of its own is named
    in the general slot's message ("colour: unknown setting …")."""
    if error.key in ERROR_SLOTS:
        return error.key, error.message
    return GENERAL, f"{error.key}: {error.message}"
