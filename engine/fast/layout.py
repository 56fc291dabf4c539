"""A Network's shape as one integer table the kernels read.

Row ``l`` of the table describes layer ``l``: its fan-in and fan-out, where
its W, b and batch-norm gamma start in the flat parameter vector (taken from
the network's own views, so the table follows network.py's layout), its
activation code, and which rows of the unit buffers hold its inputs and its
outputs. Unit buffers are (rows, n) float32 arrays, one row per unit and one
column per example — batch-last, so the loops over examples are contiguous
and vectorise: rows 0 … n_inputs − 1 hold the inputs, then each layer's units
in order, the output neuron last.
"""

import numpy as np

from engine.network import Network

Array = np.ndarray

FAN_IN, FAN_OUT, W, B, GAMMA, ACTIVATION, ROW_IN, ROW_OUT = range(8)
NO_GAMMA = -1


def _offset(view: Array, base: Array) -> int:
    """Where a view starts in the flat vector it was cut from, in elements."""
    return (view.ctypes.data - base.ctypes.data) // base.itemsize


def layer_table(network: Network) -> Array:
    """(n_layers, 8) int64."""
    table = np.zeros((len(network.layers), 8), dtype=np.int64)
    row = network.sizes[0]
    for index, layer in enumerate(network.layers):
        fan_in, fan_out = layer.W.shape
        gamma = NO_GAMMA if layer.gamma is None else _offset(layer.gamma, network.params)
        table[index] = (
            fan_in,
            fan_out,
            _offset(layer.W, network.params),
            _offset(layer.b, network.params),
            gamma,
            layer.activation.code,
            row - fan_in,
            row,
        )
        row += fan_out
    return table


def n_rows(network: Network) -> int:
    """Rows of a unit buffer: the inputs and every unit."""
    return sum(network.sizes)
