"""The model file: a trained network as JSON, saved and opened again exactly.

A file holds the whole experiment config, every layer's weights (and batch-norm
state), the custom points when the dataset is ``custom``, and the epoch it was
saved at; docs/formats.md lists the fields and the version policy. JSON numbers
are written with Python's shortest round-trip repr, so float64 weights come
back bit for bit. Every problem with a file raises ``InputError``: ``KEY`` for
the file itself, or the config key a hand-edited config got wrong.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.custom_data import MAX_NAME_CHARS
from engine.config import CUSTOM, ExperimentConfig
from engine.datasets import MAX_CUSTOM_POINTS, validate_custom
from engine.errors import InputError
from engine.trainer import Trainer

Array = np.ndarray

FORMAT = "nn-playground-model"
VERSION = 1
KEY = "model_file"  # the error slot of the open-model control
# 5,000 custom points at full precision are ~300 KB and the largest network
# ~50 KB; the margin is for pretty-printed files.
MAX_BYTES = 4 << 20
BATCH_NORM_FIELDS = ("gamma", "running_mean", "running_var")


@dataclass(frozen=True)
class LayerParams:
    """One layer's arrays; the batch-norm ones only on hidden layers with batch norm."""

    W: Array  # (fan_in, fan_out): row i holds the weights out of input i
    b: Array  # (fan_out,)
    gamma: Array | None = None
    running_mean: Array | None = None
    running_var: Array | None = None


@dataclass(frozen=True)
class ModelFile:
    """What a model file holds, checked."""

    config: ExperimentConfig
    layers: list[LayerParams]
    data: tuple[Array, Array] | None  # (points, labels) when the dataset is custom
    epoch: int
    class_names: tuple[str, ...] = ()  # an upload's label texts, in label order


def capture(trainer: Trainer, class_names: tuple[str, ...] = ()) -> ModelFile:
    """The trainer's network and config as they are now (copies), with the names of
    its custom classes when they have names."""
    if not np.isfinite(trainer.network.params).all():
        raise InputError(
            KEY, "the network has diverged (its weights are not numbers); reset it before saving"
        )
    layers = [
        LayerParams(
            layer.W.copy(),
            layer.b.copy(),
            *(None if layer.gamma is None else getattr(layer, f).copy() for f in BATCH_NORM_FIELDS),
        )
        for layer in trainer.network.layers
    ]
    data = _custom_data(trainer)
    names = class_names if data is not None else ()
    return ModelFile(trainer.config, layers, data, trainer.epoch_count, names)


def _custom_data(trainer: Trainer) -> tuple[Array, Array] | None:
    """The custom points in the order the trainer was given them, so that opening
    the file splits them into the same training and test sets."""
    if trainer.config.dataset != CUSTOM:
        return None
    return validate_custom(*trainer.custom_data, trainer.config.problem, trainer.config.classes)


def to_json_dict(model: ModelFile) -> dict[str, Any]:
    """The file's JSON object (plain lists and numbers)."""
    obj: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "config": model.config.model_dump(),
        "layers": [
            {
                name: value.tolist()
                for name, value in vars(layer).items()
                if value is not None  # layers without batch norm leave its fields out
            }
            for layer in model.layers
        ],
        "epoch": model.epoch,
    }
    if model.data is not None:
        points, labels = model.data
        obj["data"] = {"points": points.tolist(), "labels": labels.tolist()}
        if model.class_names:
            obj["data"]["class_names"] = list(model.class_names)
    return obj


def export_model(trainer: Trainer, class_names: tuple[str, ...] = ()) -> dict[str, Any]:
    """The model file of a trainer, as a JSON-ready object."""
    return to_json_dict(capture(trainer, class_names))


def model_json(trainer: Trainer, class_names: tuple[str, ...] = ()) -> str:
    """The model file of a trainer, as JSON text."""
    return json.dumps(export_model(trainer, class_names), allow_nan=False)


