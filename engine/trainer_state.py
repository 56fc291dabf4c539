"""A trainer's whole state as bytes, safe to read back from a shared store.

A room's leader is stored this way (app/rooms/redis_rooms.py) so that a
student's fork or a lecturer who reconnects on another process starts from it.
Bytes from a store may be hostile, so no pickle: the config, history and
scalars are JSON, and the arrays (weights, optimizer state, batch-norm running
statistics, the data, the shuffle order) are one ``.npz`` read back with
``allow_pickle=False``. ``load(dump(t))`` trains exactly like ``t``.

Layout: 4-byte big-endian length of the JSON, the JSON, then the ``.npz``.
"""

import io
import json
import struct
import zipfile
from typing import Any

import numpy as np

from engine.config import CUSTOM, ExperimentConfig
from engine.features import transform
from engine.trainer import EpochRecord, Trainer

FORMAT = 1
_LENGTH = struct.Struct(">I")
_DATA = ("X_train", "y_train", "X_test", "y_test")


def dump(trainer: Trainer) -> bytes:
    """Everything ``load`` needs to rebuild ``trainer`` exactly."""
    optimizer = trainer.optimizer
    arrays: dict[str, np.ndarray] = {name: getattr(trainer, name) for name in _DATA}
    arrays["params"] = trainer.network.params
    arrays["order"] = trainer._order
    scalars: dict[str, Any] = {}
    for name, value in vars(optimizer).items():
        if isinstance(value, np.ndarray):
            arrays[f"optimizer.{name}"] = value
        else:
            scalars[name] = value
    for i, layer in enumerate(trainer.network.layers):
        if layer.running_mean is not None and layer.running_var is not None:
            arrays[f"running_mean.{i}"], arrays[f"running_var.{i}"] = (
                layer.running_mean,
                layer.running_var,
            )
    if trainer._best is not None:
        arrays["best"] = trainer._best[1]
    meta = {
        "format": FORMAT,
        "config": trainer.config.model_dump(mode="json"),
        "history": [vars(record) for record in trainer.history],
        "step_count": trainer.step_count,
        "epoch_count": trainer.epoch_count,
        "state": trainer.state,
        "diverged_epoch": trainer.diverged_epoch,
        "position": trainer._position,
        "best_loss": None if trainer._best is None else trainer._best[0],
        "patience_used": trainer._patience_used,
        "rng": trainer._rng.bit_generator.state,
        "optimizer": scalars,
    }
    header = json.dumps(meta).encode()
    packed = io.BytesIO()
    np.savez(packed, **arrays)
    return _LENGTH.pack(len(header)) + header + packed.getvalue()


def load(blob: bytes, kernels: bool = True) -> Trainer:
    """The trainer ``dump`` saved; ValueError if the bytes are not such a state."""
    try:
        (length,) = _LENGTH.unpack_from(blob)
        meta = json.loads(blob[_LENGTH.size : _LENGTH.size + length])
        with np.load(io.BytesIO(blob[_LENGTH.size + length :]), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        if meta.get("format") != FORMAT:
            raise ValueError(f"trainer state format {meta.get('format')!r}, expected {FORMAT}")
        return _rebuild(meta, arrays, kernels)
    except (struct.error, KeyError, TypeError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"not a trainer state: {exc}") from None


def _rebuild(meta: dict[str, Any], arrays: dict[str, np.ndarray], kernels: bool) -> Trainer:
    config = ExperimentConfig.parse(meta["config"])
    data = None
    if config.dataset == CUSTOM:  # the points themselves; the split is overwritten below
        data = (
            np.concatenate([arrays["X_train"], arrays["X_test"]]),
            np.concatenate([arrays["y_train"], arrays["y_test"]]),
        )
    trainer = Trainer.from_config(config, data, kernels)
    for name in _DATA:
        setattr(trainer, name, arrays[name])
    trainer.inputs_train = transform(trainer.X_train, config.features)
    trainer.inputs_test = transform(trainer.X_test, config.features)
    network = trainer.network
    if arrays["params"].shape != network.params.shape:
        raise ValueError("trainer state: the weights do not fit the config's network")
    network.params[:] = arrays["params"]
    for i, layer in enumerate(network.layers):
        if f"running_mean.{i}" in arrays:
            layer.running_mean = arrays[f"running_mean.{i}"].copy()
            layer.running_var = arrays[f"running_var.{i}"].copy()
    optimizer = trainer.optimizer
    for name, value in meta["optimizer"].items():
        setattr(optimizer, name, value)
    for name in vars(optimizer):
        if f"optimizer.{name}" in arrays:
            getattr(optimizer, name)[:] = arrays[f"optimizer.{name}"]
    trainer.history = [EpochRecord(**record) for record in meta["history"]]
    trainer.step_count, trainer.epoch_count = meta["step_count"], meta["epoch_count"]
    trainer.state, trainer.diverged_epoch = meta["state"], meta["diverged_epoch"]
    trainer._order, trainer._position = arrays["order"], meta["position"]
    trainer._patience_used = meta["patience_used"]
    if meta["best_loss"] is not None:
        trainer._best = (meta["best_loss"], arrays["best"])
    trainer._rng.bit_generator.state = meta["rng"]
    trainer._bind_kernels()  # the kernels view the arrays set above
    return trainer
