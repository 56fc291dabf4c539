"""The kernels the trainer calls: a run of mini-batches, scoring, the grid.

Each is one compiled call, so Python's per-call cost is paid once per run of
mini-batches (an epoch, usually) rather than per array operation. Arguments
travel in small tuples:

- ``data = (inputs, targets, order)``: the training set (batch-first, float64)
  and the pass's shuffled order;
- ``net = (params, grads, layers, running)``: the flat float64 parameters and
  gradients, the layout table, the batch-norm running (mean, var) per row;
- ``work = (z, h, mask, xhat, inv_std, g)``: float32 unit buffers (passes.py);
- ``dropout = (rate, uniforms)``: the uniforms of every mask of the run;
- ``penalty = (code, rate)``; ``optimizer = (code, lr, first, second, hyper, t)``.
"""

import math

from engine.fast.jit import kernel
from engine.fast.layers import gather, load
from engine.fast.layout import ACTIVATION, ROW_OUT
from engine.fast.losses import output_gradient, score
from engine.fast.optimizers import all_finite, penalize, update
from engine.fast.passes import backward, forward_eval, forward_train


@kernel
def train_batches(
    data, start, n_batches, batch_size, net, work, batch_targets, loss, dropout, penalty, optimizer
):
    """Train on up to ``n_batches`` mini-batches of ``order`` from ``start``, stopping
    after the first whose loss or parameters are not finite. Returns (batches
    done, the last batch's mean loss, whether it stayed finite). Mirrors
    ``Trainer._train_batch`` step by step.
    """
    inputs, targets, order = data
    params, grads, layers, running = net
    z, h, g = work[0], work[1], work[5]
    rate, uniforms = dropout
    code, lr, first, second, hyper, t = optimizer
    output = layers[layers.shape[0] - 1]
    cursor, batch_loss = 0, 0.0
    for s in range(n_batches):
        begin = start + s * batch_size
        n = min(batch_size, order.shape[0] - begin)
        gather(inputs, targets, order, begin, n, h, batch_targets)
        cursor = forward_train(params, layers, running, work, n, rate, uniforms, cursor)
        batch_loss = output_gradient(
            loss, output[ACTIVATION], z, h, output[ROW_OUT], batch_targets, n, g
        )
        backward(params, layers, work, grads, n, rate)
        penalize(penalty[0], penalty[1], params, layers, grads)
        update(code, params, grads, lr, first, second, hyper, t + s + 1)
        if not (math.isfinite(batch_loss) and all_finite(params)):
            return s + 1, batch_loss, False
    return n_batches, batch_loss, True


@kernel
def measure(inputs, targets, net, z, h, loss, threshold):
    """(mean loss, accuracy) over a whole set in evaluation mode; mirrors
    ``Trainer._measure``.
    """
    params, _, layers, running = net
    load(inputs, h)
    forward_eval(params, layers, running, z, h, inputs.shape[0])
    output = layers[layers.shape[0] - 1]
    return score(loss, output[ACTIVATION], z, h, output[ROW_OUT], targets, threshold)


@kernel
def evaluate_units(inputs, net, z, h):
    """Every unit's activation for every input, into h (one row per unit); mirrors
    ``Network.activations``.
    """
    params, _, layers, running = net
    load(inputs, h)
    forward_eval(params, layers, running, z, h, inputs.shape[0])
