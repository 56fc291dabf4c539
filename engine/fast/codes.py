"""The link from the engine's registries to the kernels that implement them.

Each registry entry (activation, loss, regularization, optimizer) names its
kernel by ``code``; a kernel module asks here for the codes of the entries it
implements. An entry registered without a kernel would otherwise run as
another one (the kernels branch on codes), so it stops the import instead.
"""

from collections.abc import Mapping, Sequence
from typing import Any


class KernelRegistryError(ImportError):
    """A registry entry without a kernel, or two sharing one: a programming error,
    not a platform without numba, so engine.fast does not fall back to NumPy over it."""


def kernel_codes(registry: Mapping[str, Any], kind: str, implemented: Sequence[str]) -> list[int]:
    """The codes of the ``implemented`` entries, in that order; raises KernelRegistryError
    naming any entry of ``registry`` that is not implemented.
    """
    missing = [name for name in registry if name not in implemented]
    if missing:
        raise KernelRegistryError(f"the {kind} {missing[0]!r} is registered but has no kernel")
    codes = [registry[name].code for name in implemented]
    if len(set(codes)) != len(codes):
        raise KernelRegistryError(f"two {kind} entries share a kernel code: {codes}")
    return codes
