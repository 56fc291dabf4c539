"""The compiled map codes against app/frames.py's NumPy specification."""

from collections.abc import Callable

import numpy as np
import pytest

from app import fast_codes, frames
from app.frames import FrameArray, map_array, stacked_map_array


@pytest.fixture(autouse=True, scope="module")
def compiled() -> None:
    fast_codes.warm_up()


def numpy_only(build: Callable[..., FrameArray], *args: object) -> FrameArray:
    """``build(*args)`` as the NumPy specification makes it."""
    fast_codes._ready.clear()
    try:
        return build(*args)
    finally:
        fast_codes._ready.set()


def hostile_maps(dtype: type, scale: float) -> np.ndarray:
    """Maps (8, 20, 20) with what a diverging network gives: NaN, ±inf, a flat map, a
    map of nothing but NaN, values past the bound."""
    maps = np.random.default_rng(7).uniform(-scale, scale, (8, 20, 20)).astype(dtype)
    maps[0, 3, 4] = np.nan
    maps[1, 0, 0] = np.inf
    maps[2] = np.nan
    maps[3] = 0.25
    maps[4, 5, 5] = -np.inf
    maps[5, 1, 1] = 1e9
    return maps


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1e-3, 1.0, 40.0, 1e7])
def test_stacked_maps_have_the_specifications_bounds_and_codes(dtype, scale):
    maps = hostile_maps(dtype, scale)
    fast, spec = stacked_map_array("neurons", maps), numpy_only(stacked_map_array, "neurons", maps)
    assert fast.ranges == spec.ranges  # the same doubles, so the header prints them the same
    assert fast.data.dtype == np.uint8 and fast.data.shape == maps.shape
    # float64 arithmetic where NumPy's float32 maps stay float32: a value on the
    # edge between two codes may round the other way, one step apart at most.
    step = 255 // (frames.LEVELS - 1)
    assert np.abs(fast.data.astype(int) - spec.data).max() <= step + 1
    assert (fast.data != spec.data).mean() < 1e-3


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_map_over_a_fixed_range_has_the_specifications_codes(dtype):
    values = hostile_maps(dtype, 2.0)[:4].reshape(40, 40)
    fast = map_array("output", values, (-1, 1))
    spec = numpy_only(map_array, "output", values, (-1, 1))
    assert fast.range == spec.range == (-1, 1)
    assert np.array_equal(fast.data, spec.data)
    assert set(np.unique(fast.data)) <= set(frames._CODES.tolist())
    assert fast.data[np.isnan(values)].max() == 0  # NaN shows as the range's low end
    assert fast.data[values >= 1].min() == 255


def test_frames_use_numpy_until_the_kernel_is_compiled(monkeypatch):
    calls = []
    monkeypatch.setattr(fast_codes, "encode", lambda *args: calls.append(args))
    numpy_only(map_array, "output", np.zeros((4, 4)), (0, 1))
    assert calls == []
