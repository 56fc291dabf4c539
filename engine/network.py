"""A fully connected network: forward pass, backward pass, and its parameters.

All parameters live in ONE flat vector (``params``) and every layer's ``W``,
``b`` and batch-norm ``gamma`` are views into it, so an optimizer updates the
whole network with a few array operations and the gradients (``grads``) share
the same layout. ``W`` of layer l has shape (fan_in, fan_out): rows are
examples throughout, ``a_next = f(a @ W + b)``.

Dropout is inverted dropout on hidden layers, active only when training, at
the rate the caller passes to ``forward`` (the trainer passes its config's).
Batch normalisation, when on, normalises each hidden pre-activation ``a @ W``
over the batch (running statistics when evaluating), scales it by ``gamma``
and shifts it by the layer's bias ``b``.
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.activations import Activation, get_activation
from engine.initializers import get_initializer

Array = np.ndarray

BN_EPS = 1e-5
BN_MOMENTUM = 0.9  # how much of the running statistics each batch keeps


@dataclass
class Layer:
    """Views into the flat parameter and gradient vectors, plus batch-norm state."""

    W: Array
    b: Array
    dW: Array
    db: Array
    activation: Activation
    gamma: Array | None = None  # batch-norm scale, hidden layers only
    dgamma: Array | None = None
    running_mean: Array | None = None
    running_var: Array | None = None


@dataclass
class LayerCache:
    """What the backward pass needs from one layer's forward pass."""

    a_in: Array  # (n, fan_in) the layer's input
    z: Array  # (n, fan_out) what the activation was applied to
    xhat: Array | None = None  # (n, fan_out) normalised pre-activation (batch norm)
    inv_std: Array | None = None  # (fan_out,) 1 / batch std (batch norm)
    mask: Array | None = None  # (n, fan_out) dropout keep-mask, scaled by 1 / (1 - p)
    # Filled in by backward, for the step-through view (engine/stepthrough.py):
    delta: Array | None = None  # (n, fan_out) dLoss/dz, z being what the activation took
    delta_product: Array | None = None  # (n, fan_out) dLoss/d(a_in @ W): dW = a_in.T @ it


