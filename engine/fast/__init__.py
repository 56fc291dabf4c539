"""Compiled kernels for the trainer's hot loops (numba, float32, batch-last).

The NumPy code in engine/network.py and friends is the specification; these
kernels are an optimisation of it that ``Trainer`` uses when they cover the
config, and tests/engine/test_kernels.py checks that both agree. Why: NumPy
pays ~1 µs per call whatever the array size, and a mini-batch step of a
playground-sized network is dozens of calls on arrays of a few dozen numbers;
one compiled call per run of mini-batches removes that overhead, and float32
loops over examples vectorise (issue 3; numbers in bench/engine.py).

Layout of the package, one concern per module: jit (the decorator and its
disk cache), codes (the registries' entries to their kernels: an entry
without a kernel stops the import), activations and losses (scalar kernels
by code), layout (the network's shape as an integer table), settings (the
config and optimizer as two small arrays), layers (one kernel per step of a
layer's forward and backward pass), passes (whole-network passes),
optimizers, training (the calls the trainer makes), kernels (the binding to
a Network, its config and its optimizer).

What differs from NumPy: hidden computations are float32 (agreement to
~1e-5 relative, not bit for bit), maps come back as float32, and a network
whose values overflow float32 (|x| > 3e38) is reported as diverged earlier
than float64 would. A saturated tanh, sigmoid or GELU unit is the exception
to the relative agreement: its slope is off by up to 6e-7 absolute (the
float32 tanh in activations.py), so once the slope falls below ~0.06 the
gradients of the weights into the unit agree to ~6e-7 times the gradient
that reaches it, not to 1e-5 relative.

Compiling takes seconds (the disk cache makes it once per install), so a
server calls ``warm_up()`` in a thread at startup; trainers bound while it
runs use NumPy rather than wait for the compiler, and ask ``compiling()``
before each step, so they take the kernels as soon as they are ready.
"""

import threading
from time import perf_counter

import numpy as np

from engine.config import ExperimentConfig
from engine.fast.codes import KernelRegistryError
from engine.grid import grid_inputs
from engine.network import Network
from engine.optimizers import SGD, Optimizer

try:
    from engine.fast.kernels import Kernels
except KernelRegistryError:  # a registry entry without its kernel: fix the code
    raise
except Exception as error:  # numba missing, or broken on this platform: NumPy it is
    Kernels = None
    UNAVAILABLE = f"the kernels cannot be set up ({type(error).__name__}: {error})"
else:
    UNAVAILABLE = None

# Compilation is per process, so its state is too: set while warm_up() runs,
# and once it has compiled (or loaded) every kernel.
_warming, _compiled = threading.Event(), threading.Event()


def compiling() -> bool:
    """Whether warm_up() is compiling (or loading) the kernels right now: a wait that
    ends by itself, unlike the other reasons ``unsupported`` gives."""
    return _warming.is_set() and not _compiled.is_set()


def unsupported(config: ExperimentConfig) -> str | None:
    """Why the kernels cannot run this config now, or None when they can."""
    if Kernels is None:
        return UNAVAILABLE
    # Every registered activation, loss, penalty and optimizer has a kernel
    # (checked at import, engine/fast/codes.py), so only compiling can stand in the way.
    if compiling():
        return "the kernels are still compiling (warm_up)"
    return None


def bind(network: Network, config: ExperimentConfig, optimizer: Optimizer) -> "Kernels | None":
    """The kernels for this network, config and optimizer, or None when NumPy must do."""
    if unsupported(config) is not None:
        return None
    return Kernels(network, config, optimizer)


def warm_up() -> float:
    """Compile every kernel, or load it from the disk cache; returns the seconds taken.

    numba compiles on first call, so a server calls this once at startup (in
    a thread) and no websocket's first frame waits for the compiler.
    """
    began = perf_counter()
    if Kernels is not None and not _compiled.is_set():
        _warming.set()
        try:
            _call_every_kernel()
        finally:
            _compiled.set()
    return perf_counter() - began


def _call_every_kernel() -> None:
    """One small call of each entry point, with the argument types the trainer uses."""
    config = ExperimentConfig(n_points=20, batch_size=5, hidden=[2])
    network = Network(2, [2])
    kernels = Kernels(network, config, SGD(network.params.size))
    rng = np.random.default_rng(0)
    inputs, targets = rng.uniform(-1, 1, (10, 2)), np.ones(10)
    data, test = (inputs, targets, rng.permutation(10)), (inputs, targets)
    kernels.train(data, test, 0, 2, rng)
    kernels.measure(test, test)
    kernels.activations(grid_inputs(2, ("x1", "x2")))
