"""What a tab can download from its session, in a registry by name.

``GET /download/{token}/{name}`` (app/routes/files.py) renders one of these
from the session's trainer as it is at that moment.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.custom_data import points_csv
from app.export_scripts import SCRIPTS, ScriptFormat
from app.model_file import capture, model_json
from engine.registry import lookup
from engine.trainer import Trainer

# What a download is made from: the trainer, and the names of its uploaded classes.
Render = Callable[[Trainer, tuple[str, ...]], str]


@dataclass(frozen=True)
class Download:
    name: str
    filename: str
    media_type: str
    render: Render


def all_points(trainer: Trainer, class_names: tuple[str, ...] = ()) -> str:
    """Every point the trainer has, training set first, as CSV (generated or custom)."""
    X = np.concatenate([trainer.X_train, trainer.X_test])
    y = np.concatenate([trainer.y_train, trainer.y_test])
    return points_csv(X, y, class_names=class_names)


def _script(script: ScriptFormat) -> Download:
    return Download(
        script.name, script.filename, "text/x-python", lambda t, _: script.render(capture(t))
    )


DOWNLOADS: dict[str, Download] = {
    d.name: d
    for d in [
        Download("points", "nn_playground_points.csv", "text/csv", all_points),
        Download("model", "nn_playground_model.json", "application/json", model_json),
        *(_script(script) for script in SCRIPTS.values()),
    ]
}


def get_download(name: str) -> Download:
    """Look a download up by name; unknown names list the valid ones."""
    return lookup(DOWNLOADS, name, "download")
