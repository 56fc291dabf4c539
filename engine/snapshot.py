"""What the network computes over the plane, for the pictures.

Maps cover the grid of engine/grid.py and are indexed ``[i, j]`` with i along
x2 (rows, ascending) and j along x1 (columns, ascending), the order a
heatmap's ``z[row][col]`` expects.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from engine.features import transform
from engine.grid import EXTENT as EXTENT  # the page's routes read it from here
from engine.grid import grid_inputs, grid_points
from engine.network import Network

if TYPE_CHECKING:
    from engine.fast import Kernels

Array = np.ndarray


@dataclass(frozen=True)
class Snapshot:
    output: Array  # (G, G) the network's output; (K, G, G) class probabilities for K ≥ 3
    neurons: list[Array]  # per hidden layer, (width, G, G): each neuron's output
    features: Array  # (n_features, G, G): each input feature's value


@dataclass(frozen=True)
class FeaturePlane:
    """The network's output over a grid of its own two input features."""

    x_range: tuple[float, float]  # of the first feature
    y_range: tuple[float, float]  # of the second
    output: Array  # (G, G), rows along the second feature; (K, G, G) for K classes


def snapshot(
    network: Network, features: Sequence[str], resolution: int, kernels: "Kernels | None" = None
) -> Snapshot:
    """Every neuron's map and each feature's map, from ONE batched forward pass.

    With ``kernels`` (engine/fast) bound to the network, they run the pass and
    the maps come back float32.
    """
    inputs = grid_inputs(resolution, tuple(features))
    layers = (kernels or network).activations(inputs)
    shape = (resolution, resolution)
    output = layers[-1].T.reshape(-1, *shape)
    return Snapshot(
        output=output[0] if len(output) == 1 else output,
        neurons=[a.T.reshape(-1, *shape) for a in layers[:-1]],
        features=inputs.T.reshape(-1, *shape),
    )


def two_grid_snapshot(
    network: Network,
    features: Sequence[str],
    fine: int,
    coarse: int,
    kernels: "Kernels | None" = None,
) -> Snapshot:
    """The output over a fine grid, every neuron's and feature's map over a coarse
    one (what a frame draws), from ONE forward pass over both grids' points: the
    same maps as two snapshots, for one call's overhead."""
    inputs = _two_grids(fine, coarse, tuple(features))
    layers = (kernels or network).activations(inputs)
    split = fine * fine  # the fine grid's points come first
    output = layers[-1].T[:, :split].reshape(-1, fine, fine)
    return Snapshot(
        output=output[0] if len(output) == 1 else output,
        neurons=[a.T[:, split:].reshape(-1, coarse, coarse) for a in layers[:-1]],
        features=inputs[split:].T.reshape(-1, coarse, coarse),
    )


@lru_cache(maxsize=32)
def _two_grids(fine: int, coarse: int, features: tuple[str, ...]) -> Array:
    both = np.concatenate([grid_inputs(fine, features), grid_inputs(coarse, features)])
    both.flags.writeable = False
    return both


@cache
def feature_range(name: str) -> tuple[float, float]:
    """The values a feature takes over the plot square (from a fine grid)."""
    values = transform(grid_points(201), [name])
    return float(values.min()), float(values.max())


def representation(X: Array, pair: Sequence[str]) -> Array:
    """Points (n, 2) as coordinates in two chosen features, e.g. (r, theta)."""
    return transform(X, pair)


def feature_plane(
    network: Network, features: Sequence[str], pair: Sequence[str], resolution: int
) -> FeaturePlane | None:
    """The output over the plane of ``pair``, when the inputs are exactly those two.

    With any other inputs the network is not a function of the pair alone, so
    there is nothing honest to draw and the answer is None.
    """
    if len(features) != 2 or sorted(features) != sorted(pair):
        return None
    (x0, x1), (y0, y1) = feature_range(pair[0]), feature_range(pair[1])
    u, v = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    columns = {pair[0]: u.ravel(), pair[1]: v.ravel()}
    inputs = np.column_stack([columns[name] for name in features])
    output, _ = network.forward(inputs)
    maps = output.reshape(resolution, resolution, -1).transpose(2, 0, 1)
    return FeaturePlane((x0, x1), (y0, y1), maps[0] if len(maps) == 1 else maps)
