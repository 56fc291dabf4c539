"""The one decorator every kernel is compiled with, and where its cache lives.

``kernel`` is ``numba.njit`` with the engine's options:

- ``cache=True``: compiled code is kept on disk, so only the first start of a
  new install pays for compilation. numba caches next to the sources, in
  ``NUMBA_CACHE_DIR`` or in the user's cache directory; when none is writable
  (a read-only install run by a user without a home, as in a container) the
  cache moves to the temporary directory, and without that it compiles per
  process.
- ``error_model="numpy"``: a division by zero gives inf or NaN as in NumPy,
  instead of a check that raises; without the check, loops vectorise.
- fast-math flags that let the compiler reorder sums and fuse multiply-adds,
  but not ``nnan``/``ninf``: divergence is detected by testing for NaN and inf,
  which those flags would let the compiler assume away.
- ``nogil=True``: a server may train several sessions in threads.
- ``_nrt=False``: no numba runtime. The kernels never allocate; they only
  take views of arrays their caller owns, and without the runtime those views
  cost no atomic reference counting — which was ~40% of a small batch's time
  (perf), halving the time of an epoch at batch size 1.
"""

import os
import tempfile
from collections.abc import Callable
from typing import Any

import numba
import numpy as np

F32 = np.float32
FASTMATH = frozenset({"reassoc", "contract", "nsz", "arcp", "afn"})
OPTIONS = {"error_model": "numpy", "fastmath": set(FASTMATH), "nogil": True, "_nrt": False}
FALLBACK_CACHE_DIR = os.path.join(tempfile.gettempdir(), "nn-playground-numba")


def kernel(fn: Callable | None = None, **options: Any) -> Any:
    """Compile ``fn`` with the engine's numba options (usable bare or with options)."""
    if fn is None:
        return lambda f: kernel(f, **options)
    try:
        return numba.njit(cache=True, **OPTIONS, **options)(fn)
    except RuntimeError:  # numba found no writable cache directory for this file
        if numba.config.CACHE_DIR:
            return numba.njit(**OPTIONS, **options)(fn)
        numba.config.CACHE_DIR = FALLBACK_CACHE_DIR
        return kernel(fn, **options)
