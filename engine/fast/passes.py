"""Whole-network passes: training forward, evaluating forward, backward.

They chain the per-layer kernels of layers.py the way ``Network.forward`` and
``Network.backward`` chain their steps. ``work`` is the tuple of float32
buffers a training step needs, ``(z, h, mask, xhat, inv_std, g)``: z the
pre-activations, h the activations (after dropout), mask the dropout masks,
xhat and inv_std what batch norm keeps for backward, g the gradients.
"""

from engine.fast.jit import kernel
from engine.fast.layers import (
    activate,
    add_bias,
    bias_gradient,
    drop_out,
    input_gradient,
    normalize_batch,
    normalize_running,
    through_activation,
    through_batch_norm,
    through_dropout,
    weight_gradient,
    weighted_sum,
)
from engine.fast.layout import GAMMA, NO_GAMMA


@kernel
def forward_train(params, layers, running, work, n, dropout, uniforms, cursor):
    """Training mode: batch statistics, running statistics updated, dropout on the
    hidden layers. Returns the cursor past the uniforms the masks used.
    """
    z, h, mask, xhat, inv_std, _ = work
    last = layers.shape[0] - 1
    for index in range(layers.shape[0]):
        layer = layers[index]
        weighted_sum(params, layer, h, z, n)
        if layer[GAMMA] != NO_GAMMA:
            normalize_batch(params, layer, z, xhat, inv_std, running, n)
            add_bias(params, layer, z, n)
        activate(layer, z, h, n)
        if dropout > 0 and index < last:
            cursor = drop_out(layer, h, mask, uniforms, cursor, dropout, n)
    return cursor


@kernel
def forward_eval(params, layers, running, z, h, n):
    """Evaluation mode: running statistics, no dropout."""
    for index in range(layers.shape[0]):
        layer = layers[index]
        weighted_sum(params, layer, h, z, n)
        if layer[GAMMA] != NO_GAMMA:
            normalize_running(params, layer, z, running, n)
            add_bias(params, layer, z, n)
        activate(layer, z, h, n)


@kernel
def backward(params, layers, work, grads, n, dropout):
    """Gradients into ``grads``, given dLoss/dz of the output neuron in g."""
    z, h, mask, xhat, inv_std, g = work
    last = layers.shape[0] - 1
    for index in range(last, -1, -1):
        layer = layers[index]
        if index < last:  # the output's dz comes straight from the loss
            if dropout > 0:
                through_dropout(layer, mask, g, n)
            through_activation(layer, z, g, n)
        bias_gradient(layer, g, grads, n)
        if layer[GAMMA] != NO_GAMMA:
            through_batch_norm(params, layer, xhat, inv_std, g, grads, n)
        weight_gradient(layer, h, g, grads, n)
        if index > 0:
            input_gradient(params, layer, g, n)
