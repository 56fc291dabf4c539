"""Set single weights and biases of a network, as the page edits them.

Layer ``l`` maps layer l's neurons (its ``source``) to layer l+1's (``target``);
layer 0's sources are the input features and the last layer's single target
is the output neuron.
"""

import numpy as np

from engine.network import Network


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
