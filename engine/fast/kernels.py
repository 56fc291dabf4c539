"""A Network bound to the compiled kernels: the Trainer's fast path.

``Kernels`` holds what the kernels need besides the network's own arrays —
the layout table, float32 work buffers, the batch-norm running statistics as
one array — and turns the trainer's calls into kernel calls. The network's
``params`` stays the one source of truth: kernels read and update it in
place, so weights edited by the page (engine/weights.py) are seen by the next
step, and the NumPy code can take over at any time.
"""

import numpy as np

from engine.config import ExperimentConfig
from engine.fast import training
from engine.fast.layout import FAN_OUT, ROW_OUT, layer_table, n_rows
from engine.fast.losses import CODES as LOSSES
from engine.fast.optimizers import ADAM, PENALTIES, optimizer_state
from engine.network import Network
from engine.optimizers import Optimizer

Array = np.ndarray
F32 = np.float32


class Kernels:
    """Compiled training and evaluation for one network (see engine/fast/__init__.py)."""

    def __init__(self, network: Network, config: ExperimentConfig) -> None:
        self.network = network
        self.layers = layer_table(network)
        self.loss = LOSSES[config.loss]
        self.rows = n_rows(network)
        self.hidden_widths = network.sizes[1:-1]
        self._units = np.zeros((5, self.rows, 0), dtype=F32)
        self._inv_std = np.zeros(self.rows, dtype=F32)
        self._batch_targets = np.zeros(0)
        self._scratch = np.zeros((self.rows, 0), dtype=F32)
        self._optimizer: tuple[Optimizer | None, tuple] = (None, ())
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

    def _optimizer_state(self, optimizer: Optimizer) -> tuple:
        if self._optimizer[0] is not optimizer:
            self._optimizer = (optimizer, optimizer_state(optimizer))
        return self._optimizer[1]

    def _units_for(self, n: int) -> Array:
        """The (5, rows, ≥ n) float32 unit buffers; scoring uses the first two."""
        if self._units.shape[2] < n:
            self._units = np.zeros((5, self.rows, n), dtype=F32)
            self._batch_targets = np.zeros(n)
        return self._units

    def train(
        self,
        data: tuple[Array, Array, Array],
        test: tuple[Array, Array],
        start: int,
        n_batches: int,
        config: ExperimentConfig,
        optimizer: Optimizer,
        rng: np.random.Generator,
        threshold: float,
    ) -> tuple[int, float, bool, tuple[float, float, float, float] | None]:
        """Up to ``n_batches`` mini-batches of ``order`` from ``start`` (see
        ``training.train_batches``); returns (batches done, last batch loss,
        finite, scores): when the run ends the pass, ``scores`` are those of
        ``measure`` after it, else None.
        """
        inputs, targets, order = data
        batch_size = config.batch_size
        units = self._units_for(max(batch_size, len(inputs), len(test[0])))
        ends_pass = start + n_batches * batch_size >= len(order)
        rate = self.network.dropout
        if rate > 0:
            # One draw for every mask of the run gives the same numbers, in the same
            # order, as Network.forward's draw per layer and batch.
            examples = min(n_batches * batch_size, len(order) - start)
            uniforms = rng.random(examples * sum(self.hidden_widths))
        else:
            uniforms = self._batch_targets  # not read without dropout
        code, first, second, hyper = self._optimizer_state(optimizer)
        done, batch_loss, finite = training.train_batches(
            inputs, targets, order, start, n_batches, batch_size,
            self.network.params, self.network.grads, self.layers, self._running(),
            units, self._inv_std, self._batch_targets,
            self.loss, rate, uniforms,
            PENALTIES[config.regularization], config.regularization_rate,
            code, config.learning_rate, first, second, hyper, getattr(optimizer, "t", 0),
            test[0], test[1], threshold, ends_pass, self._scores,
        )  # fmt: skip
        if code == ADAM:
            optimizer.t += done
        masks = self.network.last_masks
        if rate > 0 or (masks and masks[0] is not None):  # all set or all cleared
            self._keep_last_masks(uniforms, rate, start, done, batch_size, len(order))
        scores = tuple(self._scores.tolist()) if ends_pass and finite else None
        return done, batch_loss, finite, scores

    def _keep_last_masks(
        self, uniforms: Array, rate: float, start: int, done: int, batch_size: int, n: int
    ) -> None:
        """``network.last_masks`` after the run's last batch, as Network.forward leaves them."""
        masks = self.network.last_masks
        if rate == 0:
            masks[:] = [None] * len(masks)
            return
        begin = start + (done - 1) * batch_size
        size = min(batch_size, n - begin)
        cursor = (begin - start) * sum(self.hidden_widths)
        for i, width in enumerate(self.hidden_widths):
            masks[i] = uniforms[cursor : cursor + size * width].reshape(size, width) >= rate
            cursor += size * width

    def _scratch_for(self, n: int) -> Array:
        """A (rows, ≥ n) float32 buffer for the pre-activations of n points."""
        if self._scratch.shape[1] < n:
            self._scratch = np.zeros((self.rows, n), dtype=F32)
        return self._scratch

    def measure(
        self, train: tuple[Array, Array], test: tuple[Array, Array], threshold: float
    ) -> tuple[float, float, float, float]:
        """(mean loss, accuracy) of the training and the test set, in evaluation mode:
        (train loss, train accuracy, test loss, test accuracy), NaN for an empty set.
        """
        z, h = self._units_for(max(len(train[0]), len(test[0])))[:2]
        return training.measure_both(
            *train, *test, self.network.params, self.layers, self._running(), z, h,
            self.loss, threshold,
        )  # fmt: skip

    def activations(self, inputs: Array) -> list[Array]:
        """Every layer's output, [(n, h1), …, (n, 1)] float32, like ``Network.activations``.

        Each is a transposed view of one (units, n) array, so a per-neuron map
        is a contiguous row.
        """
        inputs = np.ascontiguousarray(inputs, dtype=float)
        z, h = self._scratch_for(len(inputs)), np.empty((self.rows, len(inputs)), dtype=F32)
        training.evaluate_units(inputs, self.network.params, self.layers, self._running(), z, h)
        return [h[row[ROW_OUT] : row[ROW_OUT] + row[FAN_OUT]].T for row in self.layers]