class Network:
    """Multilayer perceptron with one output neuron, or ``outputs`` of them (a
    softmax over K classes)."""

    def __init__(
        self,
        n_inputs: int,
        hidden: Sequence[int],
        activation: str = "tanh",
        output: str = "tanh",
        layer_activations: Sequence[str | None] | None = None,
        init: str = "playground",
        batch_norm: bool = False,
        rng: np.random.Generator | None = None,
        outputs: int = 1,
    ) -> None:
        self.sizes = [n_inputs, *hidden, outputs]
        self.batch_norm = batch_norm
        self.init = init
        overrides = list(layer_activations or []) + [None] * len(hidden)
        names = [overrides[i] or activation for i in range(len(hidden))] + [output]
        self._build([get_activation(name) for name in names])
        self.initialize(rng or np.random.default_rng(0))

    def _build(self, activations: list[Activation]) -> None:
        n_hidden = len(self.sizes) - 2
        shapes = []
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:], strict=False)):
            bn = self.batch_norm and i < n_hidden
            shapes.append((fan_in * fan_out, fan_out, fan_out if bn else 0))
        total = sum(sum(s) for s in shapes)
        self.params = np.zeros(total)
        self.grads = np.zeros(total)
        self.weight_mask = np.zeros(total, dtype=bool)  # True where an entry is a weight
        self.layers: list[Layer] = []
        self._parts: list[tuple[slice, slice, tuple[int, int]]] = []  # each layer's W and b
        start = 0
        for i, (n_w, n_b, n_g) in enumerate(shapes):
            fan_in, fan_out = self.sizes[i], self.sizes[i + 1]
            w, b, g = (
                slice(start, start + n_w),
                slice(start + n_w, start + n_w + n_b),
                slice(start + n_w + n_b, start + n_w + n_b + n_g),
            )
            layer = Layer(
                W=self.params[w].reshape(fan_in, fan_out),
                b=self.params[b],
                dW=self.grads[w].reshape(fan_in, fan_out),
                db=self.grads[b],
                activation=activations[i],
            )
            if n_g:
                layer.gamma, layer.dgamma = self.params[g], self.grads[g]
            self.weight_mask[w] = True
            self.layers.append(layer)
            self._parts.append((w, b, (fan_in, fan_out)))
            start = g.stop

    def layer_views(self, flat: Array) -> list[tuple[Array, Array]]:
        """Each layer's (W, b) as views of ``flat``, an array laid out like ``params``
        (a rounded copy of it, say, made in one call for every layer)."""
        return [(flat[w].reshape(shape), flat[b]) for w, b, shape in self._parts]

    def __deepcopy__(self, memo: dict[int, Any]) -> "Network":
        """A copy whose layers view its own ``params`` and ``grads`` (a plain deep copy
        would give each view its own array, and the optimizer would update nothing)."""
        twin = object.__new__(type(self))
        memo[id(self)] = twin
        views = {"layers", "params", "grads", "weight_mask"}
        for name, value in self.__dict__.items():
            if name not in views:
                setattr(twin, name, copy.deepcopy(value, memo))
        twin._build([layer.activation for layer in self.layers])
        twin.params[:], twin.grads[:] = self.params, self.grads
        for mine, theirs in zip(twin.layers, self.layers, strict=True):
            mine.running_mean = copy.deepcopy(theirs.running_mean, memo)
            mine.running_var = copy.deepcopy(theirs.running_var, memo)
        return twin

    def initialize(self, rng: np.random.Generator) -> None:
        """Draw fresh weights from the network's initialiser; reset batch-norm state."""
        init = get_initializer(self.init)
        for layer in self.layers:
            W, b = init(*layer.W.shape, rng)
            layer.W[...] = W
            layer.b[...] = b
            if layer.gamma is not None:
                layer.gamma[...] = 1.0
                layer.running_mean = np.zeros_like(layer.b)
                layer.running_var = np.ones_like(layer.b)

    @property
    def n_hidden(self) -> int:
        return len(self.layers) - 1

    def forward(
        self,
        X: Array,
        training: bool = False,
        rng: np.random.Generator | None = None,
        dropout: float = 0.0,
        start: int = 0,
    ) -> tuple[Array, list[LayerCache]]:
        """Output (n,) for inputs (n, n_inputs), (n, K) with K output neurons, and the
        caches for ``backward``.

        ``start`` > 0 begins at that layer, ``X`` being the previous layer's
        output (how the hidden-space view evaluates the rest of the network).

        Training mode uses batch statistics and drops hidden units at the rate
        ``dropout`` (which needs ``rng``; ``keep_masks`` reads the masks from the
        caches), and updates the batch-norm running statistics.
        """
        a = X
        caches = []
        for i, layer in enumerate(self.layers[start:], start):
            cache = LayerCache(a_in=a, z=a @ layer.W)
            if layer.gamma is not None:
                self._normalize(layer, cache, training)
            cache.z += layer.b
            a = layer.activation.f(cache.z)
            if training and dropout > 0 and i < self.n_hidden:
                cache.mask = (rng.random(a.shape) >= dropout) / (1.0 - dropout)
                a = a * cache.mask
            caches.append(cache)
        return (a[:, 0] if a.shape[1] == 1 else a), caches

    def _normalize(self, layer: Layer, cache: LayerCache, training: bool) -> None:
        """Replace ``cache.z`` by gamma · (z - mean) / std, keeping what backward needs."""
        if training:
            mean, var = cache.z.mean(axis=0), cache.z.var(axis=0)
            layer.running_mean *= BN_MOMENTUM
            layer.running_mean += (1 - BN_MOMENTUM) * mean
            layer.running_var *= BN_MOMENTUM
            layer.running_var += (1 - BN_MOMENTUM) * var
        else:
            mean, var = layer.running_mean, layer.running_var
        cache.inv_std = 1.0 / np.sqrt(var + BN_EPS)
        cache.xhat = (cache.z - mean) * cache.inv_std
        cache.z = layer.gamma * cache.xhat

    def backward(
        self, caches: list[LayerCache], dout: Array, pre_activation: bool = False
    ) -> Array:
        """Gradients of a loss into ``self.grads`` (and returned), given dLoss/dOutput (n,),
        or with ``pre_activation`` dLoss/dz of the output neuron (a loss computed
        from z, engine/losses.py); (n, K) for K output neurons.

        ``dout`` already carries the 1/n of a mean over the batch.
        """
        delta = dout[:, None] if dout.ndim == 1 else dout
        pairs = zip(reversed(self.layers), reversed(caches), strict=True)
        for index, (layer, cache) in enumerate(pairs):
            if cache.mask is not None:
                delta = delta * cache.mask
            given = index == 0 and pre_activation  # the output neuron's dz came in
            dz = delta if given else delta * layer.activation.df(cache.z)
            cache.delta = dz
            layer.db[...] = dz.sum(axis=0)
            if layer.gamma is not None:
                layer.dgamma[...] = (dz * cache.xhat).sum(axis=0)
                dxhat = dz * layer.gamma
                # Through the batch mean and variance: the standard batch-norm backward.
                dz = cache.inv_std * (
                    dxhat - dxhat.mean(axis=0) - cache.xhat * (dxhat * cache.xhat).mean(axis=0)
                )
            cache.delta_product = dz
            layer.dW[...] = cache.a_in.T @ dz
            delta = dz @ layer.W.T
        return self.grads

    def activations(self, X: Array) -> list[Array]:
        """Every layer's output in evaluation mode: [(n, h1), …, (n, outputs)]."""
        out, caches = self.forward(X)
        return [cache.a_in for cache in caches[1:]] + [out.reshape(len(X), -1)]


def keep_masks(caches: list[LayerCache]) -> list[Array | None]:
    """Per hidden layer, which units a training pass kept: (n, width) bool, or None
    where it dropped nothing (no dropout).
    """
    return [None if cache.mask is None else cache.mask > 0 for cache in caches[:-1]]
