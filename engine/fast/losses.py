"""The losses of ``engine/losses.py`` for the output neuron (or the K of a
softmax), in float64.

The output neuron's activation comes from float32 layers, but its loss and
gradient are computed in float64 like the specification. Cross-entropy is
written for the sigmoid output and computed from its pre-activation z (the
logit, engine/losses.py): a softplus for the loss, σ(z) − p for dLoss/dz,
exact however far z saturates. With K classes the output layer's K rows are
softmax logits and the target a class index: logsumexp(z) − z[t] for the
loss, softmax(z) − onehot(t) for dLoss/dz, the argmax for the class. As in
activations.py, each loss has its own loop so that the loops vectorise.
"""

import math

from engine.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from engine.fast.activations import SIGMOID, TANH
from engine.fast.codes import kernel_codes
from engine.fast.jit import kernel
from engine.losses import LOSSES, MULTICLASS_LOSSES

SQUARED, CROSS_ENTROPY = kernel_codes(LOSSES, "loss", ["squared", "cross_entropy"])
(SOFTMAX_CROSS_ENTROPY,) = kernel_codes(MULTICLASS_LOSSES, "multi-class loss", ["cross_entropy"])
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


@kernel(inline="always")
def log_sum_exp(z, row, width, i):
    """log Σ exp(z[row … row + width − 1, i]), shifted by the maximum (no overflow)."""
    top = float(z[row, i])
    for k in range(1, width):
        top = max(top, float(z[row + k, i]))
    total = 0.0
    for k in range(width):
        total += math.exp(float(z[row + k, i]) - top)
    return top + math.log(total)


@kernel
def output_gradient(loss, code, z, h, row, width, targets, n, g):
    """g[row … row + width − 1, :n] = dLoss/dz of the output neurons, each example's
    share of the batch mean; returns the batch's mean loss. Mirrors the trainer's
    ``loss.grad(…) / len(targets)``, through the output's ``df(z)`` when the
    loss takes the output.
    """
    total = 0.0
    if loss == CROSS_ENTROPY:
        for i in range(n):
            zi = float(z[row, i])
            total += cross_entropy(zi, targets[i])
            g[row, i] = (output64(SIGMOID, zi) - (targets[i] + 1.0) / 2.0) / n
    elif loss == SQUARED:
        for i in range(n):
            o = float(h[row, i])
            total += squared(o, targets[i])
            g[row, i] = (o - targets[i]) / n * output_slope(code, o)
    else:  # softmax cross-entropy, the only other loss (checked at import)
        for i in range(n):
            t = int(targets[i])
            lse = log_sum_exp(z, row, width, i)
            total += lse - float(z[row + t, i])
            for k in range(width):
                hit = 1.0 if k == t else 0.0
                g[row + k, i] = (math.exp(float(z[row + k, i]) - lse) - hit) / n
    return total / n


@kernel
def score(loss, code, z, h, row, width, targets, threshold):
    """(mean loss, fraction classified right) over every example; mirrors the
    trainer's ``_measure`` and ``predict_labels`` (softmax: the argmax, the
    first of equal logits as NumPy's).
    """
    n = targets.shape[0]
    total, right = 0.0, 0
    if loss == SOFTMAX_CROSS_ENTROPY:
        for i in range(n):
            t = int(targets[i])
            total += log_sum_exp(z, row, width, i) - float(z[row + t, i])
            best = 0
            for k in range(1, width):
                if z[row + k, i] > z[row + best, i]:
                    best = k
            right += best == t
    elif loss == CROSS_ENTROPY:
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
