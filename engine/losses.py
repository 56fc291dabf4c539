"""Loss functions of the network output ``o`` against targets ``t``, by name.

``value`` gives the loss of each example, shape (n,); ``grad`` its derivative
with respect to ``o``. Training minimises the mean over a batch. ``code``
names the loss's compiled kernel (engine/fast/losses.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.registry import lookup

Array = np.ndarray
# Keeps log() finite when a sigmoid output saturates at exactly 0 or 1.
_EPS = 1e-12


@dataclass(frozen=True)
class Loss:
    name: str
    value: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array]
    code: int  # which kernel engine/fast runs for it (unique in the registry)


def _to_probability(t: Array) -> Array:
    """Labels ±1 become the probabilities 1 / 0 that cross-entropy wants."""
    return (t + 1.0) / 2.0


def _cross_entropy(o: Array, t: Array) -> Array:
    p = _to_probability(t)
    o = np.clip(o, _EPS, 1 - _EPS)
    return -(p * np.log(o) + (1 - p) * np.log(1 - o))


def _cross_entropy_grad(o: Array, t: Array) -> Array:
    p = _to_probability(t)
    o = np.clip(o, _EPS, 1 - _EPS)
    return (o - p) / (o * (1 - o))


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in [
        Loss("squared", lambda o, t: 0.5 * (o - t) ** 2, lambda o, t: o - t, code=0),
        Loss("cross_entropy", _cross_entropy, _cross_entropy_grad, code=1),
    ]
}


def get_loss(name: str) -> Loss:
    return lookup(LOSSES, name, "loss")
