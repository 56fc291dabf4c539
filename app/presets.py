"""The presets menu, until the page lists the lessons: each preset is one step
of a built-in lesson (lessons/*.toml), under the name the page and shared
links already use.

The step gives the title, the sentence to watch and the whole config, so a
preset is a fresh start from its seed and its sentence is checked with the
lesson's claims (tests/app/test_lessons.py).
"""

from dataclasses import dataclass

from app.lessons import built_in_lessons
from engine.config import ExperimentConfig


@dataclass(frozen=True)
class Preset:
    name: str  # URL- and test-friendly slug
    title: str
    watch: str  # what the learner should look at: the step's sentence
    config: ExperimentConfig  # whole, defaults filled in


# Preset name → (lesson, step number counted from 1).
STEPS: dict[str, tuple[str, int]] = {
    "polar-circle": ("representation", 1),
    "spiral-depth": ("universal-approximation", 3),
    "spiral-polar": ("representation", 3),
    "lr-too-high": ("learning-rate", 3),
    "lr-too-high-regression": ("learning-rate", 4),
    "lr-too-low": ("learning-rate", 1),
    "overfitting": ("overfitting", 1),
    "overfitting-dropout": ("overfitting", 2),
    "overfitting-l2": ("overfitting", 3),
    "batch-1": ("batch-size", 1),
    "batch-30": ("batch-size", 2),
    "zero-init": ("initialization", 1),
    "pass-fail": ("perceptron", 1),
}


def _preset(name: str, lesson: str, number: int) -> Preset:
    step = built_in_lessons()[lesson].steps[number - 1]
    return Preset(name, step.title, step.say, step.config)


PRESETS: dict[str, Preset] = {name: _preset(name, *where) for name, where in STEPS.items()}
