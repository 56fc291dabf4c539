import warnings

import numpy as np
import pytest

from engine.losses import LOSSES, get_loss

# Outputs inside (0, 1) suit every loss: cross-entropy reads them as probabilities
# (it takes their logits, the sigmoid output's pre-activations: engine/losses.py).
OUTPUTS = np.linspace(0.05, 0.95, 19)


def _logit(o: np.ndarray) -> np.ndarray:
    return np.log(o / (1 - o))


def _inputs(name: str, o: np.ndarray) -> np.ndarray:
    """What the loss takes for outputs o: o itself, or the sigmoid's pre-activation."""
    return o if LOSSES[name].output is None else _logit(o)


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("target", [-1.0, 1.0])
def test_gradient_matches_central_differences(name, target):
    loss = LOSSES[name]
    t = np.full_like(OUTPUTS, target)
    h = 1e-6
    x = _inputs(name, OUTPUTS)
    numeric = (loss.value(x + h, t) - loss.value(x - h, t)) / (2 * h)
    np.testing.assert_allclose(loss.grad(x, t), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", LOSSES)
def test_value_and_gradient_are_per_example(name):
    loss = LOSSES[name]
    o, t = np.full(7, 0.3), np.ones(7)
    assert loss.value(o, t).shape == (7,)
    assert loss.grad(o, t).shape == (7,)


def test_squared_error_is_half_the_squared_difference():
    o, t = np.array([0.5, -1.0, 2.0]), np.array([1.0, 1.0, -1.0])
    np.testing.assert_allclose(LOSSES["squared"].value(o, t), [0.125, 2.0, 4.5])


def test_cross_entropy_reads_plus_one_as_probability_one_and_minus_one_as_zero():
    ce = LOSSES["cross_entropy"]
    o = np.array([0.9, 0.9])
    np.testing.assert_allclose(
        ce.value(_logit(o), np.array([1.0, -1.0])), [-np.log(0.9), -np.log(0.1)]
    )


def test_cross_entropy_stays_finite_at_a_saturated_output():
    ce = LOSSES["cross_entropy"]
    z, t = np.array([-40.0, 40.0]), np.array([1.0, -1.0])  # σ(z) is 0 and 1 in float64
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = ce.value(z, t), ce.grad(z, t)
    assert np.isfinite(value).all()
    assert np.isfinite(grad).all()
    assert (value > 20).all()  # confidently wrong costs a lot


@pytest.mark.parametrize("target", [-1.0, 1.0])
def test_cross_entropy_from_the_logit_is_exact_however_far_it_saturates(target):
    ce = LOSSES["cross_entropy"]
    z = np.array([-1000.0, -60.0, -30.0, -5.0, 0.0, 5.0, 30.0, 60.0, 1000.0])
    t = np.full_like(z, target)
    h = 1e-5
    numeric = (ce.value(z + h, t) - ce.value(z - h, t)) / (2 * h)
    np.testing.assert_allclose(ce.grad(z, t), numeric, rtol=1e-6, atol=1e-9)
    wrong = z * target < -20  # confidently wrong: the loss is |z|, its slope ∓1
    np.testing.assert_allclose(ce.value(z[wrong], t[wrong]), np.abs(z[wrong]), rtol=1e-9)
    np.testing.assert_allclose(ce.grad(z[wrong], t[wrong]), -target, rtol=1e-12)


def test_unknown_loss_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'.*squared"):
        get_loss("hinge")
