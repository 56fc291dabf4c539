"""A Network bound to the compiled kernels: the Trainer's fast path.

``Kernels`` holds what the kernels need besides the network's own arrays —
the layout table, float32 work buffers, the batch-norm running statistics as
one array — and translates the trainer's calls into kernel calls. The
network's ``params`` stays the one source of truth: kernels read and update
it in place, so weights edited by the page (engine/weights.py) are seen by
the next step, and the NumPy code can take over at any time.
"""

import numpy as np

from engine.config import ExperimentConfig
from engine.fast import training
from engine.fast.layout import FAN_OUT, ROW_OUT, layer_table, n_rows
from engine.fast.losses import CODES as LOSSES
from engine.fast.optimizers import PENALTIES, optimizer_state
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
        self.n_hidden_units = sum(network.sizes[1:-1])
        self._work: tuple[Array, ...] = ()
        self._batch_targets = np.zeros(0)
        self._eval: dict[int, Array] = {}
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

    def _net(self) -> tuple[Array, Array, Array, Array]:
        if any(layer.running_mean is not view for layer, view in self._adopted):
            self._adopt_running_statistics()  # Network.initialize() replaced them
        return (self.network.params, self.network.grads, self.layers, self.running)

    def _work_for(self, batch_size: int) -> tuple[Array, ...]:
        """The training buffers, grown to hold ``batch_size`` examples."""
        if not self._work or self._work[0].shape[1] < batch_size:
            units = lambda: np.zeros((self.rows, batch_size), dtype=F32)  # noqa: E731
            z, h, mask, xhat, g = (units() for _ in range(5))
            self._work = (z, h, mask, xhat, np.zeros(self.rows, dtype=F32), g)
            self._batch_targets = np.zeros(batch_size)
        return self._work

    def train(
        self,
        data: tuple[Array, Array, Array],
        start: int,
        n_batches: int,
        config: ExperimentConfig,
        optimizer: Optimizer,
        rng: np.random.Generator,
    ) -> tuple[int, float, bool]:
        """Up to ``n_batches`` mini-batches of ``order`` from ``start`` (see
        ``training.train_batches``); returns (batches done, last batch loss, finite).
        """
        order = data[2]
        batch_size = config.batch_size
        rate = float(self.network.dropout)
        examples = min(n_batches * batch_size, len(order) - start)
        # One draw for every mask of the run gives the same numbers, in the same
        # order, as Network.forward's one draw per layer and batch.
        uniforms = rng.random(examples * self.n_hidden_units) if rate > 0 else np.zeros(0)
        code, first, second, hyper = optimizer_state(optimizer)
        t = getattr(optimizer, "t", 0)
        done, batch_loss, finite = training.train_batches(
            data,
            start,
            n_batches,
            batch_size,
            self._net(),
            self._work_for(batch_size),
            self._batch_targets,
            self.loss,
            (rate, uniforms),
            (PENALTIES[config.regularization], float(config.regularization_rate)),
            (code, float(config.learning_rate), first, second, hyper, t),
        )
        if hasattr(optimizer, "t"):
            optimizer.t += done
        if rate > 0:
            self._keep_last_masks(uniforms, start, done, batch_size, len(order), rate)
        return done, batch_loss, finite

    def _keep_last_masks(
        self, uniforms: Array, start: int, done: int, batch_size: int, n: int, rate: float
    ) -> None:
        """``network.last_masks`` of the run's last batch, as Network.forward leaves them."""
        begin = start + (done - 1) * batch_size
        size = min(batch_size, n - begin)
        cursor = (begin - start) * self.n_hidden_units
        for i, width in enumerate(self.network.sizes[1:-1]):
            block = uniforms[cursor : cursor + size * width]
            self.network.last_masks[i] = block.reshape(size, width) >= rate
            cursor += size * width

    def _buffers(self, n: int) -> tuple[Array, Array]:
        """Scratch pre-activations for ``n`` examples and a fresh activation buffer."""
        if n not in self._eval:
            self._eval[n] = np.zeros((self.rows, n), dtype=F32)
        return self._eval[n], np.empty((self.rows, n), dtype=F32)

    def measure(self, inputs: Array, targets: Array, threshold: float) -> tuple[float, float]:
        """(mean loss, accuracy) over a set, in evaluation mode."""
        z, h = self._buffers(len(inputs))
        return training.measure(inputs, targets, self._net(), z, h, self.loss, threshold)

    def activations(self, inputs: Array) -> list[Array]:
        """Every layer's output, [(n, h1), …, (n, 1)] float32, like ``Network.activations``.

        Each is a transposed view of one (units, n) array, so a per-neuron map
        is a contiguous row.
        """
        z, h = self._buffers(len(inputs))
        training.evaluate_units(inputs, self._net(), z, h)
        return [h[row[ROW_OUT] : row[ROW_OUT] + row[FAN_OUT]].T for row in self.layers]
