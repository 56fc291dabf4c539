"""Input features: named, vectorised functions of the plane coordinates (x1, x2).

The network never sees raw points, only the columns chosen here; picking r
alone turns the circle dataset into a one-dimensional threshold.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.registry import lookup

Array = np.ndarray


@dataclass(frozen=True)
class Feature:
    name: str
    label: str  # how the page writes it
    group: str  # "cartesian" or "polar"
    f: Callable[[Array, Array], Array]


FEATURES: dict[str, Feature] = {
    feat.name: feat
    for feat in [
        Feature("x1", "x₁", "cartesian", lambda x1, x2: x1),
        Feature("x2", "x₂", "cartesian", lambda x1, x2: x2),
        Feature("x1^2", "x₁²", "cartesian", lambda x1, x2: x1 * x1),
        Feature("x2^2", "x₂²", "cartesian", lambda x1, x2: x2 * x2),
        Feature("x1x2", "x₁x₂", "cartesian", lambda x1, x2: x1 * x2),
        Feature("sin_x1", "sin x₁", "cartesian", lambda x1, x2: np.sin(x1)),
        Feature("sin_x2", "sin x₂", "cartesian", lambda x1, x2: np.sin(x2)),
        Feature("r", "r", "polar", lambda x1, x2: np.hypot(x1, x2)),
        Feature("theta", "θ", "polar", lambda x1, x2: np.arctan2(x2, x1)),
        Feature("sin_theta", "sin θ", "polar", lambda x1, x2: np.sin(np.arctan2(x2, x1))),
        Feature("cos_theta", "cos θ", "polar", lambda x1, x2: np.cos(np.arctan2(x2, x1))),
    ]
}


def get_feature(name: str) -> Feature:
    """Look a feature up by name; unknown names list the valid ones."""
    return lookup(FEATURES, name, "feature")


def transform(X: Array, names: Sequence[str]) -> Array:
    """Map points (n, 2) to the chosen features (n, len(names))."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([get_feature(name).f(x1, x2) for name in names]).astype(X.dtype)
