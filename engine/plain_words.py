"""Errors in plain words: what a setting is called, and pydantic's error types as
sentences a person would say ("Batch size must be a whole number from 1 to 250").

Both the experiment config (``engine/config.py``) and the websocket's messages
(``app/protocol.py``) word their errors here, so the page speaks one language.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic.fields import FieldInfo

# A setting's name as the page's labels say it; a key missing here is shown as is.
NAMES = {
    "problem": "Problem type",
    "dataset": "Dataset",
    "noise": "Noise",
    "train_fraction": "The ratio of training to test data",
    "n_points": "The number of points",
    "seed": "The seed",
    "features": "Features",
    "hidden": "Hidden layers",
    "activation": "Activation",
    "layer_activations": "Layer activations",
    "output": "Output",
    "loss": "Loss",
    "init": "Init",
    "learning_rate": "Learning rate",
    "optimizer": "Optimizer",
    "batch_size": "Batch size",
    "regularization": "Regularization",
    "regularization_rate": "Regularization rate",
    "dropout": "Dropout",
    "batch_norm": "Batch norm",
    "early_stopping": "Early stop",
    "epochs_per_frame": "Speed",
    "set_weight.value": "The weight",
    "set_bias.value": "The bias",
    "layer": "The layer",
    "neuron": "The neuron",
    "source": "The link's source",
    "target": "The link's target",
    "frame": "The acknowledged frame",
    "unit": "The step's unit",
    "step": "The lesson step",
    "lesson": "The lesson's name",
    "pair": "The representation's axes",
    "action": "The step-through's action",
    "projection": "The projection",
    "neurons": "The projection's neurons",
    "on": "Show the batch",
}


def name_of(key: str, message: str | None = None) -> str:
    """The words for ``key`` (``message`` names the message type, for its own names)."""
    return NAMES.get(f"{message}.{key}") or NAMES.get(key) or key


@dataclass(frozen=True)
class Bounds:
    """A numeric field's limits; ``strict`` marks a low limit the value must exceed."""

    low: float | None = None
    high: float | None = None
    strict: bool = False

    def __str__(self) -> str:
        low, high = _number(self.low), _number(self.high)
        if self.low is None and self.high is None:
            return ""
        if self.strict:
            return f" above {low}" + (f" and at most {high}" if high else "")
        if self.high is None:
            return f" of {low} or more"
        if self.low is None:
            return f" of at most {high}"
        return f" from {low} to {high}"


def bounds_of(field: FieldInfo | None) -> Bounds:
    """The limits a pydantic field declares (ge, gt, le, lt)."""
    values: dict[str, Any] = {}
    for rule in field.metadata if field else ():
        for name in ("ge", "gt", "le", "lt"):
            if getattr(rule, name, None) is not None:
                values[name] = getattr(rule, name)
    low = values.get("ge", values.get("gt"))
    return Bounds(low, values.get("le", values.get("lt")), strict="gt" in values)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}".replace("-", "−") if isinstance(value, float) else str(value)


def _whole(field: FieldInfo | None) -> bool:
    return field is not None and "int" in str(field.annotation)


# pydantic's error type → how to say it, given the name, the field's limits and the error.
Sentence = Callable[[str, FieldInfo | None, Bounds, Mapping[str, Any]], str]


def _whole_number(name: str, field: FieldInfo | None, bounds: Bounds, error: Mapping) -> str:
    return f"{name} must be a whole number{bounds}"


def _a_number(name: str, field: FieldInfo | None, bounds: Bounds, error: Mapping) -> str:
    kind = "a whole number" if _whole(field) else "a number"
    return f"{name} must be {kind}{bounds}"


def _on_or_off(name: str, field: FieldInfo | None, bounds: Bounds, error: Mapping) -> str:
    return f"{name} must be on or off (true or false)"


def _missing(name: str, field: FieldInfo | None, bounds: Bounds, error: Mapping) -> str:
    return f"{name} is missing"


def _one_of(name: str, field: FieldInfo | None, bounds: Bounds, error: Mapping) -> str:
    expected = str((error.get("ctx") or {}).get("expected", "")).replace("'", "")
    return f"{name} must be {expected}"


def _a_list(name: str, field: FieldInfo | None, bounds: Bounds, error: Mapping) -> str:
    return f"{name} must be a list"


def _text(name: str, field: FieldInfo | None, bounds: Bounds, error: Mapping) -> str:
    return f"{name} must be text"


def _reason(name: str, field: FieldInfo | None, bounds: Bounds, error: Mapping) -> str:
    # A validator's own words ("choose at least one feature"), after the name.
    reason = str(error["msg"]).removeprefix("Value error, ")
    return f"{name} {reason}" if reason.startswith("must ") else f"{name}: {reason}"


SENTENCES: dict[str, Sentence] = {
    "int_parsing": _whole_number,
    "int_type": _whole_number,
    "int_from_float": _whole_number,
    "float_parsing": _a_number,
    "float_type": _a_number,
    "finite_number": _a_number,
    "greater_than": _a_number,
    "greater_than_equal": _a_number,
    "less_than": _a_number,
    "less_than_equal": _a_number,
    "bool_parsing": _on_or_off,
    "bool_type": _on_or_off,
    "missing": _missing,
    "literal_error": _one_of,
    "list_type": _a_list,
    "string_type": _text,
}


def say(
    error: Mapping[str, Any],
    name: str,
    field: FieldInfo | None,
    bounds: Bounds | None = None,
    why: str = "",
) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as a sentence;
    ``bounds`` overrides the field's own limits, and ``why`` says where they come from."""
    sentence = SENTENCES.get(error["type"])
    if sentence is None:  # a validator's own words, which name the value themselves
        return _reason(name, field, Bounds(), error)
    words = sentence(name, field, bounds or bounds_of(field), error) + why
    if error["type"] == "missing":
        return words
    return f"{words} (you gave {_shown(error['input'])})"


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return f"“{text[:40]}”"
