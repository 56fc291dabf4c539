"""The losses of ``engine/losses.py`` for the one output neuron, in float64.

The output neuron's activation comes from float32 layers, but its loss and
gradient are computed in float64 like the specification. Cross-entropy is
written for the sigmoid output and computed from its pre-activation z (the
logit, engine/losses.py): a softplus for the loss, σ(z) − p for dLoss/dz,
exact however far z saturates. As in activations.py, each loss has its own
loop so that the loops vectorise.
"""

import math

from engine.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from engine.fast.activations import SIGMOID, TANH
from engine.fast.codes import kernel_codes
from engine.fast.jit import kernel
from engine.losses import LOSSES

SQUARED, CROSS_ENTROPY = kernel_codes(LOSSES, "loss", ["squared", "cross_entropy"])
# The output neuron's activation has float64 kernels of its own, below.
kernel_codes(
    {name: ACTIVATIONS[name] for name in OUTPUT_ACTIVATIONS},
    "output activation",
    ["tanh", "sigmoid", "linear"],
)


@kernel(inline="always")
def squared(o, t):
    """The squared loss of one example; mirrors ``LOSSES["squared"].value``."""
    return 0.5 * (o - t) * (o - t)


@kernel(inline="always")
def cross_entropy(z, t):
    """Cross-entropy of one example from the sigmoid's logit z, mirrors
    ``LOSSES["cross_entropy"].value``: softplus(z) − p·z.
    """
    return max(z, 0.0) - (t + 1.0) / 2.0 * z + math.log1p(math.exp(-abs(z)))


@kernel(inline="always")
def output_slope(code, o):
    """f'(z) of an output activation (tanh, sigmoid or linear) from o = f(z)."""
    if code == TANH:
        return 1.0 - o * o
    if code == SIGMOID:
        return o * (1.0 - o)
    return 1.0  # linear, the only other output activation (checked at import)


@kernel(inline="always")
def output64(code, z):
    """o = f(z) of an output activation in float64."""
    if code == SIGMOID:
        return 0.5 * (1.0 + math.tanh(0.5 * z))
    if code == TANH:
        return math.tanh(z)
    return z  # linear, the only other output activation (checked at import)


@kernel
def output_gradient(loss, code, z, h, row, targets, n, g):
    """g[row, :n] = dLoss/dz of the output neuron, each example's share of the
    batch mean; returns the batch's mean loss. Mirrors the trainer's
    ``loss.grad(…) / len(targets)``, through the output's ``df(z)`` when the
    loss takes the output.
    """
    total = 0.0
    if loss == CROSS_ENTROPY:
        for i in range(n):
            zi = float(z[row, i])
            total += cross_entropy(zi, targets[i])
            g[row, i] = (output64(SIGMOID, zi) - (targets[i] + 1.0) / 2.0) / n
    else:
        for i in range(n):
            o = float(h[row, i])
            total += squared(o, targets[i])
            g[row, i] = (o - targets[i]) / n * output_slope(code, o)
    return total / n


@kernel
def score(loss, code, z, h, row, targets, threshold):
    """(mean loss, fraction classified right) over every example; mirrors the
    trainer's ``_measure`` and ``predict_labels``.
    """
    n = targets.shape[0]
    total, right = 0.0, 0
    if loss == CROSS_ENTROPY:
        for i in range(n):
            zi = float(z[row, i])
            total += cross_entropy(zi, targets[i])
            right += (1.0 if output64(code, zi) >= threshold else -1.0) == targets[i]
    else:
        for i in range(n):
            o = float(h[row, i])
            total += squared(o, targets[i])
            right += (1.0 if o >= threshold else -1.0) == targets[i]
    return total / n, right / n
