"""Weight initialisations by name: (fan_in, fan_out, rng) → (W, b)."""

from collections.abc import Callable

import numpy as np

from engine.registry import lookup

Array = np.ndarray
Init = Callable[[int, int, np.random.Generator], tuple[Array, Array]]


def _playground(fan_in: int, fan_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """TensorFlow Playground's choice: weights U(-0.5, 0.5), biases 0.1."""
    return rng.uniform(-0.5, 0.5, (fan_in, fan_out)), np.full(fan_out, 0.1)


def _xavier(fan_in: int, fan_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """Glorot uniform: keeps the variance of tanh layers steady both ways."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)), np.zeros(fan_out)


def _he(fan_in: int, fan_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """He normal: variance 2 / fan_in, made for ReLU layers."""
    return rng.normal(0, np.sqrt(2.0 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)


def _zeros(fan_in: int, fan_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """All zero: every neuron of a layer stays identical (the symmetry problem)."""
    return np.zeros((fan_in, fan_out)), np.zeros(fan_out)


INITIALIZERS: dict[str, Init] = {
    "playground": _playground,
    "xavier": _xavier,
    "he": _he,
    "zeros": _zeros,
}


def get_initializer(name: str) -> Init:
    return lookup(INITIALIZERS, name, "init")
