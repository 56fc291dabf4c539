"""The experiment config as URL query parameters, and back.

Lists are comma-separated (``hidden=8,8,4``, ``features=x1,x2``; an empty
``hidden=`` means no hidden layer) and booleans are ``true``/``false``, so a
shared link stays short and readable. Parsing only reshapes strings; the
config model does the validation and names any bad key.
"""

from collections.abc import Mapping
from typing import Any

from engine.config import ExperimentConfig

LIST_KEYS = ("features", "hidden", "layer_activations")


def query_to_changes(query: Mapping[str, str]) -> dict[str, Any]:
    """Config changes from query parameters; unknown keys are kept for the model to reject."""
    changes: dict[str, Any] = {}
    for key, raw in query.items():
        if key in LIST_KEYS:
            changes[key] = comma_list(raw)
        elif raw == "":
            changes[key] = None
        else:
            changes[key] = raw
    return changes


def comma_list(text: str) -> list[str]:
    """``"8, 8,"`` → ``["8", "8"]``: the one place a comma-separated list is split."""
    return [item.strip() for item in text.split(",") if item.strip()]


def config_to_query(config: ExperimentConfig) -> dict[str, str]:
    """The parameters that differ from the defaults, as strings."""
    defaults = ExperimentConfig()
    query = {}
    for key in ExperimentConfig.model_fields:
        value = getattr(config, key)
        if value == getattr(defaults, key):
            continue
        if isinstance(value, list):
            query[key] = ",".join("" if v is None else str(v) for v in value)
        elif isinstance(value, bool):
            query[key] = "true" if value else "false"
        else:
            query[key] = "" if value is None else str(value)
    return query
