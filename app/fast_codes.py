"""Maps to a frame's uint8 codes in one compiled call (numba), once compiled.

app/frames.py's NumPy ``quantize`` and ``stacked_map_array`` are the
specification; this kernel does the same work (bounds of each map, then its
codes) in one pass instead of ~20 NumPy calls: a default frame's output and
neuron maps took ~40 µs in NumPy, ~12 µs here (most of it the calls). It
compiles in the server's warm-up thread (app/main.py) with the engine's
kernels; until then, and where numba cannot run, frames use NumPy, so no
frame waits for the compiler.

Values are read as float64 (NumPy's float32 maps are quantised in float32),
so a value that falls within rounding error of the middle between two codes
may get the other one: one code step apart, never more.
"""

import threading
from time import perf_counter

import numpy as np

from engine.fast.jit import kernel

Array = np.ndarray
_ready = threading.Event()


# Exact arithmetic (no fast-math): a bound rounded as x·10⁴ → rint → ÷10⁴, as NumPy
# rounds, is the double nearest its 4 decimals, which JSON prints short.
@kernel(fastmath=False)
def _encode(values, bounds, measure, bound, codes, out):
    """Row k of ``values`` (k, n) as codes into ``out``, over ``bounds[k]``; with
    ``measure``, bounds[k] is first set to the row's [min, max] (NaN skipped,
    clipped to ±bound, rounded to 4 decimals), as stacked_map_array sets it."""
    top = len(codes) - 1
    for k in range(values.shape[0]):
        row = values[k]
        if measure:
            lo, hi = np.inf, -np.inf
            for value in row:
                lo = min(lo, value) if value == value else lo  # NaN is skipped, as by fmin
                hi = max(hi, value) if value == value else hi
            if lo > hi:  # nothing but NaN: NumPy's fmin/fmax reduce to NaN, clipped to +bound
                lo = hi = bound
            bounds[k, 0] = np.rint(max(min(lo, bound), -bound) * 1e4) / 1e4
            bounds[k, 1] = np.rint(max(min(hi, bound), -bound) * 1e4) / 1e4
        lo, span = bounds[k, 0], bounds[k, 1] - bounds[k, 0]
        scale = top / span if span > 0 else 0.0
        for i in range(row.shape[0]):
            step = np.rint((row[i] - lo) * scale)
            if not step >= 0:  # NaN, or below the range
                step = 0.0
            out[k, i] = codes[int(min(step, top))]


def ready() -> bool:
    """Whether the kernel is compiled (``warm_up`` has run in this process)."""
    return _ready.is_set()


def encode(values: Array, bounds: Array, measure: bool, bound: float, codes: Array) -> Array:
    """Codes (k, n) uint8 of ``values`` (k, n), float32 or float64, one row per map
    (call only once ``ready()``); see ``_encode`` for ``bounds`` and ``measure``."""
    out = np.empty(values.shape, dtype=np.uint8)
    _encode(np.ascontiguousarray(values), bounds, measure, bound, codes, out)
    return out


def warm_up() -> float:
    """Compile (or load) the kernel for float32 and float64 maps; the seconds taken."""
    began = perf_counter()
    codes = np.zeros(2, dtype=np.uint8)
    for dtype in (np.float32, np.float64):
        for measure in (True, False):
            encode(np.zeros((1, 2), dtype=dtype), np.zeros((1, 2)), measure, 1.0, codes)
    _ready.set()
    return perf_counter() - began
