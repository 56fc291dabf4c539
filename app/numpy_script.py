"""The model as a self-contained NumPy script: weights inline, ``predict(points)``.

The features and activations are written out per name (the registries below
cover every name the engine has; tests/app/test_export_scripts.py checks it),
mirroring engine/features.py and engine/activations.py operation for
operation so the script's outputs match the engine's.
"""

import numpy as np

from app.model_file import ModelFile
from app.script_code import feature_code, layer_activations, literal, render, threshold
from engine.activations import LEAKY_SLOPE
from engine.network import BN_EPS

GELU_C = repr(float(np.sqrt(2.0 / np.pi)))  # as engine/activations.py computes it

FEATURE_CODE = feature_code(
    {"sin": "np.sin", "cos": "np.cos", "hypot": "np.hypot", "atan2": "np.arctan2"}
)

ACTIVATION_CODE = {
    "relu": "np.maximum(z, 0.0)",
    "leaky_relu": f"np.where(z > 0, z, {LEAKY_SLOPE!r} * z)",
    "elu": "np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))",
    "gelu": f"0.5 * z * (1.0 + np.tanh({GELU_C} * (z + 0.044715 * z**3)))",
    "tanh": "np.tanh(z)",
    "sigmoid": "0.5 * (1.0 + np.tanh(0.5 * z))",
    "linear": "z",
    "sine": "np.sin(z)",
    "softmax": "softmax(z)",  # K classes' output; the function is written out in the script
}

TEMPLATE = '''\
"""A neural network trained in nn-playground, as a NumPy script.

Problem: {{ config.problem }}; inputs: {{ config.features | join(", ") }};
hidden layers: {{ config.hidden }}; activations by layer: {{ activations | join(", ") }};
batch norm: {{ "yes" if config.batch_norm else "no" }}; epochs trained: {{ epoch }}.

{% if classes > 2 %}
predict(points) gives the network's output for points of shape (n, 2), in the
playground's coordinates (it draws the square [-6, 6]²): the probabilities of
the {{ classes }} classes, shape (n, {{ classes }}), each row summing to 1 (a softmax).
classify(points) gives each point's class, its index 0 … {{ classes - 1 }}: the most
probable one.
{% else %}
predict(points) gives the network's output for points of shape (n, 2), in the
playground's coordinates (it draws the square [-6, 6]²), shape (n,).
{% endif %}
{% if classification and classes == 2 %}
classify(points) gives each point's class, +1 or -1 (+1 where the output is
at least {{ threshold }}).
{% endif %}
Dropout acts only while training, so it has no part here. Needs only NumPy;
run the file to see a few predictions.
"""

import numpy as np

FEATURES = {{ config.features | py }}
{% if config.batch_norm %}
BN_EPS = {{ bn_eps }}
{% endif %}

# Input side first. W[i, j] is the weight from unit i of the layer below to neuron j.
LAYERS = [
{% for layer in layers %}
    {
        "W": np.array({{ layer.W }}),
        "b": np.array({{ layer.b }}),
{% if layer.gamma %}
        # batch norm, with the mean and variance gathered during training
        "gamma": np.array({{ layer.gamma }}),
        "running_mean": np.array({{ layer.running_mean }}),
        "running_var": np.array({{ layer.running_var }}),
{% endif %}
        "activation": {{ layer.activation | py }},
    },
{% endfor %}
]

{% if classes > 2 %}


def softmax(z):
    """Each row's class probabilities; less its maximum first, so exp stays finite."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)

{% endif %}
ACTIVATIONS = {
{% for name in activation_code %}
    {{ name | py }}: lambda z: {{ activation_code[name] }},
{% endfor %}
}


def features(points):
    """The network's inputs for points (n, 2): one column per name in FEATURES."""
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack(
        [
{% for name in config.features %}
            {{ feature_code[name] }},  # {{ name }}
{% endfor %}
        ]
    )


def predict(points):
{% if classes > 2 %}
    """The class probabilities at each point of points (n, 2), shape (n, {{ classes }})."""
{% else %}
    """The network's output at each point of points (n, 2), shape (n,)."""
{% endif %}
    a = features(np.asarray(points, dtype=float).reshape(-1, 2))
    for layer in LAYERS:
        z = a @ layer["W"]
        if "gamma" in layer:
            inv_std = 1.0 / np.sqrt(layer["running_var"] + BN_EPS)
            z = layer["gamma"] * ((z - layer["running_mean"]) * inv_std)
        a = ACTIVATIONS[layer["activation"]](z + layer["b"])
    return {{ "a" if classes > 2 else "a[:, 0]" }}
{% if classes > 2 %}


def classify(points):
    """Each point's class, 0 … {{ classes - 1 }}: the most probable one."""
    return predict(points).argmax(axis=1)
{% elif classification %}


def classify(points):
    """Each point's class, +1 or -1."""
    return np.where(predict(points) >= {{ threshold }}, 1, -1)
{% endif %}


if __name__ == "__main__":
    demo = np.array([[0.0, 0.0], [2.0, -1.0], [-3.0, 4.0], [5.0, 5.0]])
    for (x1, x2), output in zip(demo, predict(demo)):
{% if classes > 2 %}
        print(f"({x1:5.1f}, {x2:5.1f}) -> class {output.argmax()} ({output.max():.1%} sure)")
{% elif classification %}
        label = "+1" if output >= {{ threshold }} else "-1"
        print(f"({x1:5.1f}, {x2:5.1f}) -> {output:+.4f}  class {label}")
{% else %}
        print(f"({x1:5.1f}, {x2:5.1f}) -> {output:+.4f}")
{% endif %}
'''


def render_numpy(model: ModelFile) -> str:
    """The NumPy script of a model."""
    activations = layer_activations(model.config)
    layers = [
        {
            **{
                name: None if value is None else literal(value, indent=8)
                for name, value in vars(layer).items()
            },
            "activation": activation,
        }
        for layer, activation in zip(model.layers, activations, strict=True)
    ]
    return render(
        TEMPLATE,
        config=model.config,
        epoch=model.epoch,
        activations=activations,
        layers=layers,
        bn_eps=repr(BN_EPS),
        classification=model.config.problem == "classification",
        classes=model.config.classes,
        threshold=repr(threshold(model.config)),
        feature_code=FEATURE_CODE,
        activation_code={name: ACTIVATION_CODE[name] for name in dict.fromkeys(activations)},
    )
