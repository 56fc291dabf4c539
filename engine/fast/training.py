"""The kernels the trainer calls: a run of mini-batches, scoring, the grid.

Each is one compiled call, so Python's per-call cost is paid once per run of
mini-batches (an epoch, usually) rather than per array operation. Arguments
are arrays and numbers, no tuples, because numba checks the type of every
argument on each call and tuples are several times slower to check. The
names, shared by all three:

- inputs, targets: a data set (batch-first float64 inputs, float64 targets);
- params, grads: the network's flat float64 parameter and gradient vectors;
- layers: the layout table (layout.py); running: batch-norm (mean, var) per row;
- units: float32 (5, rows, n) buffers z, h, mask, xhat, g (see passes.py),
  inv_std: float32 (rows,); for scoring and maps, z and h alone;
- settings, hyper: the config's codes and hyperparameters (settings.py).
"""

import math

from engine.fast.jit import kernel
from engine.fast.layers import gather, load
from engine.fast.layout import ACTIVATION, FAN_OUT, ROW_OUT
from engine.fast.losses import output_gradient, score
from engine.fast.optimizers import all_finite, penalize, update
from engine.fast.passes import backward, forward_eval, forward_train
from engine.fast.settings import (
    BATCH_SIZE,
    BETA1,
    DROPOUT,
    EPS,
    LOSS,
    LR,
    OPTIMIZER,
    PENALTY,
    PENALTY_RATE,
    THRESHOLD,
)


@kernel
def train_batches(
    inputs, targets, order, start, n_batches,
    params, grads, layers, running,
    units, inv_std, batch_targets, uniforms,
    settings, hyper, first, second, t,
    test_inputs, test_targets, scores,
):  # fmt: skip
    """Train on up to ``n_batches`` mini-batches of ``order`` from ``start``, stopping
    after the first whose loss or parameters are not finite; mirrors
    ``Trainer._train_batch`` step by step. A run that ends the pass measures
    both sets into ``scores`` (``measure_both``; in the units' first two
    buffers, which must hold either set) to save the trainer a second call.

    Returns (batches done, the last batch's mean loss, whether it stayed
    finite); the last batch's dropout masks stay in ``units[2]``.
    ``uniforms`` holds every dropout draw of the run (see
    ``layers.drop_out``); ``first`` and ``second`` are the optimizer's state
    arrays, updated in place, and ``t`` Adam's steps so far.
    """
    z, h, g = units[0], units[1], units[4]
    work = (z, h, units[2], units[3], inv_std, g)
    output = layers[layers.shape[0] - 1]
    batch_size, dropout = settings[BATCH_SIZE], hyper[DROPOUT]
    cursor, batch_loss = 0, 0.0
    for s in range(n_batches):
        begin = start + s * batch_size
        n = min(batch_size, order.shape[0] - begin)
        gather(inputs, targets, order, begin, n, h, batch_targets)
        cursor = forward_train(params, layers, running, work, n, dropout, uniforms, cursor)
        batch_loss = output_gradient(
            settings[LOSS], output[ACTIVATION], z, h, output[ROW_OUT], output[FAN_OUT],
            batch_targets, n, g,
        )  # fmt: skip
        backward(params, layers, work, grads, n, dropout)
        penalize(settings[PENALTY], hyper[PENALTY_RATE], params, layers, grads)
        update(
            settings[OPTIMIZER], params, grads, hyper[LR], first, second,
            hyper[BETA1 : EPS + 1], t + s + 1,
        )  # fmt: skip
        if not (math.isfinite(batch_loss) and all_finite(params)):
            return s + 1, batch_loss, False
    if start + n_batches * batch_size >= order.shape[0]:
        scores[:] = measure_both(
            inputs, targets, test_inputs, test_targets,
            params, layers, running, z, h, settings, hyper,
        )  # fmt: skip
    return n_batches, batch_loss, True


@kernel
def measure(inputs, targets, params, layers, running, z, h, settings, hyper):
    """(mean loss, accuracy) over one set in evaluation mode, NaN for an empty set;
    mirrors ``Trainer._measure``.
    """
    n = inputs.shape[0]
    if n == 0:
        return math.nan, math.nan
    load(inputs, h, n)
    forward_eval(params, layers, running, z, h, n)
    output = layers[layers.shape[0] - 1]
    return score(
        settings[LOSS], output[ACTIVATION], z, h, output[ROW_OUT], output[FAN_OUT],
        targets, hyper[THRESHOLD],
    )  # fmt: skip


@kernel
def measure_both(
    train_inputs, train_targets, test_inputs, test_targets,
    params, layers, running, z, h, settings, hyper,
):  # fmt: skip
    """``measure`` of the training and the test set in one call:
    (train loss, train accuracy, test loss, test accuracy).
    """
    train = measure(train_inputs, train_targets, params, layers, running, z, h, settings, hyper)
    test = measure(test_inputs, test_targets, params, layers, running, z, h, settings, hyper)
    return train[0], train[1], test[0], test[1]


@kernel
def evaluate_units(inputs, params, layers, running, z, h):
    """Every unit's activation for every input, into h (one row per unit); mirrors
    ``Network.activations``.
    """
    load(inputs, h, inputs.shape[0])
    forward_eval(params, layers, running, z, h, inputs.shape[0])
