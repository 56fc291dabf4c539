"""Optimizers by name. Each updates a flat parameter vector in place.

The learning rate is an argument of every ``step`` rather than state, so
changing it mid-training keeps the momentum and moment estimates. Each class's
``code`` names its compiled update (engine/fast/optimizers.py).
"""

from collections.abc import Callable

import numpy as np

from engine.registry import lookup

Array = np.ndarray


class SGD:
    code = 0

    def __init__(self, size: int) -> None:
        pass

    def step(self, params: Array, grads: Array, lr: float) -> None:
        params -= lr * grads


class Momentum:
    """Heavy-ball momentum: a velocity that remembers 90% of the last one."""

    code = 1

    def __init__(self, size: int, beta: float = 0.9) -> None:
        self.beta = beta
        self.velocity = np.zeros(size)

    def step(self, params: Array, grads: Array, lr: float) -> None:
        self.velocity *= self.beta
        self.velocity -= lr * grads
        params += self.velocity


class RMSProp:
    """Divide each gradient by a running root-mean-square of its history."""

    code = 2

    def __init__(self, size: int, rho: float = 0.9, eps: float = 1e-8) -> None:
        self.rho, self.eps = rho, eps
        self.mean_square = np.zeros(size)

    def step(self, params: Array, grads: Array, lr: float) -> None:
        self.mean_square *= self.rho
        self.mean_square += (1 - self.rho) * grads * grads
        params -= lr * grads / (np.sqrt(self.mean_square) + self.eps)


class Adam:
    """Kingma & Ba: bias-corrected first and second moment estimates."""

    code = 3

    def __init__(
        self, size: int, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(size)
        self.v = np.zeros(size)
        self.t = 0

    def step(self, params: Array, grads: Array, lr: float) -> None:
        self.t += 1
        self.m *= self.beta1
        self.m += (1 - self.beta1) * grads
        self.v *= self.beta2
        self.v += (1 - self.beta2) * grads * grads
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        params -= lr * m_hat / (np.sqrt(v_hat) + self.eps)


Optimizer = SGD | Momentum | RMSProp | Adam

OPTIMIZERS: dict[str, Callable[[int], Optimizer]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def make_optimizer(name: str, size: int) -> Optimizer:
    """A fresh optimizer of that name for ``size`` parameters."""
    return lookup(OPTIMIZERS, name, "optimizer")(size)
