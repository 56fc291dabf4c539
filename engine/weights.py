"""Read and write a network's weights and biases, as the page edits them.

Layer ``l`` maps layer l's neurons (its ``source``) to layer l+1's (``target``);
layer 0's sources are the input features and the last layer's single target
is the output neuron.
"""

import numpy as np

from engine.network import Network

Array = np.ndarray


def get_weights(network: Network) -> list[tuple[Array, Array]]:
    """Copies of (W, b) per layer; W has shape (fan_in, fan_out)."""
    return [(layer.W.copy(), layer.b.copy()) for layer in network.layers]


def set_weights(network: Network, weights: list[tuple[Array, Array]]) -> None:
    """Overwrite every layer's (W, b); shapes must match the network's."""
    if len(weights) != len(network.layers):
        raise ValueError(f"expected {len(network.layers)} layers, got {len(weights)}")
    arrays = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in weights]
    # Check every layer before writing any, so a bad layer leaves the network whole.
    for i, (layer, (W, b)) in enumerate(zip(network.layers, arrays, strict=True)):
        if W.shape != layer.W.shape or b.shape != layer.b.shape:
            raise ValueError(
                f"layer {i}: expected W {layer.W.shape} and b {layer.b.shape}, "
                f"got {W.shape} and {b.shape}"
            )
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError(f"layer {i}: weights and biases must be finite numbers")
    for layer, (W, b) in zip(network.layers, arrays, strict=True):
        layer.W[...] = W
        layer.b[...] = b


def _check_value(value: float) -> float:
    value = float(value)
    if not np.isfinite(value):
        raise ValueError("value must be a finite number")
    return value


def _check_index(name: str, index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ValueError(f"{name} must be 0 … {size - 1}, got {index}")


def set_weight(network: Network, layer: int, source: int, target: int, value: float) -> None:
    """Set the weight from neuron ``source`` of layer ``layer`` to ``target`` of the next."""
    _check_index("layer", layer, len(network.layers))
    W = network.layers[layer].W
    _check_index("source", source, W.shape[0])
    _check_index("target", target, W.shape[1])
    W[source, target] = _check_value(value)


def set_bias(network: Network, layer: int, neuron: int, value: float) -> None:
    """Set the bias of neuron ``neuron`` fed by layer ``layer`` (the last: the output)."""
    _check_index("layer", layer, len(network.layers))
    b = network.layers[layer].b
    _check_index("neuron", neuron, b.shape[0])
    b[neuron] = _check_value(value)
