"""nn-playground's training engine: pure NumPy, no web imports.

Train a small multilayer perceptron on a 2D toy dataset and look at what it
computes over the plane::

    from engine import Trainer
    trainer = Trainer.from_config({"dataset": "spiral", "hidden": [8, 8]})
    for _ in range(100):
        trainer.epoch()
    print(trainer.history[-1])
"""

from engine.config import ExperimentConfig
from engine.errors import InputError
from engine.trainer import Trainer

__all__ = ["ExperimentConfig", "InputError", "Trainer"]
