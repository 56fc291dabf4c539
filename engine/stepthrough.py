"""One mini-batch of training, stage by stage, with the engine's own numbers.

A ``StepThrough`` is made from a trainer and shows its next mini-batch in
five stages: the batch, the forward pass, the loss, the backward pass and the
update. Each stage is computed when first asked for, on the NumPy path (the
specification), from the state the trainer is in, whichever path trained it
so far: the kernels update the network's ``params``, the optimizer's arrays
and the batch-norm running statistics in place, so these are already current.

The first four stages change nothing: the forward pass draws its dropout masks
from a copy of the trainer's random stream and puts the batch-norm running
statistics back. The update is the trainer's own NumPy step on that batch
(``Trainer.step(numpy=True)``), which draws the same masks from the real
stream, so the trainer goes on exactly as if it had trained the batch itself.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from engine.errors import InputError
from engine.network import LayerCache, Network
from engine.optimizers import Optimizer
from engine.trainer import READY, StepResult, Trainer, loss_input

Array = np.ndarray

STAGES = ("batch", "forward", "loss", "backward", "update")


@dataclass(frozen=True)
class Batch:
    indices: Array  # (n,) training-set indices, in the order the batch takes them
    points: Array  # (n, 2) where they lie in the plane
    inputs: Array  # (n, n_features) what the network takes
    targets: Array  # (n,) labels


@dataclass(frozen=True)
class LayerForward:
    """One layer's values for every point of the batch, (n, fan_out) each."""

    product: Array  # a_in @ W
    z: Array  # what the activation took: product + b, or gamma · x̂ + b with batch norm
    activation: Array  # f(z)
    output: Array  # what the next layer takes: f(z), times the dropout mask
    keep: Array | None  # dropout: which units this pass kept (bool), None without dropout
    batch_mean: Array | None  # batch norm: the batch's mean of ``product`` (fan_out,)
    batch_inv_std: Array | None  # and 1 / sqrt(var + eps)


@dataclass(frozen=True)
class Forward:
    layers: list[LayerForward]  # hidden layers, then the output layer
    output: Array  # (n,) the network's output
    caches: list[LayerCache]  # what the backward pass needs


@dataclass(frozen=True)
class BatchLoss:
    per_point: Array  # (n,) the loss of each point
    mean: float  # the batch's data loss
    penalty: float  # regularization rate · the weights' penalty (0 without)
    total: float  # what the step minimises: mean + penalty
    d_input: Array  # (n,) dLoss/d(the loss's input) per point, with the mean's 1/n
    of_pre_activation: bool  # the loss's input is the output neuron's z, not its output


@dataclass(frozen=True)
class Backward:
    deltas: list[Array]  # per layer (n, fan_out): dLoss/dz (db is its sum)
    products: list[Array]  # per layer (n, fan_out): dLoss/d(a_in @ W) (dW = a_in.T @ it)
    data_grads: Array  # flat, like ``params``: the batch loss's gradient
    penalty_grads: Array  # flat: the penalty's (zero on biases and scales)
    grads: Array  # flat: their sum, what the optimizer takes


@dataclass(frozen=True)
class Update:
    before: Array  # flat params before the step
    after: Array  # and after
    learning_rate: float
    state_before: dict[str, Any]  # the optimizer's state (momentum velocity, Adam moments…)
    state_after: dict[str, Any]
    result: StepResult  # the trainer's record of the step


# What each optimizer remembers between steps, copied (by config name, like OPTIMIZERS).
OPTIMIZER_STATE: dict[str, Callable[[Any], dict[str, Any]]] = {
    "sgd": lambda o: {},
    "momentum": lambda o: {"velocity": o.velocity.copy(), "beta": o.beta},
    "rmsprop": lambda o: {"mean_square": o.mean_square.copy(), "rho": o.rho, "eps": o.eps},
    "adam": lambda o: {
        "m": o.m.copy(),
        "v": o.v.copy(),
        "t": o.t,
        "beta1": o.beta1,
        "beta2": o.beta2,
        "eps": o.eps,
    },
}


def optimizer_state(name: str, optimizer: Optimizer) -> dict[str, Any]:
    return OPTIMIZER_STATE[name](optimizer)


@contextmanager
def running_statistics_kept(network: Network) -> Iterator[None]:
    """A training pass moves the batch-norm running statistics; put them back after.

    In place: the kernels hold views of these arrays.
    """
    saved = [
        (layer, layer.running_mean.copy(), layer.running_var.copy())
        for layer in network.layers
        if layer.gamma is not None
    ]
    try:
        yield
    finally:
        for layer, mean, var in saved:
            layer.running_mean[...] = mean
            layer.running_var[...] = var


def batch_loss(trainer: Trainer, inputs: Array, targets: Array, rng: np.random.Generator) -> float:
    """The loss a step on this batch minimises (data loss + penalty), with the
    dropout masks ``rng`` draws; changes nothing (finite differences use it)."""
    net, cfg = trainer.network, trainer.config
    with running_statistics_kept(net), np.errstate(all="ignore"):
        output, caches = net.forward(inputs, training=True, rng=rng, dropout=cfg.dropout)
    signal = loss_input(trainer.loss, output, caches)
    return float(trainer.loss.value(signal, targets).mean()) + _penalty(trainer)


def _penalty(trainer: Trainer) -> float:
    rate = trainer.config.regularization_rate
    if rate <= 0:  # as the trainer's step: no penalty term at all at rate 0
        return 0.0
    net = trainer.network
    return rate * trainer.regularizer.penalty(net.params[net.weight_mask])


