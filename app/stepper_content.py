"""What a frame says about a step-through (docs/protocol.md, ``stepper``).

Per-parameter numbers (gradients, old and new weights, optimizer state) go in
the header, shaped like ``network.weights`` and ``network.biases``; per-point
numbers (activations, losses, deltas) go as float32 arrays of shape
(units, batch size), units being every hidden neuron layer by layer and then
the output. Each stage carries its own numbers and those of the stages before.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from app.frame_content import number
from app.frame_extras import Extra
from app.frames import FrameArray, float_array
from engine.stepthrough import STAGES, LayerForward, StepThrough, by_layer

Array = np.ndarray


def _significant(values: Array) -> list[Any]:
    """Nested lists with 6 significant digits (gradients can be far below 1e-4)."""
    if values.ndim == 0:
        return number(float(values))
    return [_significant(v) for v in values]


def _per_layer(stepper: StepThrough, flat: Array) -> dict[str, list[Any]]:
    layers = by_layer(stepper.trainer.network, flat)
    out = {
        "weights": [_significant(p.weights) for p in layers],
        "biases": [_significant(p.biases) for p in layers],
    }
    if any(p.gammas is not None for p in layers):
        out["gammas"] = [None if p.gammas is None else _significant(p.gammas) for p in layers]
    return out


def _units(per_layer: list[Array]) -> Array:
    """Per-layer (n, width) values as one (units, n) array."""
    return np.concatenate([values.T for values in per_layer])


def _batch(stepper: StepThrough) -> tuple[dict[str, Any], list[FrameArray]]:
    batch = stepper.batch
    return {"batch": batch.indices.tolist(), "targets": batch.targets.tolist()}, [
        float_array("stepper_inputs", batch.inputs.T)
    ]


def _forward(stepper: StepThrough) -> tuple[dict[str, Any], list[FrameArray]]:
    layers = stepper.forward.layers
    header: dict[str, Any] = {
        "output": _significant(stepper.forward.output),
        "activations": [layer.activation.name for layer in stepper.trainer.network.layers],
    }
    arrays = [
        float_array("stepper_z", _units([layer.z for layer in layers])),
        float_array("stepper_activation", _units([layer.activation for layer in layers])),
        float_array("stepper_passed", _units([layer.output for layer in layers])),
    ]
    hidden = layers[:-1]
    if any(layer.keep is not None for layer in hidden):
        keep = [np.ones_like(lay.z, dtype=bool) if lay.keep is None else lay.keep for lay in hidden]
        arrays.append(float_array("stepper_keep", _units(keep)))
    if any(layer.batch_mean is not None for layer in hidden):
        network = stepper.trainer.network.layers
        header["batch_norm"] = [
            _statistics(layer, params.gamma) for layer, params in zip(layers, network, strict=True)
        ]
        arrays.append(float_array("stepper_product", _units([layer.product for layer in layers])))
    return header, arrays


def _statistics(layer: LayerForward, gamma: Array | None) -> dict[str, Any] | None:
    """Batch norm's batch mean, 1 / std and scale for a layer that has it."""
    if layer.batch_mean is None:
        return None
    return {
        "mean": _significant(layer.batch_mean),
        "inv_std": _significant(layer.batch_inv_std),
        "gamma": _significant(gamma),
    }


def _loss(stepper: StepThrough) -> tuple[dict[str, Any], list[FrameArray]]:
    loss, config = stepper.loss, stepper.trainer.config
    header = {
        "loss": {
            "name": config.loss,
            "mean": number(loss.mean),
            "penalty": number(loss.penalty),
            "total": number(loss.total),
            "regularization": config.regularization,
            "rate": config.regularization_rate,
            # What the loss is computed from: the output o, or the output neuron's z
            # (cross-entropy from the logit): ``stepper_d_input`` is dL/d(that).
            "of": "pre_activation" if loss.of_pre_activation else "output",
        }
    }
    return header, [
        float_array("stepper_loss", loss.per_point),
        float_array("stepper_d_input", loss.d_input),
    ]


def _backward(stepper: StepThrough) -> tuple[dict[str, Any], list[FrameArray]]:
    back = stepper.backward
    header = {
        "grads": _per_layer(stepper, back.grads),
        "penalty_grads": _per_layer(stepper, back.penalty_grads),
    }
    arrays = [float_array("stepper_delta", _units(back.deltas))]
    if stepper.trainer.config.batch_norm:
        arrays.append(float_array("stepper_delta_product", _units(back.products)))
    return header, arrays


def _update(stepper: StepThrough) -> tuple[dict[str, Any], list[FrameArray]]:
    update = stepper.update
    state = {}
    for when, values in (("before", update.state_before), ("after", update.state_after)):
        state[when] = {
            key: _per_layer(stepper, value) if isinstance(value, np.ndarray) else value
            for key, value in values.items()
        }
    header = {
        "update": {
            "optimizer": stepper.trainer.config.optimizer,
            "learning_rate": update.learning_rate,
            "before": _per_layer(stepper, update.before),
            "after": _per_layer(stepper, update.after),
            "state_before": state["before"],
            "state_after": state["after"],
            "batch_loss": number(update.result.batch_loss),
        }
    }
    return header, []


STAGE_CONTENT: dict[str, Callable[[StepThrough], tuple[dict[str, Any], list[FrameArray]]]] = {
    "batch": _batch,
    "forward": _forward,
    "loss": _loss,
    "backward": _backward,
    "update": _update,
}


def stepper_extra(stepper: StepThrough) -> Extra:
    """The ``stepper`` header key and arrays for the stages reached so far."""
    header: dict[str, Any] = {
        "stage": stepper.stage,
        "stages": list(STAGES),
        "step": stepper.start_step + 1,
        "path": "numpy",
    }
    arrays: list[FrameArray] = []
    for name in STAGES[: stepper.reached + 1]:
        more, extra_arrays = STAGE_CONTENT[name](stepper)
        header.update(more)
        arrays += extra_arrays
    return Extra({"stepper": header}, arrays)
