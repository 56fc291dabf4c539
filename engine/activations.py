"""Activation functions, each with its derivative, in a registry by name.

Every function takes the pre-activation ``z`` (any shape) and returns an array
of the same shape; ``df`` is the derivative with respect to ``z``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.registry import lookup

Array = np.ndarray

LEAKY_SLOPE = 0.01
# The tanh approximation of GELU (Hendrycks & Gimpel), cheap and smooth.
_GELU_C = float(np.sqrt(2.0 / np.pi))  # a Python float keeps float32 inputs float32


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]


def _sigmoid(z: Array) -> Array:
    # tanh form: no overflow warning for large |z|, unlike 1 / (1 + exp(-z)).
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _dsigmoid(z: Array) -> Array:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _elu(z: Array) -> Array:
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _delu(z: Array) -> Array:
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))


def _gelu(z: Array) -> Array:
    return 0.5 * z * (1.0 + np.tanh(_GELU_C * (z + 0.044715 * z**3)))


def _dgelu(z: Array) -> Array:
    u = _GELU_C * (z + 0.044715 * z**3)
    t = np.tanh(u)
    du = _GELU_C * (1.0 + 3 * 0.044715 * z**2)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
        Activation(
            "leaky_relu",
            lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
            lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype),
        ),
        Activation("elu", _elu, _delu),
        Activation("gelu", _gelu, _dgelu),
        Activation("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
        Activation("sigmoid", _sigmoid, _dsigmoid),
        Activation("linear", lambda z: z, np.ones_like),
        Activation("sine", np.sin, np.cos),
    ]
}

OUTPUT_ACTIVATIONS = ("tanh", "sigmoid", "linear")


def get_activation(name: str) -> Activation:
    """Look an activation up by name; unknown names list the valid ones."""
    return lookup(ACTIVATIONS, name, "activation")
