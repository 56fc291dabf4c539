"""The experiment config: one model for the engine's input, the websocket's
``config`` message and the page's URL state (DESIGN.md, "The experiment config").

Allowed names come from the engine's registries, so registering a new
activation or dataset makes it a valid config value with no edit here.
"""

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from engine.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from engine.datasets import DATASETS, Dataset
from engine.errors import InputError
from engine.features import FEATURES
from engine.initializers import INITIALIZERS
from engine.losses import LOSSES
from engine.optimizers import OPTIMIZERS
from engine.plain_words import Bounds, name_of, say
from engine.regularization import REGULARIZERS

MAX_LAYERS = 8
MAX_NEURONS = 16
MAX_SEED = 2**32 - 1
MAX_CLASSES = 6
CUSTOM = "custom"


def _one_of(choices: Any) -> AfterValidator:
    names = list(choices)

    def check(value: str) -> str:
        if value not in names:
            raise ValueError(f"must be one of {', '.join(names)}; got {value!r}")
        return value

    return AfterValidator(check)


def _features(names: list[str]) -> list[str]:
    if not names:
        raise ValueError("choose at least one feature")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown {unknown}; choose from {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ValueError("each feature may appear only once")
    return names


def _hidden(sizes: list[int]) -> list[int]:
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} hidden layers; got {len(sizes)}")
    if any(not 1 <= s <= MAX_NEURONS for s in sizes):
        raise ValueError(f"each layer needs 1 … {MAX_NEURONS} neurons; got {sizes}")
    return sizes


