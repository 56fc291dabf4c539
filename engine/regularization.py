"""Weight penalties by name: (penalty, gradient) of one weight array.

They apply to weights only; biases and batch-norm scales go free, as usual.
``code`` names the penalty's compiled kernel (engine/fast/optimizers.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.registry import lookup

Array = np.ndarray


@dataclass(frozen=True)
class Regularizer:
    name: str
    penalty: Callable[[Array], float]
    grad: Callable[[Array], Array]
    code: int  # which kernel engine/fast runs for it (unique in the registry)


REGULARIZERS: dict[str, Regularizer] = {
    r.name: r
    for r in [
        Regularizer("none", lambda w: 0.0, np.zeros_like, code=0),
        Regularizer("l1", lambda w: float(np.abs(w).sum()), np.sign, code=1),
        Regularizer("l2", lambda w: float(0.5 * (w * w).sum()), lambda w: w, code=2),
    ]
}


def get_regularizer(name: str) -> Regularizer:
    return lookup(REGULARIZERS, name, "regularization")
