"""One layer's forward and backward pass, one kernel per step of ``Network``.

Every kernel takes the layer's row of the layout table (``layer``), unit
buffers with one row per unit and one column per example (see layout.py), and
the number of examples ``n`` in use (columns 0 … n − 1). They mirror, in order,
``Network.forward`` (weighted sum, batch norm, bias, activation, dropout) and
``Network.backward``. Parameters are read from the float64 vector and
gradients written to it; everything in between is float32.

Loops over examples run from 0, so numba can tell an index is never negative,
drop its wrap-around check and vectorise. The matrix products take their
operands four rows at a time, and the rest two and one at a time: one pass
over the examples then does up to four multiply-adds per load and store, and
a vectorised loop (a few dozen cycles to start) starts a quarter as often —
which is most of the cost of a layer of playground size. For the same
reason a weighted sum starts from the bias rather than from zero, saving the
bias its own pass. Below ``SMALL_BATCH`` examples even that is too much, and
they go example by example, one dot product per unit.
"""

import math

from engine.fast.activations import (
    ONE,
    SOFTMAX,
    ZERO,
    activate_rows,
    slope_rows,
    softmax_rows,
)
from engine.fast.jit import F32, kernel
from engine.fast.layout import ACTIVATION, FAN_IN, FAN_OUT, GAMMA, NO_GAMMA, ROW_IN, ROW_OUT, B, W
from engine.network import BN_EPS, BN_MOMENTUM

SMALL_BATCH = 8


@kernel(inline="always")
def _weight(params, layer, k, j):
    """W[k, j] of the layer, as float32."""
    return F32(params[layer[W] + k * layer[FAN_OUT] + j])


@kernel(inline="always")
def _add_products(out, a, x, b, y, c, u, d, v, n):
    """out += a·x + b·y + c·u + d·v over the first n entries."""
    for i in range(n):
        out[i] += a * x[i] + b * y[i] + c * u[i] + d * v[i]


@kernel(inline="always")
def _add_two_products(out, a, x, b, y, n):
    """out += a·x + b·y over the first n entries."""
    for i in range(n):
        out[i] += a * x[i] + b * y[i]


@kernel(inline="always")
def _add_product(out, a, x, n):
    """out += a·x over the first n entries."""
    for i in range(n):
        out[i] += a * x[i]


@kernel
def load(inputs, h, n):
    """The first n inputs (batch-first, float64) into the first rows of h."""
    for k in range(inputs.shape[1]):
        for i in range(n):
            h[k, i] = inputs[i, k]


@kernel
def gather(inputs, targets, order, first, n, h, batch_targets):
    """Examples order[first:first + n]: inputs into the first rows of h, targets
    into batch_targets.
    """
    for i in range(n):
        example = order[first + i]
        for k in range(inputs.shape[1]):
            h[k, i] = inputs[example, k]
        batch_targets[i] = targets[example]


@kernel(inline="always")
def _start(params, layer, j):
    """Where unit j's weighted sum starts: its bias, or zero when batch norm comes
    first (``add_bias`` then adds the bias after normalising).
    """
    return ZERO if layer[GAMMA] != NO_GAMMA else F32(params[layer[B] + j])


@kernel
def weighted_sum(params, layer, h, z, n):
    """z = a @ W + b: z[out rows] from h[in rows]; a @ W alone when the layer has
    batch norm, which goes between the two.
    """
    fan_in, fan_out, r_in = layer[FAN_IN], layer[FAN_OUT], layer[ROW_IN]
    if n < SMALL_BATCH:
        for i in range(n):
            for j in range(fan_out):
                total = _start(params, layer, j)
                for k in range(fan_in):
                    total += _weight(params, layer, k, j) * h[r_in + k, i]
                z[layer[ROW_OUT] + j, i] = total
        return
    for j in range(fan_out):
        zj, start = z[layer[ROW_OUT] + j], _start(params, layer, j)
        for i in range(n):
            zj[i] = start
        fours = fan_in - fan_in % 4
        for k in range(0, fours, 4):
            _add_products(
                zj,
                _weight(params, layer, k, j), h[r_in + k],
                _weight(params, layer, k + 1, j), h[r_in + k + 1],
                _weight(params, layer, k + 2, j), h[r_in + k + 2],
                _weight(params, layer, k + 3, j), h[r_in + k + 3],
                n,
            )  # fmt: skip
        k = fours
        if fan_in - k >= 2:
            _add_two_products(
                zj,
                _weight(params, layer, k, j), h[r_in + k],
                _weight(params, layer, k + 1, j), h[r_in + k + 1],
                n,
            )  # fmt: skip
            k += 2
        if k < fan_in:
            _add_product(zj, _weight(params, layer, k, j), h[r_in + k], n)


