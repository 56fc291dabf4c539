"""What the exported scripts are made of: exact number literals and a code template engine.

Only numbers and registry names go into a script, never text a person typed,
so the templates escape nothing.
"""

import json

import jinja2
import numpy as np

from engine.activations import get_activation
from engine.config import ExperimentConfig
from engine.network import Network

Array = np.ndarray

# Code, not HTML: no autoescaping; a missing value is an error, not an empty string.
_ENVIRONMENT = jinja2.Environment(
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
# Registry names (and lists of them) as Python literals: for plain strings a JSON
# literal is one, in double quotes as the rest of the script writes them.
_ENVIRONMENT.filters["py"] = json.dumps


def literal(array: Array, indent: int = 0) -> str:
    """A Python list literal of the array, exact (shortest round-trip floats); a
    table is written one row per line, indented by ``indent`` spaces."""
    if array.ndim < 2:
        return repr(array.tolist())
    pad = " " * (indent + 4)
    rows = ",\n".join(pad + repr(row) for row in array.tolist())
    return f"[\n{rows},\n{' ' * indent}]"


def render(template: str, **values: object) -> str:
    """A script from a template string and the values it names."""
    return _ENVIRONMENT.from_string(template).render(**values)


def layer_activations(config: ExperimentConfig) -> list[str]:
    """The activation of each layer, hidden layers first and the output last."""
    # The network resolves per-layer overrides against the default, as the trainer's does.
    network = Network(
        len(config.features),
        config.hidden,
        activation=config.activation,
        output=config.output_activation,
        layer_activations=config.layer_activations,
    )
    return [layer.activation.name for layer in network.layers]


# Each input feature as a formula of x1 and x2; a script fills in its library's
# functions (``feature_code``), so NumPy and PyTorch write the same formulas.
FEATURE_FORMULAS = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1x2": "x1 * x2",
    "sin_x1": "{sin}(x1)",
    "sin_x2": "{sin}(x2)",
    "r": "{hypot}(x1, x2)",
    "theta": "{atan2}(x2, x1)",
    "sin_theta": "{sin}({atan2}(x2, x1))",
    "cos_theta": "{cos}({atan2}(x2, x1))",
}


def feature_code(functions: dict[str, str]) -> dict[str, str]:
    """Every feature's code, with ``functions`` naming a library's sin, cos, hypot, atan2."""
    return {name: formula.format(**functions) for name, formula in FEATURE_FORMULAS.items()}


def threshold(config: ExperimentConfig) -> float:
    """The output at or above which a point is class +1, with two classes (with K
    classes the class is the argmax of the outputs)."""
    return get_activation(config.output_activation).threshold
