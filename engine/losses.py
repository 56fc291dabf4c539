"""Loss functions of the network output against targets ``t``, by name.

``value`` gives the loss of each example, shape (n,); ``grad`` its derivative
with respect to the loss's input. Training minimises the mean over a batch.
``code`` names the loss's compiled kernel (engine/fast/losses.py).

A loss's input is the output ``o``, unless the entry names the ``output``
activation it is written for: then it is that activation's pre-activation
``z``. Cross-entropy is written for the sigmoid and takes its logit: computed
from o, it must clip o away from 0 and 1 to stay finite, and beyond |z| ≈ 28
the clipped gradient of a confidently wrong point decays to nothing, so the
point stops learning; from z, the loss is a softplus and its gradient
σ(z) − p, exact at any z. A tanh output would be a sigmoid of 2z with another
range, not a probability; a loss that needs the sigmoid gets it (see
engine/config.py).

With K ≥ 3 classes the targets are class indices 0 … K−1 and the output a
softmax over K logits; cross-entropy is then −log softmax(z)[t], computed as
logsumexp(z) − z[t] (shifted by the row's maximum, so no exp overflows), and
its gradient is softmax(z) − onehot(t). That entry lives in
MULTICLASS_LOSSES under the same name, since the page offers one
"cross_entropy" and the number of classes picks which (``get_loss``).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.activations import ACTIVATIONS, softmax
from engine.registry import lookup

Array = np.ndarray
_SIGMOID = ACTIVATIONS["sigmoid"].f


@dataclass(frozen=True)
class Loss:
    name: str
    value: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array]
    code: int  # which kernel engine/fast runs for it (unique in the registry)
    # The output activation the loss is written for, whose pre-activation z it
    # takes instead of the output; None: it takes the output, whatever made it.
    output: str | None = None


def _to_probability(t: Array) -> Array:
    """Labels ±1 become the probabilities 1 / 0 that cross-entropy wants."""
    return (t + 1.0) / 2.0


def _cross_entropy(z: Array, t: Array) -> Array:
    """−p·log σ(z) − (1 − p)·log(1 − σ(z)) = softplus(z) − p·z, without overflow."""
    return np.maximum(z, 0.0) - _to_probability(t) * z + np.log1p(np.exp(-np.abs(z)))


def _cross_entropy_grad(z: Array, t: Array) -> Array:
    return _SIGMOID(z) - _to_probability(t)


def _softmax_cross_entropy(z: Array, t: Array) -> Array:
    """−log softmax(z)[t] per row, for logits z (n, K) and class indices t (n,)."""
    top = z.max(axis=1)
    log_sum = top + np.log(np.exp(z - top[:, None]).sum(axis=1))
    return log_sum - z[np.arange(len(t)), t.astype(int)]


def _softmax_cross_entropy_grad(z: Array, t: Array) -> Array:
    grad = softmax(z)
    grad[np.arange(len(t)), t.astype(int)] -= 1.0
    return grad


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in [
        Loss("squared", lambda o, t: 0.5 * (o - t) ** 2, lambda o, t: o - t, code=0),
        Loss("cross_entropy", _cross_entropy, _cross_entropy_grad, code=1, output="sigmoid"),
    ]
}


# The losses a K-class softmax output trains with; codes distinct from LOSSES'.
MULTICLASS_LOSSES: dict[str, Loss] = {
    "cross_entropy": Loss(
        "cross_entropy",
        _softmax_cross_entropy,
        _softmax_cross_entropy_grad,
        code=2,
        output="softmax",
    )
}


def get_loss(name: str, classes: int = 2) -> Loss:
    """The loss by name, for a binary output or (``classes`` ≥ 3) a softmax one."""
    return lookup(LOSSES if classes == 2 else MULTICLASS_LOSSES, name, "loss")
