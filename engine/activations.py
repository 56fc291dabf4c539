"""Activation functions, each with its derivative, in a registry by name.

Every function takes the pre-activation ``z`` (any shape) and returns an array
of the same shape; ``df`` is the derivative with respect to ``z``. An entry
carries every fact about its activation: ``code`` names its compiled kernel
(engine/fast/activations.py), and an activation the output neuron may use
says what values it takes and its decision rule (``predict``).

Softmax, the output of a network with K ≥ 3 classes, is not elementwise: it
maps a row of K logits to K probabilities, so it has no scalar derivative
(its kernel works on the whole output layer). It sits apart, in
MULTICLASS_OUTPUTS, and is only ever used with the loss written for its
logits (engine/losses.py), whose gradient p − onehot skips its Jacobian.
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
    code: int  # which scalar kernel engine/fast runs for it (unique in the registry)
    # Output activations only: the range the output map is drawn over, and the
    # output at or above which a point is class +1.
    output_range: tuple[float, float] | None = None
    threshold: float | None = None  # None for softmax: its rule is the argmax

    def predict(self, output: Array) -> Array:
        """Class labels from outputs: ±1 at the threshold for one output neuron
        (n,), the class index 0 … K−1 of the largest probability for softmax (n, K)."""
        if self.threshold is None:
            return np.argmax(output, axis=1).astype(float)
        return np.where(output >= self.threshold, 1.0, -1.0)


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
        Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype), code=0),
        Activation(
            "leaky_relu",
            lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
            lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype),
            code=1,
        ),
        Activation("elu", _elu, _delu, code=2),
        Activation("gelu", _gelu, _dgelu, code=3),
        Activation(
            "tanh",
            np.tanh,
            lambda z: 1.0 - np.tanh(z) ** 2,
            code=4,
            output_range=(-1.0, 1.0),
            threshold=0.0,
        ),
        # Sigmoid outputs lie in (0, 1), so the classes part at one half.
        Activation("sigmoid", _sigmoid, _dsigmoid, code=5, output_range=(0.0, 1.0), threshold=0.5),
        # A linear output is unbounded; its map is drawn over the labels' range.
        Activation(
            "linear", lambda z: z, np.ones_like, code=6, output_range=(-1.0, 1.0), threshold=0.0
        ),
        Activation("sine", np.sin, np.cos, code=7),
    ]
}

# The activations the output neuron may use: those that know their range.
OUTPUT_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if a.output_range is not None)


def softmax(z: Array) -> Array:
    """Row-wise softmax of logits (n, K); shifting by the row's maximum keeps exp finite."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _no_elementwise_derivative(z: Array) -> Array:
    raise TypeError("softmax has no elementwise derivative; train it with cross_entropy")


# The output layer of a K-class network (config ``classes`` ≥ 3); its code is
# distinct from every elementwise one, since the kernels branch on it.
MULTICLASS_OUTPUTS: dict[str, Activation] = {
    "softmax": Activation(
        "softmax", softmax, _no_elementwise_derivative, code=8, output_range=(0.0, 1.0)
    )
}


def get_activation(name: str) -> Activation:
    """Look an activation up by name; unknown names list the valid ones."""
    return lookup({**ACTIVATIONS, **MULTICLASS_OUTPUTS}, name, "activation")