@kernel
def normalize_batch(params, layer, z, xhat, inv_std, running, n):
    """Batch norm in training: z = gamma · (z − mean) / std over the batch, and
    the running statistics move towards the batch's; mirrors
    ``Network._normalize(training=True)``.
    """
    count = F32(n)
    for j in range(layer[FAN_OUT]):
        row = layer[ROW_OUT] + j
        zj, xj = z[row], xhat[row]
        mean = F32(0.0)
        for i in range(n):
            mean += zj[i]
        mean /= count
        var = F32(0.0)
        for i in range(n):
            d = zj[i] - mean
            var += d * d
        var /= count
        running[0, row] = running[0, row] * BN_MOMENTUM + (1 - BN_MOMENTUM) * mean
        running[1, row] = running[1, row] * BN_MOMENTUM + (1 - BN_MOMENTUM) * var
        inv = ONE / F32(math.sqrt(var + F32(BN_EPS)))
        gamma = F32(params[layer[GAMMA] + j])
        inv_std[row] = inv
        for i in range(n):
            xj[i] = (zj[i] - mean) * inv
            zj[i] = gamma * xj[i]


@kernel
def normalize_running(params, layer, z, running, n):
    """Batch norm when evaluating: the running statistics stand in for the batch's;
    mirrors ``Network._normalize(training=False)``.
    """
    for j in range(layer[FAN_OUT]):
        row = layer[ROW_OUT] + j
        gamma_inv = params[layer[GAMMA] + j] / math.sqrt(running[1, row] + BN_EPS)
        scale, shift = F32(gamma_inv), F32(running[0, row] * gamma_inv)
        zj = z[row]
        for i in range(n):
            zj[i] = scale * zj[i] - shift


@kernel
def add_bias(params, layer, z, n):
    """z += b, after batch norm (without it, ``weighted_sum`` adds b)."""
    for j in range(layer[FAN_OUT]):
        zj, b = z[layer[ROW_OUT] + j], F32(params[layer[B] + j])
        for i in range(n):
            zj[i] += b


@kernel
def activate(layer, z, h, n):
    """h = f(z) for the layer's units (softmax: across them, for each example)."""
    first = layer[ROW_OUT]
    if layer[ACTIVATION] != SOFTMAX:
        activate_rows(layer[ACTIVATION], z, h, first, first + layer[FAN_OUT], n)
    else:
        softmax_rows(z, h, first, first + layer[FAN_OUT], n)


@kernel
def drop_out(layer, h, mask, uniforms, cursor, rate, n):
    """Inverted dropout: keep a unit where its uniform draw is ≥ rate and scale it
    by 1 / (1 − rate). ``uniforms[cursor:]`` holds this layer's draws in the
    order ``rng.random((n, fan_out))`` makes them, so the masks are the ones
    ``Network.forward`` draws from the same generator. Returns the new cursor.
    """
    fan_out, scale = layer[FAN_OUT], F32(1.0 / (1.0 - rate))
    for j in range(fan_out):
        row = layer[ROW_OUT] + j
        hj, mj = h[row], mask[row]
        for i in range(n):
            mj[i] = scale if uniforms[cursor + i * fan_out + j] >= rate else ZERO
            hj[i] *= mj[i]
    return cursor + n * fan_out


@kernel
def through_dropout(layer, mask, g, n):
    """delta = delta · mask: dropped units pass no gradient back."""
    for j in range(layer[FAN_OUT]):
        row = layer[ROW_OUT] + j
        gj, mj = g[row], mask[row]
        for i in range(n):
            gj[i] *= mj[i]


@kernel
def through_activation(layer, z, g, n):
    """dz = delta · f'(z), in place in g."""
    first = layer[ROW_OUT]
    slope_rows(layer[ACTIVATION], z, g, first, first + layer[FAN_OUT], n)