def parse_model_json(text: str) -> ModelFile:
    """Read and check a model file's JSON text."""
    if len(text) > MAX_BYTES or len(text.encode()) > MAX_BYTES:
        raise InputError(
            KEY, f"the file is larger than {MAX_BYTES >> 20} MiB; it is not a model file"
        )
    try:
        obj = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InputError(
            KEY, f"the file is not valid JSON (line {error.lineno}: {error.msg})"
        ) from None
    except RecursionError:
        raise InputError(KEY, "the file is not a model file (its lists nest too deeply)") from None
    return import_model(obj)


def _is_whole(value: object) -> bool:
    """An int from JSON, and not true or false (which Python counts as 1 and 0)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _refuse_constant(name: str) -> float:
    raise InputError(KEY, f"the file contains {name}; every number must be finite")


def import_model(obj: object) -> ModelFile:
    """Check a model file's JSON object and read it with its version's reader."""
    if not isinstance(obj, dict):
        raise InputError(KEY, "the file is not a model file (it is not a JSON object)")
    if obj.get("format") != FORMAT:
        raise InputError(
            KEY, f"this is not an nn-playground model file (its format is {obj.get('format')!r})"
        )
    version = obj.get("version")
    if _is_whole(version) and version > VERSION:
        raise InputError(
            KEY,
            f"this file was made by a newer version of nn-playground (model file version "
            f"{version}; this one reads up to {VERSION}). Update nn-playground to open it.",
        )
    reader = READERS.get(version) if _is_whole(version) else None
    if reader is None:
        raise InputError(
            KEY, f"the file's version {version!r} is unknown; nn-playground reads {list(READERS)}"
        )
    return reader(obj)


def _read_v1(obj: dict[str, Any]) -> ModelFile:
    _check_fields(
        obj, required={"format", "version", "config", "layers"}, optional={"data", "epoch"}
    )
    config = _config(obj["config"])
    layers = _layers(obj["layers"], config)
    data = _data(obj.get("data"), config)
    epoch = obj.get("epoch", 0)
    if not _is_whole(epoch) or epoch < 0:
        raise InputError(KEY, f"the file's epoch must be a whole number ≥ 0; got {epoch!r}")
    names = _class_names(obj["data"].get("class_names"), config) if data is not None else ()
    return ModelFile(config, layers, data, epoch, names)


# Readers by format version: an older version keeps its reader when a new one comes.
READERS: dict[int, Callable[[dict[str, Any]], ModelFile]] = {1: _read_v1}


def _check_fields(
    obj: dict[str, Any], required: set[str], optional: set[str], where: str = "the file"
) -> None:
    """Every required field present and no unknown one, or an error naming it."""
    missing = sorted(required - obj.keys())
    if missing:
        raise InputError(KEY, f"{where} has no {missing[0]!r}; it needs {_names(required)}")
    unknown = sorted(obj.keys() - required - optional)
    if unknown:
        raise InputError(
            KEY,
            f"{where} has an unknown field {unknown[0]!r}; allowed: {_names(required | optional)}",
        )


def _names(fields: set[str]) -> str:
    return ", ".join(sorted(fields))


def _config(value: object) -> ExperimentConfig:
    """The config, checked as the page's own; its errors keep their key."""
    if not isinstance(value, dict):
        raise InputError(KEY, "the file's config must be a JSON object of settings")
    try:
        return ExperimentConfig.parse(value)
    except InputError as error:
        raise InputError(error.key, f"in the model file: {error.message}") from None


def _layers(value: object, config: ExperimentConfig) -> list[LayerParams]:
    """Each layer's arrays, with the shapes the config's network has."""
    sizes = [len(config.features), *config.hidden, config.outputs]
    network = _network_words(config)
    if not isinstance(value, list) or len(value) != len(sizes) - 1:
        count = f"{len(value)} layers" if isinstance(value, list) else "no list of layers"
        raise InputError(
            KEY,
            f"the file has {count}; {network} has {len(sizes) - 1} "
            "(one per hidden layer and the output)",
        )
    layers = []
    for index, (layer, fan_in, fan_out) in enumerate(zip(value, sizes, sizes[1:], strict=False)):
        where = f"layer {index + 1}"
        batch_norm = config.batch_norm and index < len(config.hidden)
        if not isinstance(layer, dict):
            raise InputError(KEY, f"{where} must be a JSON object with W and b")
        _check_fields(layer, {"W", "b", *(BATCH_NORM_FIELDS if batch_norm else ())}, set(), where)
        arrays = {
            name: _numbers(
                item, (fan_in, fan_out) if name == "W" else (fan_out,), f"{where}'s {name}", network
            )
            for name, item in layer.items()
        }
        if batch_norm and (arrays["running_var"] < 0).any():
            raise InputError(KEY, f"{where}'s running_var must not be negative (it is a variance)")
        layers.append(LayerParams(**arrays))
    return layers


