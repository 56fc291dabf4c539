"""One-click teaching scenarios: a config and one sentence saying what to watch.

Each preset lists only the keys it changes; applying one sends the whole
config (defaults filled in), so nothing from the previous experiment leaks in.
The numbers were checked against the engine (e.g. the polar circle reaches
100% test accuracy within 10 epochs with no hidden layer).
"""

from dataclasses import dataclass, field
from typing import Any

from engine.config import ExperimentConfig


@dataclass(frozen=True)
class Preset:
    name: str  # URL- and test-friendly slug
    title: str
    watch: str  # one sentence: what the learner should look at
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def config(self) -> ExperimentConfig:
        """The full, validated config the preset starts from."""
        return ExperimentConfig.parse(self.changes)


_OVERFIT = {
    "dataset": "gauss",
    "noise": 0.35,
    "n_points": 80,
    "hidden": [8, 8, 8],
    "optimizer": "adam",
    "learning_rate": 0.01,
    "batch_size": 5,
}

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "polar-circle",
            "Circle: polar vs Cartesian features",
            "In r and θ the disc and the ring sit on either side of a straight line, so a "
            "network with no hidden layer separates them; switch the features back to x₁, x₂ "
            "and it cannot.",
            {"dataset": "circle", "features": ["r", "theta"], "hidden": [], "learning_rate": 0.1},
        ),
        Preset(
            "spiral-depth",
            "Spiral needs depth",
            "From x₁ and x₂ alone it takes several hidden layers (and a few hundred epochs) "
            "before the boundary winds around with the arms.",
            {
                "dataset": "spiral",
                "hidden": [8, 8, 8, 8],
                "optimizer": "adam",
                "learning_rate": 0.01,
            },
        ),
        Preset(
            "spiral-polar",
            "Spiral with polar features",
            "Give the network r, sin θ and cos θ and two small layers untangle the spiral.",
            {
                "dataset": "spiral",
                "features": ["x1", "x2", "r", "sin_theta", "cos_theta"],
                "hidden": [8, 8],
            },
        ),
        Preset(
            "lr-too-high",
            "Learning rate too high",
            "The loss jumps around and never settles: each step overshoots the minimum.",
            # With tanh at 3 the units saturate and the loss goes flat after ~150
            # epochs; ReLU keeps bouncing (tests/app/test_presets.py).
            {"dataset": "circle", "activation": "relu", "learning_rate": 3},
        ),
        Preset(
            "lr-too-high-regression",
            "Learning rate too high (regression)",
            "With a linear output nothing caps the error: every epoch overshoots further and "
            "the loss grows (tick log scale to see it climb) until it becomes NaN and "
            "training stops with a warning.",
            # One full batch per epoch: the loss grows about fourfold an epoch and
            # diverges after ~65 epochs, so the climb is there to watch.
            {
                "problem": "regression",
                "dataset": "plane",
                "n_points": 100,
                "batch_size": 50,
                "activation": "relu",
                "learning_rate": 3,
            },
        ),
        Preset(
            "lr-too-low",
            "Learning rate too low",
            "The loss curve barely moves: every step is tiny, so learning crawls.",
            {"dataset": "circle", "learning_rate": 0.0001},
        ),
        Preset(
            "overfitting",
            "Overfitting",
            "Few noisy points and a big network: the training loss goes to zero while the "
            "test loss climbs and the boundary wraps around single points.",
            _OVERFIT,
        ),
        Preset(
            "overfitting-dropout",
            "Overfitting cured by dropout",
            "The same set-up with dropout 0.3: the training loss stays above zero, the test "
            "loss stays low, and the dimmed neurons show who was dropped.",
            {**_OVERFIT, "dropout": 0.3},
        ),
        Preset(
            "overfitting-l2",
            "Overfitting cured by L2",
            "The same set-up with L2 regularisation: weights stay small (thin links), the "
            "boundary stays smooth and the test loss stays low.",
            {**_OVERFIT, "regularization": "l2", "regularization_rate": 0.01},
        ),
        Preset(
            "batch-1",
            "Batch size 1",
            "One point per step: fast progress per epoch but a jittery loss curve and a "
            "boundary that keeps wobbling.",
            {"dataset": "gauss", "noise": 0.3, "batch_size": 1},
        ),
        Preset(
            "batch-30",
            "Batch size 30",
            "Thirty points per step: a smooth loss curve, but fewer steps per epoch, so it "
            "starts slower than batch size 1.",
            {"dataset": "gauss", "noise": 0.3, "batch_size": 30},
        ),
        Preset(
            "zero-init",
            "Zero init: the symmetry problem",
            "Every neuron of a layer starts identical and gets the identical update, so "
            "their tiles stay the same and the loss stays flat; pick another init and reset.",
            {"dataset": "circle", "init": "zeros", "hidden": [4, 4]},
        ),
        Preset(
            "pass-fail",
            "6.S191: will I pass this class?",
            "A single perceptron (no hidden layer, sigmoid output, cross-entropy) draws one "
            "straight line between lectures attended and project hours.",
            {"dataset": "pass-fail", "hidden": [], "loss": "cross_entropy"},
        ),
    ]
}
