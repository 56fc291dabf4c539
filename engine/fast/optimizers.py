"""Weight penalties and optimizer updates on the float64 parameter vector.

Mirrors ``engine/regularization.py`` and ``engine/optimizers.py`` formula for
formula. The optimizer's state stays in the NumPy optimizer object (its
velocity or moment arrays are updated in place), so a live change of
learning rate keeps it and a change of optimizer simply hands over another
object. ``optimizer_state`` reads what the update kernel needs from each
kind of optimizer object.
"""

import math

import numpy as np

from engine.fast.codes import kernel_codes
from engine.fast.jit import kernel
from engine.fast.layout import FAN_IN, FAN_OUT, W
from engine.optimizers import OPTIMIZERS, Optimizer
from engine.regularization import REGULARIZERS

Array = np.ndarray

NO_PENALTY, L1, L2 = kernel_codes(REGULARIZERS, "regularization", ["none", "l1", "l2"])
PLAIN, MOMENTUM, RMSPROP, ADAM = kernel_codes(
    OPTIMIZERS, "optimizer", ["sgd", "momentum", "rmsprop", "adam"]
)
_NONE = np.zeros(0)

# optimizer code → (first state array, second state array, (three hyperparameters))
_STATE = {
    PLAIN: lambda o: (_NONE, _NONE, (0.0, 0.0, 0.0)),
    MOMENTUM: lambda o: (o.velocity, _NONE, (o.beta, 0.0, 0.0)),
    RMSPROP: lambda o: (o.mean_square, _NONE, (o.rho, 0.0, o.eps)),
    ADAM: lambda o: (o.m, o.v, (o.beta1, o.beta2, o.eps)),
}


def optimizer_state(optimizer: Optimizer) -> tuple[Array, Array, tuple[float, float, float]]:
    """What ``update`` needs from an optimizer object: its state arrays (updated in
    place) and its three hyperparameters.
    """
    return _STATE[optimizer.code](optimizer)


@kernel
def penalize(code, rate, params, layers, grads):
    """grads[weights] += rate · penalty'(w), weights only (not biases or gammas)."""
    if code == NO_PENALTY or rate <= 0:
        return
    for layer in layers:
        for idx in range(layer[W], layer[W] + layer[FAN_IN] * layer[FAN_OUT]):
            w = params[idx]
            grads[idx] += rate * (np.sign(w) if code == L1 else w)


@kernel
def update(code, params, grads, lr, first, second, hyper, t):
    """One optimizer step in place; ``t`` is Adam's step number after this step."""
    if code == MOMENTUM:
        beta = hyper[0]
        for i in range(params.shape[0]):
            first[i] = first[i] * beta - lr * grads[i]
            params[i] += first[i]
    elif code == RMSPROP:
        rho, eps = hyper[0], hyper[2]
        for i in range(params.shape[0]):
            first[i] = first[i] * rho + (1 - rho) * grads[i] * grads[i]
            params[i] -= lr * grads[i] / (math.sqrt(first[i]) + eps)
    elif code == ADAM:
        beta1, beta2, eps = hyper[0], hyper[1], hyper[2]
        correct1, correct2 = 1 - beta1**t, 1 - beta2**t
        for i in range(params.shape[0]):
            first[i] = first[i] * beta1 + (1 - beta1) * grads[i]
            second[i] = second[i] * beta2 + (1 - beta2) * grads[i] * grads[i]
            m_hat, v_hat = first[i] / correct1, second[i] / correct2
            params[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
    else:
        for i in range(params.shape[0]):
            params[i] -= lr * grads[i]


@kernel
def all_finite(params):
    for i in range(params.shape[0]):  # noqa: SIM110 (numba compiles loops, not generators)
        if not math.isfinite(params[i]):
            return False
    return True