def _network_words(config: ExperimentConfig) -> str:
    """How an error names the network, e.g. "a network with 2 inputs (x1, x2) and
    hidden layers [4, 2]"."""
    inputs = f"{len(config.features)} inputs ({', '.join(config.features)})"
    hidden = f"hidden layers {config.hidden}" if config.hidden else "no hidden layers"
    return f"a network with {inputs} and {hidden}"


def _numbers(value: object, shape: tuple[int, ...], what: str, needer: str) -> Array:
    """A JSON list (of lists) as a float array of the given shape, all finite;
    errors name ``what`` it is and who ``needer`` the shape is."""
    try:
        array = np.array(value)
    except ValueError:  # rows of different lengths
        array = np.array(None)
    if array.dtype.kind not in "iuf":
        raise InputError(KEY, f"{what} must be a list of numbers, {_shape_words(shape)}")
    if array.shape != shape:
        raise InputError(
            KEY,
            f"{what} has {_shape_words(array.shape)} numbers; {needer} needs {_shape_words(shape)}",
        )
    array = array.astype(float)
    if not np.isfinite(array).all():
        raise InputError(KEY, f"{what} holds a number too large to use")
    return array


def _shape_words(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape) or "not a list of"


def _data(value: object, config: ExperimentConfig) -> tuple[Array, Array] | None:
    """The custom points and labels, which a custom dataset needs and others must not have."""
    if config.dataset != CUSTOM:
        if value is not None:
            raise InputError(KEY, f"the file has data, but its dataset is {config.dataset!r}")
        return None
    if not isinstance(value, dict):
        raise InputError(KEY, "the file's dataset is custom, so it needs its data (points, labels)")
    _check_fields(value, {"points", "labels"}, {"class_names"}, "the file's data")
    count = len(value["points"]) if isinstance(value["points"], list) else 0
    if count > MAX_CUSTOM_POINTS:
        raise InputError(
            KEY, f"the file has {count:,} points; at most {MAX_CUSTOM_POINTS:,} are allowed"
        )
    points = _numbers(value["points"], (count, 2), "the data's points", f"{count} points (x1, x2)")
    labels = _numbers(value["labels"], (count,), "the data's labels", f"{count} points")
    try:
        return validate_custom(points, labels, config.problem, config.classes)
    except ValueError as error:
        raise InputError(KEY, f"the file's data: {error}") from None


def _class_names(value: object, config: ExperimentConfig) -> tuple[str, ...]:
    """The data's class names (optional): one short, distinct text per class."""
    if value is None:
        return ()
    classes = config.classes if config.problem == "classification" else 0
    if (
        not isinstance(value, list)
        or len(value) != classes
        or not all(_is_name(name) for name in value)
        or len(set(value)) != len(value)
    ):
        raise InputError(
            KEY,
            f"the data's class_names must be {classes or 'no'} distinct texts of 1 to "
            f"{MAX_NAME_CHARS} printable characters, one per class",
        )
    return tuple(value)


def _is_name(name: object) -> bool:
    """A class name as an upload gives one: printable text, trimmed, 1 to 40 characters."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= MAX_NAME_CHARS
        and name == name.strip()
        and name.isprintable()
    )


def build_trainer(model: ModelFile, kernels: bool = True) -> Trainer:
    """A trainer for the file's config and data, holding exactly the file's weights.

    Training continues from them with a fresh optimizer (its momentum is not saved).
    """
    trainer = Trainer.from_config(model.config, data=model.data, kernels=kernels)
    for layer, saved in zip(trainer.network.layers, model.layers, strict=True):
        # In place: the kernels hold views of these arrays.
        for name, value in vars(saved).items():
            if value is not None:
                getattr(layer, name)[...] = value
    return trainer
