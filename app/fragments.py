"""The HTML fragments sent over the websocket for htmx to swap in out of band,
and the words of the banner when training stops by itself (or waits for points).

Each fragment renders one partial that the page also includes (empty), so the
markup has one source: ``_error.html`` beside a control, ``_banner.html`` above
the plot.
"""

import math
from collections.abc import Callable

import numpy as np
from jinja2 import Environment

from engine.trainer import DIVERGED, STOPPED, WAITING, Trainer

BANNER_LEVELS = ("info", "warning", "error")


class Fragments:
    """Renders the websocket's text messages from the app's templates."""

    def __init__(self, env: Environment) -> None:
        self._error = env.get_template("_error.html")
        self._banner = env.get_template("_banner.html")

    def error(self, key: str, message: str = "") -> str:
        """The error beside control ``key`` (``general`` for the rest); empty clears it."""
        return self._error.render(key=key, message=message).strip()

    def banner(self, level: str = "info", text: str = "") -> str:
        """The page-wide banner; empty text hides it."""
        if level not in BANNER_LEVELS:
            raise ValueError(f"banner level must be one of {BANNER_LEVELS}; got {level!r}")
        return self._banner.render(level=level, text=text).strip()


def _divergence(trainer: Trainer) -> str:
    config = trainer.config
    rate = config.learning_rate
    advice = f"Lower the learning rate (now {rate:g}) to {_round_down(rate / 10):g} or less"
    if config.regularization != "none" and config.regularization_rate * rate > 1:
        advice += f", or the regularization rate (now {config.regularization_rate:g})"
    return (
        f"Training diverged at epoch {trainer.diverged_epoch}: the loss became infinite "
        f"or NaN. {advice}, then press Reset."
    )


def _early_stop(trainer: Trainer) -> str:
    patience = trainer.config.early_stopping
    return (
        f"Early stopping at epoch {trainer.epoch_count}: the test loss has not improved for "
        f"{patience} epochs, so the best weights are back. Press Reset to train again."
    )


def _waiting(trainer: Trainer) -> str:
    labels = np.concatenate([trainer.y_train, trainer.y_test])
    classification = trainer.config.problem == "classification"
    enough = "at least 2, of 2 classes" if classification else "at least 2"
    if len(labels) == 0:
        return f"No points yet — click on the plot to add some ({enough}). Training starts then."
    points = f"{len(labels)} point{'s' if len(labels) > 1 else ''} so far"
    if len(labels) >= 2 and (not classification or len(np.unique(labels)) >= 2):
        return (
            f"{points}, none of them for training at this train/test ratio — "
            "add more points, or raise the ratio."
        )
    other = " of another class" if classification and len(labels) >= 2 else ""
    return f"{points} — add more{other} ({enough}) and training starts."


# The banner for each state a trainer stops in by itself: (level, text).
NOTICES: dict[str, tuple[str, Callable[[Trainer], str]]] = {
    DIVERGED: ("error", _divergence),
    STOPPED: ("info", _early_stop),
    WAITING: ("info", _waiting),
}


def notice(trainer: Trainer) -> tuple[str, str]:
    """The banner's level and text for a diverged or early-stopped trainer."""
    level, text = NOTICES[trainer.state]
    return level, text(trainer)


def _round_down(value: float) -> float:
    """The largest 1·10ᵏ or 3·10ᵏ not above ``value``: a learning rate worth typing."""
    power = 10.0 ** math.floor(math.log10(value) + 1e-9)  # 1e-9: 0.3 / 0.1 is not quite 3
    return 3 * power if value >= 3 * power * (1 - 1e-9) else power