class StepThrough:
    """The trainer's next mini-batch in stages; ``advance()`` shows the next one."""

    def __init__(self, trainer: Trainer) -> None:
        if trainer.config.classes > 2:  # its stages show one output neuron's numbers
            raise InputError("classes", "the step-through shows two classes; set classes to 2")
        self.trainer = trainer
        self.reached = -1  # index in STAGES of the last stage shown; -1 before the first
        self.start_step = trainer.step_count

    @property
    def stage(self) -> str | None:
        return STAGES[self.reached] if self.reached >= 0 else None

    @property
    def done(self) -> bool:
        return self.reached == len(STAGES) - 1

    def advance(self) -> str:
        """Show the next stage (the last one applies the update); returns its name."""
        if self.done:
            raise ValueError("this mini-batch is already trained; start the next one")
        if self.trainer.waiting:
            raise ValueError("there are too few points to train on; draw some first")
        if self.trainer.state != READY:
            raise ValueError(f"the network cannot train ({self.trainer.state}); press reset")
        self.reached += 1
        getattr(self, STAGES[self.reached])  # computed now, so a failure shows at once
        return STAGES[self.reached]

    @cached_property
    def batch(self) -> Batch:
        trainer = self.trainer
        indices = trainer.next_batch().copy()
        return Batch(
            indices,
            trainer.X_train[indices],
            trainer.inputs_train[indices],
            trainer.y_train[indices],
        )

    @cached_property
    def forward(self) -> Forward:
        trainer, batch = self.trainer, self.batch
        net = trainer.network
        with running_statistics_kept(net), np.errstate(all="ignore"):
            output, caches = net.forward(
                batch.inputs,
                training=True,
                rng=trainer.training_rng(),
                dropout=trainer.config.dropout,
            )
        layers = [_layer_forward(layer, cache, out) for layer, cache, out in _outputs(net, caches)]
        return Forward(layers, output, caches)

    @cached_property
    def loss(self) -> BatchLoss:
        trainer, forward, targets = self.trainer, self.forward, self.batch.targets
        loss = trainer.loss
        # As the trainer's step: a loss written for the output's activation takes its z.
        signal = loss_input(loss, forward.output, forward.caches)
        with np.errstate(all="ignore"):
            per_point = loss.value(signal, targets)
            d_input = loss.grad(signal, targets) / len(targets)
        mean, penalty = float(per_point.mean()), _penalty(trainer)
        return BatchLoss(per_point, mean, penalty, mean + penalty, d_input, loss.output is not None)

    @cached_property
    def backward(self) -> Backward:
        trainer = self.trainer
        net, cfg = trainer.network, trainer.config
        caches = self.forward.caches
        with np.errstate(all="ignore"):
            loss = self.loss
            data_grads = net.backward(
                caches, loss.d_input, pre_activation=loss.of_pre_activation
            ).copy()
            penalty_grads = np.zeros_like(data_grads)
            if cfg.regularization_rate > 0:
                mask = net.weight_mask
                penalty_grads[mask] = cfg.regularization_rate * trainer.regularizer.grad(
                    net.params[mask]
                )
        return Backward(
            [c.delta for c in caches],
            [c.delta_product for c in caches],
            data_grads,
            penalty_grads,
            data_grads + penalty_grads,
        )

    @cached_property
    def update(self) -> Update:
        """The trainer's own NumPy step on this batch (done once)."""
        trainer = self.trainer
        if trainer.step_count != self.start_step:
            raise ValueError("the network trained on since this mini-batch was chosen")
        _ = self.backward  # worked out while the weights are still the ones it is about
        name, params = trainer.config.optimizer, trainer.network.params
        before, state_before = params.copy(), optimizer_state(name, trainer.optimizer)
        result = trainer.step(numpy=True)
        return Update(
            before,
            params.copy(),
            trainer.config.learning_rate,
            state_before,
            optimizer_state(name, trainer.optimizer),
            result,
        )


def _outputs(
    net: Network, caches: list[LayerCache]
) -> Iterator[tuple[Any, LayerCache, Array | None]]:
    """Each layer with its cache and what the next layer took from it (None: the output)."""
    nexts = [c.a_in for c in caches[1:]] + [None]
    return zip(net.layers, caches, nexts, strict=True)


def _layer_forward(layer: Any, cache: LayerCache, taken: Array | None) -> LayerForward:
    activation = layer.activation.f(cache.z)
    product = cache.a_in @ layer.W
    mean = inv_std = None
    if cache.xhat is not None:
        mean, inv_std = product.mean(axis=0), cache.inv_std
    keep = None if cache.mask is None else cache.mask > 0
    return LayerForward(
        product,
        cache.z,
        activation,
        activation if taken is None else taken,
        keep,
        mean,
        inv_std,
    )


@dataclass(frozen=True)
class LayerParams:
    """One layer's slice of a flat parameter-shaped vector (views)."""

    weights: Array  # (fan_in, fan_out)
    biases: Array  # (fan_out,)
    gammas: Array | None  # (fan_out,) batch-norm scales, hidden layers with batch norm


def by_layer(network: Network, flat: Array) -> list[LayerParams]:
    """A vector laid out like ``params`` (gradients, a step, optimizer state), per layer:
    each layer's W, then b, then gamma, as ``Network._build`` lays them out."""
    layers, start = [], 0
    for layer in network.layers:
        n_w, n_b = layer.W.size, layer.b.size
        n_g = 0 if layer.gamma is None else layer.gamma.size
        weights = flat[start : start + n_w].reshape(layer.W.shape)
        biases = flat[start + n_w : start + n_w + n_b]
        gammas = flat[start + n_w + n_b : start + n_w + n_b + n_g] if n_g else None
        layers.append(LayerParams(weights, biases, gammas))
        start += n_w + n_b + n_g
    return layers
