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
  another user could plant there. With none writable, a directory that
  already holds the kernels is read as it is (``ReadOnlyLocator``): the
  kernels compiled into a Docker image serve ``docker run --read-only`` and
  any ``--user``; a kernel missing from it compiles and is not saved. With
  none at all, kernels compile once per process.
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

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numpy as np
from numba.core.caching import UserProvidedCacheLocator

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


def _cache_dir() -> tuple[str | None, bool]:
    """(the cache directory, whether it can be written): the first writable of the
    directories the module docstring lists, else the first that holds the kernels."""
    name = f"kernels-{sources_digest()}"
    paths = [os.path.join(base, name) for base in (numba.config.CACHE_DIR, _user_cache()) if base]
    for path in paths:
        if _writable(path):
            return path, True
    for path in paths:
        if os.path.isdir(path) and os.access(path, os.R_OK | os.X_OK):
            return path, False
    return None, False


CACHE_DIR, CACHE_WRITABLE = _cache_dir()


class ReadOnlyLocator(UserProvidedCacheLocator):
    """numba's locator for its cache directory, content to read one it cannot write
    (numba's own insists on writing, and would skip the kernels compiled there)."""

    def ensure_cache_path(self) -> None:
        if not os.access(self.get_cache_path(), os.R_OK | os.X_OK):
            raise OSError(f"cannot read the kernel cache {self.get_cache_path()}")


def _unsaved(dispatcher: Any) -> Any:
    """A kernel that a read-only cache lacks compiles as usual and is simply not saved."""
    save = dispatcher._cache.save_overload

    def save_if_possible(sig: Any, data: Any) -> None:
        with contextlib.suppress(OSError):
            save(sig, data)

    dispatcher._cache.save_overload = save_if_possible
    return dispatcher


def kernel(fn: Callable | None = None, **options: Any) -> Any:
    """Compile ``fn`` with the engine's numba options, which ``options`` override
    (usable bare or with options)."""
    if fn is None:
        return lambda f: kernel(f, **options)
    options = {**OPTIONS, **options}
    if CACHE_DIR is None:
        return numba.njit(**options)(fn)
    # numba reads its cache directory (and locator) when njit sets up the cache, so
    # setting them for that moment sends our kernels to CACHE_DIR and leaves anyone
    # else's be.
    config = numba.config
    previous = config.CACHE_DIR, config.CACHE_LOCATOR_CLASSES
    config.CACHE_DIR = CACHE_DIR
    if not CACHE_WRITABLE:
        config.CACHE_LOCATOR_CLASSES = f"{__name__}.ReadOnlyLocator"
    try:
        dispatcher = numba.njit(cache=True, **options)(fn)
    finally:
        config.CACHE_DIR, config.CACHE_LOCATOR_CLASSES = previous
    return dispatcher if CACHE_WRITABLE else _unsaved(dispatcher)