class ExperimentConfig(BaseModel):
    """Every knob of one experiment, with TensorFlow Playground's defaults."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    problem: Annotated[str, _one_of(["classification", "regression"])] = "classification"
    dataset: Annotated[str, _one_of([*DATASETS, CUSTOM])] = "circle"
    noise: float = Field(0.0, ge=0.0, le=0.8)
    train_fraction: float = Field(0.5, ge=0.1, le=0.9)
    n_points: int | None = Field(None, ge=20, le=5000)
    seed: int = Field(1, ge=0, le=MAX_SEED)
    # Two: the binary problems (labels ±1, one output neuron). Three or more: a
    # multi-class dataset, a softmax output of that many neurons, cross-entropy.
    classes: int = Field(2, ge=2, le=MAX_CLASSES)
    features: Annotated[list[str], AfterValidator(_features)] = ["x1", "x2"]
    hidden: Annotated[list[int], AfterValidator(_hidden)] = [4, 2]
    activation: Annotated[str, _one_of(ACTIVATIONS)] = "tanh"
    layer_activations: list[Annotated[str, _one_of(ACTIVATIONS)] | None] | None = None
    output: Annotated[str, _one_of(OUTPUT_ACTIVATIONS)] | None = None
    loss: Annotated[str, _one_of(LOSSES)] = "squared"
    init: Annotated[str, _one_of(INITIALIZERS)] = "playground"
    learning_rate: float = Field(0.03, gt=0.0, le=10.0)
    optimizer: Annotated[str, _one_of(OPTIMIZERS)] = "sgd"
    batch_size: int = Field(10, ge=1, le=5000)
    regularization: Annotated[str, _one_of(REGULARIZERS)] = "none"
    regularization_rate: float = Field(0.0, ge=0.0, le=10.0)
    dropout: float = Field(0.0, ge=0.0, le=0.9)
    batch_norm: bool = False
    early_stopping: int | None = Field(None, ge=1, le=1000)  # patience, in epochs

    @model_validator(mode="after")
    def _consistent(self) -> "ExperimentConfig":
        dataset = DATASETS.get(self.dataset)
        if dataset and dataset.problem != self.problem:
            raise InputError(
                "dataset",
                f"{self.dataset} is a {dataset.problem} dataset: "
                f"set the problem type to {dataset.problem} to use it",
            )
        if self.classes > 2:
            self._check_multiclass(dataset)
        elif self.loss == "cross_entropy" and self.problem != "classification":
            raise InputError("loss", "Cross-entropy loss needs a classification problem")
        # The output activation the loss is written for (softmax's is checked above).
        needed = LOSSES[self.loss].output if self.classes == 2 else None
        if needed and self.output not in (None, needed):
            raise InputError("output", f"The {self.loss} loss needs the {needed} output")
        if self.layer_activations is not None and len(self.layer_activations) > len(self.hidden):
            raise InputError("layer_activations", "Give at most one activation per hidden layer")
        n_train = _n_train(self.dataset, self.n_points, self.train_fraction)
        if n_train is not None and self.batch_size > n_train:
            raise InputError(
                "batch_size",
                f"Batch size must be a whole number from 1 to {n_train}"
                f" — the training set has {n_train} points",
            )
        return self

    def _check_multiclass(self, dataset: Dataset | None) -> None:
        """Three or more classes need a classification dataset that draws them, the
        softmax output (not a choice of the binary ones) and cross-entropy."""
        multiclass = [d.name for d in DATASETS.values() if d.multiclass]
        if self.problem != "classification":
            raise InputError("classes", "more than 2 classes needs problem=classification")
        # Custom points carry their own classes (drawn or uploaded): any number.
        if self.dataset != CUSTOM and (dataset is None or not dataset.multiclass):
            raise InputError(
                "classes",
                f"{self.dataset} has 2 classes; {' and '.join(multiclass)} take 3 … {MAX_CLASSES}",
            )
        if self.output is not None:
            raise InputError("output", "more than 2 classes use the softmax output; leave it unset")
        if self.loss != "cross_entropy":
            raise InputError("loss", "more than 2 classes train with cross_entropy")

    @property
    def outputs(self) -> int:
        """Output neurons: one per class for 3 or more, else the one of a binary output."""
        return self.classes if self.classes > 2 else 1

    @property
    def output_activation(self) -> str:
        """The output activation, filling in the default for the problem and loss."""
        if self.classes > 2:
            return "softmax"
        if self.output:
            return self.output
        if LOSSES[self.loss].output:
            return LOSSES[self.loss].output
        return "tanh" if self.problem == "classification" else "linear"

    @classmethod
    def parse(cls, mapping: dict[str, Any]) -> "ExperimentConfig":
        """Validate a mapping; raise InputError naming the first bad key."""
        try:
            return cls.model_validate(mapping)
        except ValidationError as exc:
            raise _config_error(exc, {**_DEFAULTS, **mapping}) from None

    def updated(self, changes: dict[str, Any]) -> "ExperimentConfig":
        """A copy with ``changes`` applied and validated; ``self`` is untouched."""
        return self.parse({**self.model_dump(), **changes})


def _config_error(exc: ValidationError, mapping: dict[str, Any]) -> InputError:
    error = exc.errors()[0]
    original = (error.get("ctx") or {}).get("error")
    if isinstance(original, InputError):
        return original
    key = str(error["loc"][0]) if error["loc"] else "config"
    if error["type"] == "extra_forbidden":
        settings = ", ".join(ExperimentConfig.model_fields)
        return InputError(key, f"there is no setting called {key}; the settings are {settings}")
    field = ExperimentConfig.model_fields.get(key)
    limits = _LIMITS.get(key, _no_limits)(mapping)
    return InputError(key, say(error, name_of(key), field, *limits))


_DEFAULTS = {name: field.default for name, field in ExperimentConfig.model_fields.items()}


def _no_limits(mapping: dict[str, Any]) -> tuple[Bounds | None, str]:
    return None, ""


def _training_points(mapping: dict[str, Any]) -> tuple[Bounds | None, str]:
    n_train = _n_train(
        mapping.get("dataset"), mapping.get("n_points"), mapping.get("train_fraction")
    )
    if n_train is None:
        return None, ""
    return Bounds(1, n_train), f" — the training set has {n_train} points"


# Limits that depend on other keys: key → (its bounds, why) for the mapping being parsed.
_LIMITS: dict[str, Callable[[dict[str, Any]], tuple[Bounds | None, str]]] = {
    "batch_size": _training_points,
}


def _n_train(dataset: Any, n_points: Any, train_fraction: Any) -> int | None:
    """How many training points a dataset, size and split give (None: not known yet)."""
    try:
        return round((float(n_points or DATASETS[dataset].default_n)) * float(train_fraction))
    except (KeyError, TypeError, ValueError):
        return None
