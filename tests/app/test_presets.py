"""The presets teach what their sentence says: each claim checked on the engine."""

import itertools
import math
import statistics

import pytest

from app.presets import PRESETS
from engine.trainer import DIVERGED, READY, Trainer


def train(name: str, epochs: int) -> Trainer:
    trainer = Trainer.from_config(PRESETS[name].config)
    for _ in range(epochs):
        trainer.epoch()
    return trainer


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_is_a_valid_config_with_one_sentence_to_watch(name):
    preset = PRESETS[name]
    assert preset.config  # validates
    assert preset.watch.endswith(".") and preset.watch.count(". ") == 0
    assert preset.title


def test_polar_features_separate_the_circle_without_a_hidden_layer():
    trainer = train("polar-circle", 10)
    assert trainer.config.hidden == []
    assert trainer.history[-1].test_accuracy == 1.0


def test_too_high_a_learning_rate_makes_the_classification_loss_jump_without_settling():
    trainer = train("lr-too-high", 200)
    assert trainer.state == READY
    late = [r.train_loss for r in trainer.history[100:]]
    jumps = [abs(a - b) for a, b in itertools.pairwise(late)]
    # Still jumping after 100 epochs (by a tenth of the loss's scale on average) and
    # never near the loss a tamer learning rate reaches (below 0.01, see below).
    assert statistics.mean(jumps) > 0.1
    assert min(late) > 0.3
    tame = Trainer.from_config({**PRESETS["lr-too-high"].changes, "learning_rate": 0.03})
    for _ in range(200):
        tame.epoch()
    assert tame.history[-1].train_loss < 0.01


def test_too_high_a_learning_rate_makes_a_regression_loss_climb_then_blow_up():
    trainer = train("lr-too-high-regression", 400)
    assert trainer.state == DIVERGED
    losses = [r.train_loss for r in trainer.history if math.isfinite(r.train_loss)]
    # Dozens of epochs to watch on the loss chart before the NaN, climbing nearly every
    # epoch from a loss that looks ordinary at first.
    assert len(losses) >= 30
    assert losses[0] < 1
    rises = sum(b > a for a, b in itertools.pairwise(losses))
    assert rises >= 0.9 * (len(losses) - 1)
    assert losses[-1] > 1e6 * losses[0]


def test_too_low_a_learning_rate_barely_moves_the_loss():
    trainer = train("lr-too-low", 20)
    first, last = trainer.history[0].train_loss, trainer.history[-1].train_loss
    assert abs(first - last) < 0.02


def test_zero_init_keeps_the_loss_flat():
    trainer = train("zero-init", 20)
    losses = [r.train_loss for r in trainer.history]
    assert max(losses) - min(losses) < 0.01


def test_dropout_and_l2_beat_the_overfitting_network_on_test_loss():
    overfit = train("overfitting", 300).history[-1]
    assert overfit.train_loss < overfit.test_loss / 10
    for cure in ("overfitting-dropout", "overfitting-l2"):
        assert train(cure, 300).history[-1].test_loss < overfit.test_loss


def test_the_pass_fail_perceptron_draws_one_good_line():
    trainer = train("pass-fail", 20)
    assert trainer.config.hidden == []
    assert trainer.history[-1].test_accuracy > 0.9
