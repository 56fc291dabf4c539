"""The activations of ``engine/activations.py`` as float32 scalar kernels.

Each activation is a pair of scalar kernels, value and slope, mirroring
``ACTIVATIONS[name].f`` and ``.df``. numba cannot call through a dict of
functions and still inline the call and vectorise the loop around it (nor
cache code that takes functions as arguments), so each registry entry names a
small code, and ``activate_rows`` and ``slope_rows`` hold one loop per code:
each loop calls one small function, which the compiler inlines and
vectorises; a switch inside one shared loop would not vectorise. Adding an
activation is its registry entry, its two kernels here, and their loops.

tanh (and with it sigmoid and GELU) is a rational approximation rather than
libm's tanh, which numba calls once per element: the approximation vectorises
and is ~10x faster. In float32 arithmetic it is off by up to 3e-7 (5 ulps
near ±1; correctly rounded would be 6e-8), and the slope 1 − t² computed
from it by up to 6e-7, absolute: where a unit saturates and its slope is
small, the slope's relative error is large (engine/fast/__init__.py). Exact
versions were measured with bench/engine.py and cost too much for what a
playground gains: the same fit in float64 (within one ulp) made epochs
10–45% slower and the 100² grid 45–80%; exact slopes through e^(−2|x|) in
float64, 40–180%.
"""

import math

import numpy as np

from engine.activations import ACTIVATIONS, LEAKY_SLOPE, MULTICLASS_OUTPUTS
from engine.fast.codes import kernel_codes
from engine.fast.jit import F32, kernel

LINEAR, TANH, SIGMOID, RELU, LEAKY_RELU, ELU, GELU, SINE = kernel_codes(
    ACTIVATIONS,
    "activation",
    ["linear", "tanh", "sigmoid", "relu", "leaky_relu", "elu", "gelu", "sine"],
)
(SOFTMAX,) = kernel_codes(MULTICLASS_OUTPUTS, "multi-class output", ["softmax"])

ZERO, HALF, ONE = F32(0.0), F32(0.5), F32(1.0)
LEAKY = F32(LEAKY_SLOPE)
GELU_C, GELU_K = F32(np.sqrt(2.0 / np.pi)), F32(0.044715)

# tanh(x) ≈ x·P(x²)/Q(x²) on [-9, 9] (beyond, float32 tanh is ±1). The
# coefficients are a weighted least-squares fit of the relative error, made
# for this engine, within 3e-8 of tanh; float32 rounding adds the rest of the
# error above. tests/engine/test_kernels.py checks the bounds.
TANH_LIMIT = F32(9.0)
P1, P2, P3, P4 = F32(1.33810304e-01), F32(3.49559160e-03), F32(2.06090580e-05), F32(1.33545008e-08)
Q1, Q2, Q3, Q4 = F32(4.67143461e-01), F32(2.58770011e-02), F32(3.28563685e-04), F32(7.77651778e-07)


@kernel(inline="always")
def tanh32(x):
    """tanh of a float32, vectorisable; NaN stays NaN (comparisons, not min/max)."""
    x = TANH_LIMIT if x > TANH_LIMIT else x
    x = -TANH_LIMIT if x < -TANH_LIMIT else x
    s = x * x
    p = (((P4 * s + P3) * s + P2) * s + P1) * s + ONE
    q = (((Q4 * s + Q3) * s + Q2) * s + Q1) * s + ONE
    y = x * p / q
    y = ONE if y > ONE else y
    return -ONE if y < -ONE else y


@kernel(inline="always")
def tanh_slope(z):
    t = tanh32(z)
    return ONE - t * t


@kernel(inline="always")
def sigmoid(z):
    return HALF * (ONE + tanh32(HALF * z))


@kernel(inline="always")
def sigmoid_slope(z):
    s = sigmoid(z)
    return s * (ONE - s)


@kernel(inline="always")
def relu(z):
    return z if z > ZERO else ZERO


@kernel(inline="always")
def relu_slope(z):
    return ONE if z > ZERO else ZERO


@kernel(inline="always")
def leaky_relu(z):
    return z if z > ZERO else LEAKY * z


@kernel(inline="always")
def leaky_relu_slope(z):
    return ONE if z > ZERO else LEAKY


@kernel(inline="always")
def elu(z):
    return z if z > ZERO else F32(math.expm1(z))


@kernel(inline="always")
def elu_slope(z):
    return ONE if z > ZERO else F32(math.exp(z))


@kernel(inline="always")
def gelu(z):
    return HALF * z * (ONE + tanh32(GELU_C * (z + GELU_K * z * z * z)))


@kernel(inline="always")
def gelu_slope(z):
    t = tanh32(GELU_C * (z + GELU_K * z * z * z))
    du = GELU_C * (ONE + F32(3.0) * GELU_K * z * z)
    return HALF * (ONE + t) + HALF * z * (ONE - t * t) * du


@kernel(inline="always")
def sine(z):
    return F32(math.sin(z))


@kernel(inline="always")
def sine_slope(z):
    return F32(math.cos(z))


@kernel
def activate_rows(code, z, h, first, last, n):
    """h = f(z) in rows first … last − 1, columns 0 … n − 1."""
    for row in range(first, last):
        zr, hr = z[row], h[row]
        if code == TANH:
            for i in range(n):
                hr[i] = tanh32(zr[i])
        elif code == SIGMOID:
            for i in range(n):
                hr[i] = sigmoid(zr[i])
        elif code == RELU:
            for i in range(n):
                hr[i] = relu(zr[i])
        elif code == LEAKY_RELU:
            for i in range(n):
                hr[i] = leaky_relu(zr[i])
        elif code == ELU:
            for i in range(n):
                hr[i] = elu(zr[i])
        elif code == GELU:
            for i in range(n):
                hr[i] = gelu(zr[i])
        elif code == SINE:
            for i in range(n):
                hr[i] = sine(zr[i])
        elif code == LINEAR:
            for i in range(n):
                hr[i] = zr[i]


@kernel
def softmax_rows(z, h, first, last, n):
    """h = softmax over rows first … last − 1 of each column (example), in float64
    like the loss that uses it; shifted by the column's maximum, as NumPy's."""
    for i in range(n):
        top = float(z[first, i])
        for row in range(first + 1, last):
            top = max(top, float(z[row, i]))
        total = 0.0
        for row in range(first, last):
            total += math.exp(float(z[row, i]) - top)
        for row in range(first, last):
            h[row, i] = math.exp(float(z[row, i]) - top) / total


@kernel
def slope_rows(code, z, g, first, last, n):
    """g *= f'(z) in rows first … last − 1, columns 0 … n − 1 (linear: g stays)."""
    for row in range(first, last):
        zr, gr = z[row], g[row]
        if code == TANH:
            for i in range(n):
                gr[i] *= tanh_slope(zr[i])
        elif code == SIGMOID:
            for i in range(n):
                gr[i] *= sigmoid_slope(zr[i])
        elif code == RELU:
            for i in range(n):
                gr[i] *= relu_slope(zr[i])
        elif code == LEAKY_RELU:
            for i in range(n):
                gr[i] *= leaky_relu_slope(zr[i])
        elif code == ELU:
            for i in range(n):
                gr[i] *= elu_slope(zr[i])
        elif code == GELU:
            for i in range(n):
                gr[i] *= gelu_slope(zr[i])
        elif code == SINE:
            for i in range(n):
                gr[i] *= sine_slope(zr[i])
