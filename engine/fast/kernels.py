"""A Network bound to the compiled kernels: the Trainer's fast path.

``Kernels`` holds what the kernels need besides the network's own arrays —
the layout table, the config and optimizer as two small arrays (settings.py),
float32 work buffers, the batch-norm running statistics as one array — and
turns the trainer's calls into kernel calls. It is bound to one network,
config and optimizer; the trainer binds anew when any of them changes. The
network's ``params`` stays the one source of truth: kernels read and update
it in place, so weights edited by the page (engine/weights.py) are seen by
the next step, and the NumPy code can take over at any time.
"""

import threading

import numpy as np

from engine.config import ExperimentConfig
from engine.fast import training
from engine.fast.layout import FAN_OUT, ROW_OUT, layer_table, n_rows
from engine.fast.optimizers import ADAM, optimizer_state
from engine.fast.settings import BATCH_SIZE, DROPOUT, OPTIMIZER, pack
from engine.network import Network
from engine.optimizers import Optimizer

Array = np.ndarray
F32 = np.float32
# Work buffers, one per thread for every network (Kernels._units_for, _scratch_for).
_TRAINING, _EVALUATION = threading.local(), threading.local()


def _shared(buffers: threading.local, size: int) -> Array:
    """The first ``size`` floats of this thread's buffer of that kind (grown as needed)."""
    flat = getattr(buffers, "flat", None)
    if flat is None or flat.size < size:
        flat = buffers.flat = np.empty(size, dtype=F32)
    return flat[:size]


