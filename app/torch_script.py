"""The model as a PyTorch script: an ``nn.Sequential`` with the weights loaded.

Each hidden layer is ``Linear`` (without bias under batch norm), then
``BatchNorm1d`` in eval mode holding the running statistics and, as its bias,
the layer's bias (the engine adds the bias after normalising), then the
activation. Every config exports: dropout is the identity at inference.
The script computes in float64, as the engine's NumPy code does.
"""

from app.model_file import ModelFile
from app.script_code import feature_code, layer_activations, literal, render, threshold
from engine.activations import LEAKY_SLOPE
from engine.network import BN_EPS

FEATURE_CODE = feature_code(
    {"sin": "torch.sin", "cos": "torch.cos", "hypot": "torch.hypot", "atan2": "torch.atan2"}
)

ACTIVATION_MODULES = {
    "relu": "nn.ReLU()",
    "leaky_relu": f"nn.LeakyReLU({LEAKY_SLOPE!r})",
    "elu": "nn.ELU()",
    "gelu": 'nn.GELU(approximate="tanh")',  # the engine's GELU is the tanh approximation
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
    "linear": "nn.Identity()",
    "sine": "Sine()",
    "softmax": "nn.Softmax(dim=1)",  # K classes' output layer
}

TEMPLATE = '''\
"""A neural network trained in nn-playground, as a PyTorch script.

Problem: {{ config.problem }}; inputs: {{ config.features | join(", ") }};
hidden layers: {{ config.hidden }}; activations by layer: {{ activations | join(", ") }};
batch norm: {{ "yes" if config.batch_norm else "no" }}; epochs trained: {{ epoch }}.

MODEL is an nn.Sequential in eval mode, in float64; it takes the features of
FEATURES (computed by features()), not the points themselves. predict(points)
does both steps for points of shape (n, 2), in the playground's coordinates
(it draws the square [-6, 6]²).
{% if classes > 2 %}
The output is the probabilities of the {{ classes }} classes, shape (n, {{ classes }}) (a
softmax); a point's class is the index 0 … {{ classes - 1 }} of the largest:
predict(points).argmax(dim=1).
{% elif classification %}
A point is class +1 where the output is at least {{ threshold }}, else -1.
{% endif %}
Dropout acts only while training, so it has no part here. Run the file to
see a few predictions.
"""

import torch
from torch import nn

FEATURES = {{ config.features | py }}


def f64(values):
    """A float64 tensor: the weights are written to float64 precision."""
    return torch.tensor(values, dtype=torch.float64)
{% if "sine" in activations %}


class Sine(nn.Module):
    """The sine activation (PyTorch has no module for it)."""

    def forward(self, z):
        return torch.sin(z)
{% endif %}


def features(points):
    """The network's inputs for points (n, 2): one column per name in FEATURES."""
    x1, x2 = points[:, 0], points[:, 1]
    return torch.stack(
        [
{% for name in config.features %}
            {{ feature_code[name] }},  # {{ name }}
{% endfor %}
        ],
        dim=1,
    )


def build_model():
    """The network with its trained weights, ready to evaluate."""
    model = nn.Sequential(
{% for layer in layers %}
        nn.Linear({{ layer.fan_in }}, {{ layer.fan_out }}{{ ", bias=False" if layer.gamma }}),
{% if layer.gamma %}
        nn.BatchNorm1d({{ layer.fan_out }}, eps={{ bn_eps }}),
{% endif %}
        {{ activation_modules[layer.activation] }},
{% endfor %}
    ).double()
    with torch.no_grad():
{% for layer in layers %}
        # layer {{ loop.index }}: PyTorch stores a Linear weight as (outputs, inputs)
        model[{{ layer.linear }}].weight.copy_(f64({{ layer.W_T }}))
{% if layer.gamma %}
        norm = model[{{ layer.linear + 1 }}]
        norm.weight.copy_(f64({{ layer.gamma }}))
        norm.bias.copy_(f64({{ layer.b }}))
        norm.running_mean.copy_(f64({{ layer.running_mean }}))
        norm.running_var.copy_(f64({{ layer.running_var }}))
{% else %}
        model[{{ layer.linear }}].bias.copy_(f64({{ layer.b }}))
{% endif %}
{% endfor %}
    return model.eval()


MODEL = build_model()


def predict(points):
{% if classes > 2 %}
    """The class probabilities at each point of points (n, 2), shape (n, {{ classes }})."""
{% else %}
    """The network's output at each point of points (n, 2), shape (n,)."""
{% endif %}
    x = torch.as_tensor(points, dtype=torch.float64).reshape(-1, 2)
    with torch.no_grad():
        return MODEL(features(x)){{ "" if classes > 2 else "[:, 0]" }}


if __name__ == "__main__":
    demo = f64([[0.0, 0.0], [2.0, -1.0], [-3.0, 4.0], [5.0, 5.0]])
    for (x1, x2), output in zip(demo.tolist(), predict(demo).tolist()):
{% if classes > 2 %}
        k = max(range({{ classes }}), key=output.__getitem__)
        print(f"({x1:5.1f}, {x2:5.1f}) -> class {k} ({output[k]:.1%} sure)")
{% elif classification %}
        label = "+1" if output >= {{ threshold }} else "-1"
        print(f"({x1:5.1f}, {x2:5.1f}) -> {output:+.4f}  class {label}")
{% else %}
        print(f"({x1:5.1f}, {x2:5.1f}) -> {output:+.4f}")
{% endif %}
'''


def render_torch(model: ModelFile) -> str:
    """The PyTorch script of a model."""
    activations = layer_activations(model.config)
    layers, position = [], 0
    for layer, activation in zip(model.layers, activations, strict=True):
        fan_in, fan_out = layer.W.shape
        layers.append(
            {
                "fan_in": fan_in,
                "fan_out": fan_out,
                "linear": position,  # the Linear's index in the Sequential
                "W_T": literal(layer.W.T, indent=8),
                "activation": activation,
                **{
                    name: None if value is None else literal(value, indent=8)
                    for name, value in vars(layer).items()
                    if name != "W"
                },
            }
        )
        position += 3 if layer.gamma is not None else 2  # Linear, [BatchNorm1d,] activation
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
        activation_modules=ACTIVATION_MODULES,
    )
