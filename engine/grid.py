"""The grid the maps are drawn on: [-6, 6]² with ``resolution`` points per side.

Its own module because both the pictures (snapshot.py) and the kernels'
warm-up (engine/fast) need it, and snapshot.py knows the kernels.
"""

from functools import lru_cache

import numpy as np

from engine.features import transform

Array = np.ndarray
EXTENT = 6.0


def grid_axis(resolution: int, extent: float = EXTENT) -> Array:
    return np.linspace(-extent, extent, resolution)


def grid_points(resolution: int, extent: float = EXTENT) -> Array:
    """The (G², 2) points of the grid, row by row (x1 fastest)."""
    axis = grid_axis(resolution, extent)
    x1, x2 = np.meshgrid(axis, axis)
    return np.column_stack([x1.ravel(), x2.ravel()])


@lru_cache(maxsize=32)
def grid_inputs(resolution: int, features: tuple[str, ...]) -> Array:
    """The features of every grid point, (G², n_features), read-only.

    The grid never moves, so a frame computes its inputs once per resolution
    and feature set rather than each time (for seven features with sines at
    100², that is most of the cost of the maps; issue 3).
    """
    inputs = transform(grid_points(resolution), features)
    inputs.flags.writeable = False
    return inputs
