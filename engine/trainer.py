"""The trainer: data, features, network, loss and optimizer, stepped by the caller.

``step()`` trains on one mini-batch, ``epoch()`` finishes a pass over the
training set; both return small records and never print. The caller (a
script, a test, the web session) decides what to show. Divergence and early
stopping are states to read (``trainer.state``), not exceptions.

Hyperparameters reach the weight update from ``trainer.config`` alone, on
either path: ``_train_batch`` reads them on each step (NumPy), and the
kernels are bound to the config and rebound whenever it changes (engine/fast).
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine import datasets, fast
from engine.activations import get_activation
from engine.config import CUSTOM, ExperimentConfig
from engine.errors import InputError
from engine.features import transform
from engine.history import History
from engine.losses import Loss, get_loss
from engine.network import LayerCache, Network, keep_masks
from engine.optimizers import make_optimizer
from engine.regularization import get_regularizer
from engine.snapshot import Snapshot, snapshot, two_grid_snapshot

Array = np.ndarray

# Keys a running trainer takes without losing its training so far (DESIGN.md).
LIVE_KEYS = frozenset(
    {
        "learning_rate",
        "batch_size",
        "regularization",
        "regularization_rate",
        "dropout",
        "optimizer",
        "early_stopping",
    }
)

READY, DIVERGED, STOPPED = "ready", "diverged", "stopped"
# Custom data too small to train on (none, one point, one class, or no training
# point at the ratio): the trainer holds it, keeps its network and waits for more.
WAITING = "waiting"
# A loss past float32's range is divergence on both paths, so the compiled
# float32 kernels and the float64 NumPy specification agree on when it happened.
DIVERGENCE_LOSS = float(np.finfo(np.float32).max)
# (train loss, train accuracy, test loss, test accuracy); NaN for an empty set
Scores = tuple[float, float, float, float]


@dataclass(frozen=True)
class StepResult:
    step: int  # mini-batches trained since the reset
    epoch: int  # completed passes over the training set
    batch_loss: float
    state: str


@dataclass(frozen=True)
class EpochRecord:
    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float | None  # None for regression
    test_accuracy: float | None


class Trainer:
    """Owns one experiment; build it with ``Trainer.from_config``."""

    def __init__(
        self,
        config: ExperimentConfig,
        data: tuple[Array, Array] | None = None,
        kernels: bool = True,
    ) -> None:
        self.config = config
        self.custom_data = data
        self._use_kernels = kernels
        self._load_data()
        self.reset()

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any] | ExperimentConfig | None = None,
        data: tuple[Array, Array] | None = None,
        kernels: bool = True,
    ) -> "Trainer":
        """Validate the config (InputError names a bad key) and build everything.

        ``data`` gives the points and labels when the dataset is ``custom``.
        ``kernels=False`` keeps to the NumPy code even where the compiled
        kernels (engine/fast) cover the config.
        """
        if not isinstance(config, ExperimentConfig):
            config = ExperimentConfig.parse(dict(config or {}))
        return cls(config, data, kernels)

    def _load_data(self) -> None:
        cfg = self.config
        data_rng, split_rng = (np.random.default_rng(s) for s in _seeds(cfg.seed, "data", "split"))
        if cfg.dataset == CUSTOM:
            if self.custom_data is None:
                raise InputError("dataset", "custom needs points and labels")
            try:
                X, y = datasets.validate_custom(*self.custom_data, cfg.problem, cfg.classes)
            except ValueError as exc:  # say, regression values under a classification
                raise InputError("custom_data", str(exc)) from None
        else:
            X, y = datasets.generate(cfg.dataset, cfg.n_points, cfg.noise, data_rng, cfg.classes)
        self.X_train, self.y_train, self.X_test, self.y_test = datasets.split(
            X, y, cfg.train_fraction, split_rng
        )
        self.waiting = not datasets.trainable(y, len(self.X_train), cfg.problem)
        # A waiting trainer keeps the batch size it was given, for when points come.
        if not self.waiting and not 1 <= cfg.batch_size <= len(self.X_train):
            raise InputError("batch_size", f"must be 1 … {len(self.X_train)}")
        self.inputs_train = transform(self.X_train, cfg.features)
        self.inputs_test = transform(self.X_test, cfg.features)
        # New points or inputs bump it; a rebuild that reloads the same ones keeps it.
        loaded = (cfg.problem, cfg.dataset, cfg.classes, cfg.noise, cfg.train_fraction)
        loaded += (cfg.n_points, cfg.seed)
        loaded += tuple(cfg.features)
        if loaded != getattr(self, "_loaded", None):
            self._loaded, self.data_version = loaded, getattr(self, "data_version", 0) + 1

    def reset(self) -> None:
        """Fresh weights from the seed (the same seed, the same weights), empty history."""
        cfg = self.config
        init_rng, self._rng = (np.random.default_rng(s) for s in _seeds(cfg.seed, "init", "train"))
        self.network = Network(
            n_inputs=len(cfg.features),
            hidden=cfg.hidden,
            activation=cfg.activation,
            output=cfg.output_activation,
            layer_activations=cfg.layer_activations,
            init=cfg.init,
            batch_norm=cfg.batch_norm,
            rng=init_rng,
            outputs=cfg.outputs,
        )
        self.loss = get_loss(cfg.loss, cfg.classes)
        self.regularizer = get_regularizer(cfg.regularization)
        self.optimizer = make_optimizer(cfg.optimizer, self.network.params.size)
        self._bind_kernels()
        self.step_count = 0
        self.epoch_count = 0
        self.state = WAITING if self.waiting else READY
        self.diverged_epoch: int | None = None
        self.history: History[EpochRecord] = History()
        # Per hidden layer, which units the last mini-batch kept ((n, width) bool),
        # None where nothing was dropped: what the training call returned.
        self.last_masks: list[Array | None] = [None] * len(cfg.hidden)
        self.last_batch: Array = np.zeros(0, dtype=int)  # its training-set indices
        self._order = self._rng.permutation(len(self.X_train))
        self._position = 0
        self._best: tuple[float, Array] | None = None
        self._patience_used = 0

    def use_points(self, points: Array, labels: Array, classes: int | None = None) -> None:
        """Train on these points from now on (the dataset becomes ``custom``), keeping
        the weights: drawing edits the data under a network that goes on learning.

        The batch size shrinks to the training set when it would not fit. Too few
        points to train on (``datasets.trainable``) leave the trainer ``WAITING``
        with its network, until points that can be trained on come. ``classes``
        (K) changes the number of classes, the labels then being 0 … K−1 (±1 for
        two): the network needs K outputs, so it starts afresh from the seed.
        Points the engine refuses raise InputError and leave the trainer as it was.
        """
        n_train = round(len(points) * self.config.train_fraction)
        changes: dict[str, Any] = {"dataset": CUSTOM}
        # Shrunk only for points it trains on: a waiting trainer keeps the asked-for size.
        if datasets.trainable(np.asarray(labels), n_train, self.config.problem):
            changes["batch_size"] = min(self.config.batch_size, n_train)
        reshaped = classes is not None and classes != self.config.classes
        if reshaped:
            changes |= class_changes(classes)
        old = self.config, self.custom_data
        try:
            self.config, self.custom_data = self.config.updated(changes), (points, labels)
            self._load_data()
        except InputError as exc:
            self.config, self.custom_data = old
            self._load_data()
            raise InputError("custom_data", exc.message) from None
        self.data_version += 1  # other points under the same config: the page must redraw
        if reshaped:
            self.reset()
            return
        if self.waiting:
            self.state = WAITING
        elif self.state == WAITING:
            self.state = READY
        self._order = self._rng.permutation(len(self.X_train))
        self._position = 0
        self._best = None  # early stopping's best weights were best on the old points
        self._bind_kernels()

    def configure(self, changes: Mapping[str, Any]) -> bool:
        """Apply config changes; return True when they rebuilt and reset the trainer.

        Live keys (learning rate, batch size, regularisation, dropout,
        optimizer, early stopping) apply to the next step; anything else
        regenerates the data and the network. Invalid changes raise
        InputError and leave the trainer as it was.
        """
        new = self.config.updated(dict(changes))
        fields = ExperimentConfig.model_fields
        changed = {k for k in fields if getattr(new, k) != getattr(self.config, k)}
        old = self.config
        self.config = new
        if not changed <= LIVE_KEYS:
            try:
                self._load_data()
            except InputError:
                self.config = old
                self._load_data()
                raise
            self.reset()
            return True
        if not self.waiting and new.batch_size > len(self.X_train):
            self.config = old
            raise InputError("batch_size", f"must be 1 … {len(self.X_train)}")
        if "regularization" in changed:
            self.regularizer = get_regularizer(new.regularization)
        if "optimizer" in changed:
            self.optimizer = make_optimizer(new.optimizer, self.network.params.size)
        if "early_stopping" in changed and self.state == STOPPED:
            self.state = READY
        self._bind_kernels()
        return False

    def _bind_kernels(self) -> None:
        """Kernels for the current network, config and optimizer (None: NumPy)."""
        if self._use_kernels:
            self.kernels = fast.bind(self.network, self.config, self.optimizer)
        else:
            self.kernels = None
        # Bound while the kernels compile: NumPy trains until they are ready, then
        # the next step binds them. Nothing is lost in the switch: the kernels work on
        # the network's params, running statistics and the optimizer's state in place,
        # and draw dropout from the same generator in the same order.
        self._kernels_later = self.kernels is None and self._use_kernels and fast.compiling()

    def copy(self) -> "Trainer":
        """An independent trainer in this one's exact state (data, weights, optimizer
        state, history, random streams), for a student's fork of a lecturer's run.
        Kernels hold views into the network's arrays, so the copy binds its own."""
        twin = copy.deepcopy(self, {id(self.kernels): None})
        twin._bind_kernels()
        return twin

    @property
    def path(self) -> str:
        """Which code trains and draws: "kernel" (compiled, engine/fast) or "numpy"."""
        return "numpy" if self.kernels is None else "kernel"

    def step(self, numpy: bool = False) -> StepResult:
        """Train on the next mini-batch; finishing a pass closes the epoch.

        ``numpy`` trains it on the NumPy path (the specification) even where
        kernels are bound, from the state they left: the step-through view
        (engine/stepthrough.py) shows that path's numbers.
        """
        return self._result(self._advance(1, numpy))

    def steps(self, n_batches: int) -> StepResult:
        """Train on up to ``n_batches`` mini-batches, stopping where the pass ends
        (one compiled call: how a caller slices long work into short runs)."""
        return self._result(self._advance(max(1, min(n_batches, self._batches_left()))))

    def _result(self, batch_loss: float) -> StepResult:
        return StepResult(self.step_count, self.epoch_count, batch_loss, self.state)

    def next_batch(self) -> Array:
        """The training-set indices of the next mini-batch."""
        return self._order[self._position : self._position + self.config.batch_size]

    def training_rng(self) -> np.random.Generator:
        """A copy of the training stream (dropout draws): the next batch's draws,
        previewed without using them up."""
        return copy.deepcopy(self._rng)

    def _advance(self, n_batches: int, numpy: bool = False) -> float:
        """Train on up to ``n_batches`` mini-batches of the current pass, stopping at
        the first whose loss or weights are not finite; finishing the pass closes
        the epoch. Returns the last batch's loss (NaN when not ready to train).
        """
        if self.state != READY:
            return float("nan")
        if self._kernels_later and not fast.compiling():
            self._bind_kernels()
        done, batch_loss, finite, scores, self.last_masks = self._train_batches(n_batches, numpy)
        size = self.config.batch_size
        # Before the pass ends and reshuffles: the batch the page highlights.
        self.last_batch = self._order[self._position + (done - 1) * size :][:size]
        self.step_count += done
        self._position = min(self._position + done * self.config.batch_size, len(self._order))
        if not finite:
            self.state = DIVERGED
            self.diverged_epoch = self.epoch_count
        elif self._position >= len(self._order):
            self._end_epoch(scores)
        return float(batch_loss)

    def _train_batches(
        self, n_batches: int, numpy: bool = False
    ) -> tuple[int, float, bool, Scores | None, list[Array | None]]:
        """(batches done, the last one's loss, whether all stayed finite, the scores
        of both sets if the kernels took them at the end of the pass, and the
        last batch's dropout keep-masks).
        """
        if self.kernels is not None and not numpy:  # one compiled call for the whole run
            return self.kernels.train(
                (self.inputs_train, self.y_train, self._order),
                (self.inputs_test, self.y_test),
                self._position,
                n_batches,
                self._rng,
            )
        size = self.config.batch_size
        # Overflow is an expected outcome of a too-high learning rate; it is
        # reported as the "diverged" state rather than as warnings.
        with np.errstate(all="ignore"):
            for done in range(1, n_batches + 1):
                begin = self._position + (done - 1) * size
                batch = self._order[begin : begin + size]
                batch_loss, masks = self._train_batch(self.inputs_train[batch], self.y_train[batch])
                if not (np.isfinite(batch_loss) and np.isfinite(self.network.params).all()):
                    return done, batch_loss, False, None, masks
        return n_batches, batch_loss, True, None, masks

    def _train_batch(self, inputs: Array, targets: Array) -> tuple[float, list[Array | None]]:
        """One gradient step on a batch; returns the batch's mean data loss and its
        dropout keep-masks (``keep_masks``).
        """
        net, cfg, loss = self.network, self.config, self.loss
        output, caches = net.forward(inputs, training=True, rng=self._rng, dropout=cfg.dropout)
        signal = loss_input(loss, output, caches)
        dsignal = loss.grad(signal, targets) / len(targets)
        grads = net.backward(caches, dsignal, pre_activation=loss.output is not None)
        if cfg.regularization_rate > 0:
            mask = net.weight_mask
            grads[mask] += cfg.regularization_rate * self.regularizer.grad(net.params[mask])
        self.optimizer.step(net.params, grads, cfg.learning_rate)
        return float(loss.value(signal, targets).mean()), keep_masks(caches)

    def epoch(self) -> EpochRecord | None:
        """Train until the current pass over the training set ends.

        Returns the epoch's record, or None when the trainer is not ready
        (diverged or early-stopped).
        """
        start = self.epoch_count
        while self.state == READY and self.epoch_count == start:
            self._advance(self._batches_left())
        return self.history[-1] if self.epoch_count > start else None

    def _batches_left(self) -> int:
        """Mini-batches until the current pass ends (the last one may be short)."""
        return -(-(len(self._order) - self._position) // self.config.batch_size)

    def _end_epoch(self, scores: Scores | None = None) -> None:
        self.epoch_count += 1
        self._next_pass()
        record = self._record(scores or self._scores())
        self.history.append(record)
        # A tiny custom set can have no test points; its test loss is NaN by design.
        has_test = len(self.y_test) > 0
        # Written as "<=" so that NaN, which compares false, counts as divergence too.
        test_ok = record.test_loss <= DIVERGENCE_LOSS or not has_test
        if not (record.train_loss <= DIVERGENCE_LOSS and test_ok):
            self.state = DIVERGED
            self.diverged_epoch = self.epoch_count
        elif self.config.early_stopping and has_test:
            self._check_early_stopping(record.test_loss)

    def _next_pass(self) -> None:
        """Start the next pass over the training set in a fresh random order.

        A pass that is one batch keeps its order: that batch averages over
        every training point at once, so its order changes nothing but
        rounding, and the permutation would cost a quarter of the epoch
        (issue 3).
        """
        if self.config.batch_size < len(self._order):
            self._order = self._rng.permutation(len(self._order))
        self._position = 0

    def _check_early_stopping(self, test_loss: float) -> None:
        if self._best is None or test_loss < self._best[0]:
            self._best = (test_loss, self.network.params.copy())
            self._patience_used = 0
            return
        self._patience_used += 1
        if self._patience_used >= self.config.early_stopping:
            self.network.params[...] = self._best[1]
            self.state = STOPPED

    def evaluate(self) -> EpochRecord:
        """Loss (and accuracy) over all training and test points, without training."""
        return self._record(self._scores())

    def _scores(self) -> Scores:
        train, test = (self.inputs_train, self.y_train), (self.inputs_test, self.y_test)
        if self.kernels is not None and not self.waiting:  # both sets in one compiled call
            return self.kernels.measure(train, test)
        with np.errstate(all="ignore"):
            return (*self._measure(*train), *self._measure(*test))

    def _record(self, scores: Scores) -> EpochRecord:
        train_loss, train_accuracy, test_loss, test_accuracy = scores
        classification = self.config.problem == "classification"
        return EpochRecord(
            self.epoch_count,
            train_loss,
            test_loss,
            train_accuracy if classification else None,
            test_accuracy if classification and len(self.y_test) else None,
        )

    def _measure(self, inputs: Array, targets: Array) -> tuple[float, float]:
        """(mean loss, accuracy) over one set; NaN for an empty set."""
        if len(targets) == 0:
            return float("nan"), float("nan")
        output, caches = self.network.forward(inputs)
        loss = float(self.loss.value(loss_input(self.loss, output, caches), targets).mean())
        return loss, float((self.predict_labels(output) == targets).mean())

    def predict_labels(self, output: Array) -> Array:
        """Class labels from raw outputs by the output activation's decision rule:
        ±1 at its threshold (0.5 for sigmoid, else 0), or softmax's argmax."""
        return get_activation(self.config.output_activation).predict(output)

    def confusion(self) -> Array | None:
        """Counts (K, K) of test points by true class (rows) and predicted class
        (columns), or None for two classes (the binary page shows accuracy alone)
        and for an empty test set."""
        classes = self.config.classes
        if classes == 2 or len(self.y_test) == 0:
            return None
        with np.errstate(all="ignore"):
            output, _ = self.network.forward(self.inputs_test)
        counts = np.zeros((classes, classes), dtype=int)
        np.add.at(counts, (self.y_test.astype(int), self.predict_labels(output).astype(int)), 1)
        return counts

    def snapshot(self, resolution: int) -> Snapshot:
        """Every neuron's map over a resolution² grid of [-6, 6]²."""
        with np.errstate(all="ignore"):
            return snapshot(self.network, self.config.features, resolution, self.kernels)

    def maps(self, output_resolution: int, neuron_resolution: int) -> Snapshot:
        """What one picture needs: the output map fine, the neuron and feature maps coarse."""
        with np.errstate(all="ignore"):
            return two_grid_snapshot(
                self.network,
                self.config.features,
                output_resolution,
                neuron_resolution,
                self.kernels,
            )


def class_changes(classes: int) -> dict[str, Any]:
    """The config changes for K classes: three or more train a softmax output (the
    output left unset) with cross-entropy; two keep the loss and output they have."""
    if classes == 2:
        return {"classes": 2}
    return {"classes": classes, "loss": "cross_entropy", "output": None}


def loss_input(loss: Loss, output: Array, caches: list[LayerCache]) -> Array:
    """What the loss is a function of: the output, or the output neuron's
    pre-activation for a loss written for its activation (engine/losses.py)."""
    if loss.output is None:
        return output
    z = caches[-1].z
    return z[:, 0] if z.shape[1] == 1 else z


def _seeds(seed: int, *purposes: str) -> list[np.random.SeedSequence]:
    """Independent random streams from one seed, one per purpose, stable by name."""
    tags = {"data": 0, "split": 1, "init": 2, "train": 3}
    return [np.random.SeedSequence([seed, tags[p]]) for p in purposes]
