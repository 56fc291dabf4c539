"""What a lesson's claims measure on a trainer, by name: each reads what the
page shows after an epoch (a loss, the links' thickness, a neuron's tile).

A measure is a number, or a yes/no (1.0 or 0.0) for a flag such as
``diverged``. Losses and accuracies come from the epoch's record, which is
what the loss chart and the numbers above it plot.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.trainer import DIVERGED, STOPPED, EpochRecord, Trainer

# The page draws a link thinner than this as no link at all.
ZERO_WEIGHT = 1e-3
# Neuron tiles are judged on a grid this fine: enough to see a flat tile.
TILE_RESOLUTION = 25
# Neurons whose tiles differ by less than this look the same on screen.
SAME_TILE = 1e-6


@dataclass(frozen=True)
class Moment:
    """The trainer after an epoch, with that epoch's record and the starting weights."""

    trainer: Trainer
    record: EpochRecord
    initial: np.ndarray  # the parameters at the reset, for "how far has it moved"


@dataclass(frozen=True)
class Measure:
    name: str
    meaning: str
    read: Callable[[Moment], float]
    flag: bool = False  # a yes/no, claimed without a comparison
    classification_only: bool = False  # regression has no accuracy


def _tiles(moment: Moment) -> list[np.ndarray]:
    """Each hidden layer's neuron maps, one row per neuron."""
    maps = moment.trainer.snapshot(TILE_RESOLUTION).neurons
    return [layer.reshape(len(layer), -1) for layer in maps]


def _dead_neurons(moment: Moment) -> float:
    return float(sum(int((np.abs(tiles).max(axis=1) == 0).sum()) for tiles in _tiles(moment)))


def _symmetric(moment: Moment) -> float:
    layers = _tiles(moment)
    return float(bool(layers) and all(np.ptp(tiles, axis=0).max() < SAME_TILE for tiles in layers))


def _weights(moment: Moment) -> np.ndarray:
    network = moment.trainer.network
    return network.params[network.weight_mask]


def _first_layer_moved(moment: Moment) -> float:
    layer = moment.trainer.network.layers[0].W
    start = moment.initial[: layer.size].reshape(layer.shape)  # layer 0's W leads the vector
    return float(np.abs(layer - start).max())


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in [
        Measure("train_loss", "the training loss", lambda m: m.record.train_loss),
        Measure("test_loss", "the test loss", lambda m: m.record.test_loss),
        Measure(
            "gap",
            "test loss minus training loss",
            lambda m: m.record.test_loss - m.record.train_loss,
        ),
        Measure(
            "train_accuracy",
            "the training accuracy (0 … 1)",
            lambda m: m.record.train_accuracy,
            classification_only=True,
        ),
        Measure(
            "test_accuracy",
            "the test accuracy (0 … 1)",
            lambda m: m.record.test_accuracy,
            classification_only=True,
        ),
        Measure(
            "test_loss_above_best",
            "the test loss now minus the lowest test loss of any epoch so far",
            lambda m: m.record.test_loss - min(r.test_loss for r in m.trainer.history),
        ),
        Measure("dead_neurons", "hidden neurons whose tile is zero everywhere", _dead_neurons),
        Measure(
            "zero_weights",
            f"the share of weights below {ZERO_WEIGHT:g} (links too thin to see)",
            lambda m: float(np.mean(np.abs(_weights(m)) < ZERO_WEIGHT)),
        ),
        Measure(
            "largest_weight",
            "the largest weight, in absolute value",
            lambda m: float(np.abs(_weights(m)).max()),
        ),
        Measure(
            "first_layer_moved",
            "how far the first layer's weights have moved from their start (the largest change)",
            _first_layer_moved,
        ),
        Measure(
            "symmetric", "in every hidden layer, all neurons' tiles are the same", _symmetric, True
        ),
        Measure(
            "diverged", "training has diverged", lambda m: float(m.trainer.state == DIVERGED), True
        ),
        Measure(
            "stopped",
            "early stopping has ended training",
            lambda m: float(m.trainer.state == STOPPED),
            True,
        ),
    ]
}
