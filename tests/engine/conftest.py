"""Shared helpers for the engine tests: finite differences and short training runs."""

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest

from engine import Trainer

Array = np.ndarray


def central_difference(f: Callable[[Array], float], x: Array, h: float = 1e-6) -> Array:
    """Numerical gradient of a scalar function of ``x``, one coordinate at a time."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = f(x)
        x[i] = saved - h
        down = f(x)
        x[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


def relative_error(a: Array, b: Array) -> float:
    """‖a − b‖ / max(‖a‖, ‖b‖, tiny): scale-free distance between two gradients."""
    scale = max(np.linalg.norm(a), np.linalg.norm(b), 1e-12)
    return float(np.linalg.norm(a - b) / scale)


@pytest.fixture
def numeric_gradient() -> Callable[..., Array]:
    return central_difference


@pytest.fixture
def gradient_error() -> Callable[[Array, Array], float]:
    return relative_error


@pytest.fixture
def train() -> Callable[[Mapping[str, Any], int], Trainer]:
    """``train(config, epochs)``: a trainer after that many epochs (or until it stops)."""

    def run(config: Mapping[str, Any], epochs: int) -> Trainer:
        trainer = Trainer.from_config(config)
        for _ in range(epochs):
            if trainer.epoch() is None:
                break
        return trainer

    return run


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: tens of seconds, bounded by timeouts (deselect with -m 'not slow')"
    )