@kernel
def bias_gradient(layer, g, grads, n):
    """db = Σ dz over the batch."""
    for j in range(layer[FAN_OUT]):
        gj = g[layer[ROW_OUT] + j]
        total = F32(0.0)
        for i in range(n):
            total += gj[i]
        grads[layer[B] + j] = total


@kernel
def through_batch_norm(params, layer, xhat, inv_std, g, grads, n):
    """dgamma = Σ dz · xhat, then dz back through the batch mean and variance (the
    standard batch-norm backward), in place in g. A batch of one example
    normalises to exactly 0 whatever comes in, so nothing passes back: the
    formula gives 0 too, but fused multiply-adds leave a rounding residual of
    the gradient's size, which RMSProp or Adam would scale up to full steps.
    """
    count = F32(n)
    for j in range(layer[FAN_OUT]):
        row = layer[ROW_OUT] + j
        gj, xj = g[row], xhat[row]
        if n == 1:
            grads[layer[GAMMA] + j] = ZERO  # xhat is 0
            gj[0] = ZERO
            continue
        gamma = F32(params[layer[GAMMA] + j])
        dgamma, dz_sum = F32(0.0), F32(0.0)
        for i in range(n):
            dgamma += gj[i] * xj[i]
            dz_sum += gj[i]
        grads[layer[GAMMA] + j] = dgamma
        # With dxhat = dz · gamma, both means the formula needs follow from the sums.
        mean_dxhat, mean_dxhat_xhat = dz_sum * gamma / count, dgamma * gamma / count
        inv = inv_std[row]
        for i in range(n):
            gj[i] = inv * (gj[i] * gamma - mean_dxhat - xj[i] * mean_dxhat_xhat)


@kernel
def weight_gradient(layer, h, g, grads, n):
    """dW = a_inᵀ @ dz, four units' sums per pass over the examples."""
    fan_in, fan_out, r_out = layer[FAN_IN], layer[FAN_OUT], layer[ROW_OUT]
    for k in range(fan_in):
        hk, at = h[layer[ROW_IN] + k], layer[W] + k * fan_out
        fours = fan_out - fan_out % 4
        for j in range(0, fours, 4):
            g0, g1, g2, g3 = g[r_out + j], g[r_out + j + 1], g[r_out + j + 2], g[r_out + j + 3]
            t0, t1, t2, t3 = ZERO, ZERO, ZERO, ZERO
            for i in range(n):
                t0 += hk[i] * g0[i]
                t1 += hk[i] * g1[i]
                t2 += hk[i] * g2[i]
                t3 += hk[i] * g3[i]
            grads[at + j], grads[at + j + 1], grads[at + j + 2], grads[at + j + 3] = t0, t1, t2, t3
        for j in range(fours, fan_out):
            gj, total = g[r_out + j], ZERO
            for i in range(n):
                total += hk[i] * gj[i]
            grads[at + j] = total


@kernel
def input_gradient(params, layer, g, n):
    """delta of the layer below = dz @ Wᵀ, into g[in rows]."""
    fan_in, fan_out, r_out = layer[FAN_IN], layer[FAN_OUT], layer[ROW_OUT]
    if n < SMALL_BATCH:
        for i in range(n):
            for k in range(fan_in):
                total = ZERO
                for j in range(fan_out):
                    total += _weight(params, layer, k, j) * g[r_out + j, i]
                g[layer[ROW_IN] + k, i] = total
        return
    for k in range(fan_in):
        gk = g[layer[ROW_IN] + k]
        for i in range(n):
            gk[i] = ZERO
        fours = fan_out - fan_out % 4
        for j in range(0, fours, 4):
            _add_products(
                gk,
                _weight(params, layer, k, j), g[r_out + j],
                _weight(params, layer, k, j + 1), g[r_out + j + 1],
                _weight(params, layer, k, j + 2), g[r_out + j + 2],
                _weight(params, layer, k, j + 3), g[r_out + j + 3],
                n,
            )  # fmt: skip
        j = fours
        if fan_out - j >= 2:
            _add_two_products(
                gk,
                _weight(params, layer, k, j), g[r_out + j],
                _weight(params, layer, k, j + 1), g[r_out + j + 1],
                n,
            )  # fmt: skip
            j += 2
        if j < fan_out:
            _add_product(gk, _weight(params, layer, k, j), g[r_out + j], n)
