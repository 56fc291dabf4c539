"""What a frame says about a trainer, as JSON-safe values and frame arrays.

Non-finite numbers (a diverged network) become ``null``: the browser's JSON
parser rejects ``NaN``. Floats are rounded to what the page can show, which
keeps the header small.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from app.frames import FrameArray, float_array, map_array, stacked_map_array
from engine.activations import get_activation
from engine.config import ExperimentConfig
from engine.snapshot import Snapshot, feature_plane, feature_range, representation
from engine.trainer import EpochRecord, Trainer

DECIMALS = 4  # weights and biases: the page shows a few digits, the link thickness fewer
GRID_PAIR = ["x1", "x2"]  # the features whose plane is the plot's own grid


def number(value: float | None) -> float | None:
    """A float with 6 significant digits, or None when missing or not finite."""
    # math, not NumPy: a dozen calls a frame, and np.isfinite on a scalar costs 1 µs.
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.6g}")


def output_range(config: ExperimentConfig) -> tuple[float, float]:
    """The values the output map spans, as the output activation states them."""
    return get_activation(config.output_activation).output_range


# A class map's value is k + margin + (1 − 2·margin)·c for class k and confidence c:
# the margin keeps a byte's rounding (K/255 at most) from crossing into a neighbour.
CLASS_MARGIN = 0.05


def class_map(probabilities: np.ndarray) -> np.ndarray:
    """K class probabilities (K, G, G) as one map (G, G) over [0, K]: the argmax
    and the confidence, its probability rescaled from [1/K, 1] (a tie of all K)
    to [0, 1], in one number, so it travels as one byte a cell like a binary map
    and its deltas stay zero wherever neither the class nor the confidence moved."""
    classes = len(probabilities)
    winner = np.nan_to_num(probabilities, nan=0.0).argmax(axis=0)
    top = np.take_along_axis(probabilities, winner[None], axis=0)[0]
    confidence = np.clip((top - 1 / classes) / (1 - 1 / classes), 0.0, 1.0)
    return winner + CLASS_MARGIN + (1 - 2 * CLASS_MARGIN) * confidence


def output_map(name: str, output: np.ndarray, config: ExperimentConfig) -> FrameArray:
    """An output map: the output over its range, or for K classes the class map."""
    if config.classes > 2:
        return map_array(name, class_map(output), (0, config.classes))
    return map_array(name, output, output_range(config))


def class_header(trainer: Trainer) -> dict[str, Any]:
    """For K ≥ 3 classes, K and the test set's confusion matrix (rows: the true
    class, columns: the predicted one); nothing for two, whose frames stay as
    they were."""
    if trainer.config.classes == 2:
        return {}
    confusion = trainer.confusion()
    return {
        "classes": trainer.config.classes,
        "confusion": None if confusion is None else confusion.tolist(),
    }


def scores(record: EpochRecord | None, classification: bool) -> dict[str, float | None]:
    """The header's losses (and accuracies, for classification) from one record."""
    keys = ["train_loss", "test_loss"]
    if classification:
        keys += ["train_accuracy", "test_accuracy"]
    return {key: number(getattr(record, key)) if record else None for key in keys}


def history(records: Sequence[EpochRecord]) -> dict[str, list[Any]]:
    """Records as columns: ``{"epoch": [...], "train_loss": [...], ...}``."""
    return {
        "epoch": [r.epoch for r in records],
        "train_loss": [number(r.train_loss) for r in records],
        "test_loss": [number(r.test_loss) for r in records],
        "train_accuracy": [number(r.train_accuracy) for r in records],
        "test_accuracy": [number(r.test_accuracy) for r in records],
    }


def network(trainer: Trainer) -> dict[str, Any]:
    """Sizes, features and every weight and bias, for the network diagram: rounded
    arrays, which the frame's JSON writes as nested lists (a diverged network's
    non-finite values as null) with no Python list made on the way."""
    net = trainer.network
    layers = net.layer_views(net.params.round(DECIMALS))
    return {
        "sizes": net.sizes,
        "features": trainer.config.features,
        "activation": trainer.config.activation,
        "weights": [weights for weights, _ in layers],
        "biases": [biases for _, biases in layers],
    }


def dropped(trainer: Trainer) -> list[list[bool]]:
    """Per hidden layer, which neurons the last step dropped (for its first example)."""
    return [
        [False] * width if keep is None else (~keep[0]).tolist()
        for keep, width in zip(trainer.last_masks, trainer.network.sizes[1:-1], strict=True)
    ]


def representation_header(pair: Sequence[str], plane: bool) -> dict[str, Any]:
    return {
        "pair": list(pair),
        "x_range": list(feature_range(pair[0])),
        "y_range": list(feature_range(pair[1])),
        "plane": plane,
    }


def default_pair(features: Sequence[str]) -> list[str]:
    """The representation view's axes until a tab picks some: r and θ when both are
    inputs, else the first two inputs (x1, x2 for a single input)."""
    if {"r", "theta"} <= set(features):
        return ["r", "theta"]
    return list(features[:2]) if len(features) > 1 else ["x1", "x2"]


def has_plane(features: Sequence[str], pair: Sequence[str]) -> bool:
    """The output is a function of the pair alone when the inputs are exactly the pair."""
    return sorted(features) == sorted(pair)


def maps(trainer: Trainer, snapshot: Snapshot) -> list[FrameArray]:
    """The output map and, layer by layer, every hidden neuron's map."""
    arrays = [output_map("output", snapshot.output, trainer.config)]
    if snapshot.neurons:
        arrays.append(stacked_map_array("neurons", np.concatenate(snapshot.neurons)))
    return arrays


def representation_output(
    trainer: Trainer, output: FrameArray, pair: Sequence[str], resolution: int
) -> FrameArray:
    """The output over the pair's plane (only call when ``has_plane``); ``output`` is
    the frame's output map, which it is when the pair is the plot's own axes."""
    features = trainer.config.features
    if list(features) == GRID_PAIR == list(pair):
        return FrameArray("representation_output", output.data, range=output.range)
    with np.errstate(all="ignore"):
        plane = feature_plane(trainer.network, features, pair, resolution).output
    return output_map("representation_output", plane, trainer.config)


def data_arrays(trainer: Trainer, snapshot: Snapshot) -> list[FrameArray]:
    """The points, their labels and the feature maps (sent when the data changes)."""
    return [
        float_array("train_points", trainer.X_train),
        float_array("test_points", trainer.X_test),
        float_array("train_labels", trainer.y_train),
        float_array("test_labels", trainer.y_test),
        stacked_map_array("features", snapshot.features),
    ]


def representation_points(trainer: Trainer, pair: Sequence[str]) -> FrameArray:
    points = np.concatenate([trainer.X_train, trainer.X_test])
    return float_array("representation_points", representation(points, pair))