class Kernels:
    """Compiled training and evaluation for one network (see engine/fast/__init__.py)."""

    def __init__(self, network: Network, config: ExperimentConfig, optimizer: Optimizer) -> None:
        self.network = network
        self.optimizer = optimizer
        self.layers = layer_table(network)
        self.settings, self.hyper = pack(config, optimizer)
        self._moments = optimizer_state(optimizer)[:2]  # its arrays, updated in place
        # Python copies of what each call reads on the Python side (a NumPy scalar
        # costs ~0.1 µs per read), taken from the packed arrays.
        self._batch_size, self._dropout = int(self.settings[BATCH_SIZE]), float(self.hyper[DROPOUT])
        self._adam = self.settings[OPTIMIZER] == ADAM
        self._widths = network.sizes[1:-1]
        self.rows = n_rows(network)
        # Each layer's rows of the unit buffers, as Python slices for the maps' views.
        self._outputs = [slice(int(r[ROW_OUT]), int(r[ROW_OUT] + r[FAN_OUT])) for r in self.layers]
        self._inv_std = np.zeros(self.rows, dtype=F32)
        self._batch_targets = np.zeros(0)
        self._scores = np.zeros(4)  # the training call's scores at the end of a pass
        self._adopt_running_statistics()

    def _adopt_running_statistics(self) -> None:
        """Move the layers' batch-norm running mean and variance into one (2, rows)
        array and leave views of it in the layers, as ``params`` does for weights.
        """
        self.running = np.zeros((2, self.rows))
        self._adopted = []
        for layer, row in zip(self.network.layers, self.layers, strict=True):
            if layer.gamma is None:
                continue
            units = slice(row[ROW_OUT], row[ROW_OUT] + row[FAN_OUT])
            self.running[0, units] = layer.running_mean
            self.running[1, units] = layer.running_var
            layer.running_mean, layer.running_var = self.running[0, units], self.running[1, units]
            self._adopted.append((layer, layer.running_mean))

    def _running(self) -> Array:
        for layer, view in self._adopted:
            if layer.running_mean is not view:  # Network.initialize() replaced them
                self._adopt_running_statistics()
                break
        return self.running

    def _units_for(self, n: int) -> Array:
        """The (5, rows, n) float32 unit buffers; scoring uses the first two. One
        per thread for every network, as ``_scratch_for``: a pass writes each
        unit before it reads it, and the dropout masks are read right after."""
        if len(self._batch_targets) < n:
            self._batch_targets = np.zeros(n)
        return _shared(_TRAINING, 5 * self.rows * n).reshape(5, self.rows, n)

    def train(
        self,
        data: tuple[Array, Array, Array],
        test: tuple[Array, Array],
        start: int,
        n_batches: int,
        rng: np.random.Generator,
    ) -> tuple[int, float, bool, tuple[float, float, float, float] | None, list[Array | None]]:
        """Up to ``n_batches`` mini-batches of ``order`` from ``start`` (see
        ``training.train_batches``); returns (batches done, last batch loss,
        finite, scores, masks): when the run ends the pass, ``scores`` are those
        of ``measure`` after it, else None; ``masks`` are the last batch's
        dropout keep-masks per hidden layer, as ``engine.network.keep_masks`` gives
        them.
        """
        inputs, targets, order = data
        batch_size = self._batch_size
        units = self._units_for(max(batch_size, len(inputs), len(test[0])))
        rate, widths = self._dropout, self._widths
        if rate > 0:
            # One draw for every mask of the run gives the same numbers, in the same
            # order, as Network.forward's draw per layer and batch.
            examples = min(n_batches * batch_size, len(order) - start)
            uniforms = rng.random(examples * sum(widths))
        else:
            uniforms = self._batch_targets  # not read without dropout
        first, second = self._moments
        done, batch_loss, finite = training.train_batches(
            inputs, targets, order, start, n_batches,
            self.network.params, self.network.grads, self.layers, self._running(),
            units, self._inv_std, self._batch_targets, uniforms,
            self.settings, self.hyper, first, second, getattr(self.optimizer, "t", 0),
            test[0], test[1], self._scores,
        )  # fmt: skip
        if self._adam:
            self.optimizer.t += done
        ends_pass = start + n_batches * batch_size >= len(order)
        scores = tuple(self._scores.tolist()) if ends_pass and finite else None
        if rate == 0:
            return done, batch_loss, finite, scores, [None] * len(widths)
        # The kernel leaves the last batch's masks (scaled, or 0 where dropped) in
        # units[2], whose rows after the inputs' are the hidden units, layer by layer.
        size = min(batch_size, len(order) - start - (done - 1) * batch_size)
        inputs_rows = self.network.sizes[0]
        keep = units[2, inputs_rows : inputs_rows + sum(widths), :size] > 0
        masks, row = [], 0
        for width in widths:
            masks.append(keep[row : row + width].T)
            row += width
        return done, batch_loss, finite, scores, masks

    def _scratch_for(self, n: int) -> Array:
        """A (rows, n) float32 buffer for the pre-activations of n points: one per
        thread for every network (evaluation writes each row before it reads it),
        so the maps of a server's hundreds of tabs write to memory still in the
        cache, not to a cold buffer of their own."""
        return _shared(_EVALUATION, self.rows * n).reshape(self.rows, n)

    def measure(
        self, train: tuple[Array, Array], test: tuple[Array, Array]
    ) -> tuple[float, float, float, float]:
        """(mean loss, accuracy) of the training and the test set, in evaluation mode:
        (train loss, train accuracy, test loss, test accuracy), NaN for an empty set.
        """
        z, h = self._units_for(max(len(train[0]), len(test[0])))[:2]
        return training.measure_both(
            *train, *test, self.network.params, self.layers, self._running(), z, h,
            self.settings, self.hyper,
        )  # fmt: skip

    def activations(self, inputs: Array) -> list[Array]:
        """Every layer's output, [(n, h1), …, (n, 1)] float32, like ``Network.activations``.

        Each is a transposed view of one (units, n) array, so a per-neuron map
        is a contiguous row.
        """
        inputs = np.ascontiguousarray(inputs, dtype=float)
        z, h = self._scratch_for(len(inputs)), np.empty((self.rows, len(inputs)), dtype=F32)
        training.evaluate_units(inputs, self.network.params, self.layers, self._running(), z, h)
        return [h[rows].T for rows in self._outputs]
