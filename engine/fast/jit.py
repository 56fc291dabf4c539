"""The one decorator every kernel is compiled with, and where its cache lives.

``kernel`` is ``numba.njit`` with the engine's options:

- ``cache=True``, in a directory named after a digest of the kernels' sources
  (``CACHE_DIR``): numba checks a cached kernel against its own file only, yet
  compiles its callees from other files, and the constants it reads, into it
  (https://github.com/numba/numba/issues/1833). Edit layers.py, or the
  options below, and training.py's cached kernels would keep the old code
  (in this tree, an epoch at batch size 250 took 20 µs on stale kernels, 14
  on fresh ones). A new digest starts an empty cache instead. The directory
  sits in ``NUMBA_CACHE_DIR`` when that is set, else in the user's cache
  directory (``$XDG_CACHE_HOME/nn-playground``, by default
  ``~/.cache/nn-playground``). Never inside the installed package: a cache
  left in site-packages outlives ``pip uninstall`` and turns ``engine`` into
  a namespace package that hides a later editable install. Nor in a shared
  temporary directory: the cache holds pickles that numba loads, which
  another user could plant there. With none writable (a read-only
  container), kernels compile once per process.
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

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numpy as np

F32 = np.float32
FASTMATH = frozenset({"reassoc", "contract", "nsz", "arcp", "afn"})
OPTIONS = {"error_model": "numpy", "fastmath": set(FASTMATH), "nogil": True, "_nrt": False}
PACKAGE = Path(__file__).resolve().parent


def sources_digest() -> str:
    """A digest of everything compiled into the kernels: this package's modules and
    the engine modules they import from (BN_EPS and friends are compiled in).
    """
    files = sorted(PACKAGE.glob("*.py"))
    imported = set()
    for file in files:
        imported.update(re.findall(r"^from engine\.(\w+) import", file.read_text(), re.M))
    files += [PACKAGE.parent / f"{name}.py" for name in sorted(imported - {"fast"})]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _writable(path: str) -> bool:
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def _user_cache() -> Path | None:
    """The user's cache directory for this project, None when there is no home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, or relative, which the XDG spec says to ignore
        try:
            base = Path.home() / ".cache"
        except RuntimeError:  # no HOME and no password-file entry
            return None
    return Path(base) / "nn-playground"


def _cache_dir() -> str | None:
    """The first writable of the cache directories the module docstring lists."""
    name = f"kernels-{sources_digest()}"
    for base in (numba.config.CACHE_DIR, _user_cache()):
        if base and _writable(path := os.path.join(base, name)):
            return path
    return None


CACHE_DIR = _cache_dir()


def kernel(fn: Callable | None = None, **options: Any) -> Any:
    """Compile ``fn`` with the engine's numba options (usable bare or with options)."""
    if fn is None:
        return lambda f: kernel(f, **options)
    if CACHE_DIR is None:
        return numba.njit(**OPTIONS, **options)(fn)
    # numba reads its cache directory when njit sets up the cache, so setting it
    # for that moment sends our kernels to CACHE_DIR and leaves anyone else's be.
    previous, numba.config.CACHE_DIR = numba.config.CACHE_DIR, CACHE_DIR
    try:
        return numba.njit(cache=True, **OPTIONS, **options)(fn)
    finally:
        numba.config.CACHE_DIR = previous
