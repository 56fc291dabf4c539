import numpy as np
import pytest

from engine.optimizers import OPTIMIZERS, make_optimizer
from engine.regularization import REGULARIZERS, get_regularizer

CURVATURE = np.array([1.0, 10.0, 0.3])  # an ill-conditioned bowl


def _quadratic(p: np.ndarray) -> float:
    return float(0.5 * (CURVATURE * p * p).sum())


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_optimizer_reduces_a_quadratic(name):
    params = np.array([3.0, -2.0, 4.0])
    start = _quadratic(params)
    optimizer = make_optimizer(name, params.size)
    for _ in range(300):
        optimizer.step(params, CURVATURE * params, 0.05)
    assert _quadratic(params) < start / 1000


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_step_updates_the_parameters_in_place(name):
    params = np.ones(4)
    view = params[:2]
    make_optimizer(name, 4).step(params, np.full(4, 0.5), 0.1)
    assert (view < 1).all()


def _reference_updates(name: str, grads: list[np.ndarray], rates: list[float]) -> np.ndarray:
    """The textbook update rules, written out step by step, from params 0."""
    p = np.zeros_like(grads[0])
    v = np.zeros_like(p)  # momentum velocity, or RMSProp / Adam second moment
    m = np.zeros_like(p)  # Adam first moment
    for t, (g, lr) in enumerate(zip(grads, rates, strict=True), start=1):
        if name == "sgd":
            p = p - lr * g
        elif name == "momentum":
            v = 0.9 * v - lr * g
            p = p + v
        elif name == "rmsprop":
            v = 0.9 * v + 0.1 * g * g
            p = p - lr * g / (np.sqrt(v) + 1e-8)
        elif name == "adam":
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
            p = p - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return p


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_update_rule_and_state_carry_across_a_learning_rate_change(name):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=5) for _ in range(12)]
    rates = [0.1] * 6 + [0.01] * 6  # the user turns the rate down halfway
    params = np.zeros(5)
    optimizer = make_optimizer(name, 5)
    for g, lr in zip(grads, rates, strict=True):
        optimizer.step(params, g, lr)
    np.testing.assert_allclose(params, _reference_updates(name, grads, rates), rtol=1e-12)


def test_the_registry_has_the_four_optimizers():
    assert set(OPTIMIZERS) == {"sgd", "momentum", "rmsprop", "adam"}


def test_unknown_optimizer_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown optimizer 'lbfgs'.*'adam'"):
        make_optimizer("lbfgs", 3)


# --- regularisation ------------------------------------------------------------------

WEIGHTS = np.array([[0.5, -1.5], [2.0, -0.25]])


@pytest.mark.parametrize("name", REGULARIZERS)
def test_penalty_gradient_matches_central_differences(name, numeric_gradient):
    regularizer = REGULARIZERS[name]
    numeric = numeric_gradient(regularizer.penalty, WEIGHTS)  # no weight sits at l1's kink
    np.testing.assert_allclose(regularizer.grad(WEIGHTS), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("name", "penalty"), [("none", 0.0), ("l1", 4.25), ("l2", 3.28125)])
def test_penalty_values(name, penalty):
    assert REGULARIZERS[name].penalty(WEIGHTS) == pytest.approx(penalty)


def test_unknown_regularization_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown regularization 'l3'.*'l2'"):
        get_regularizer("l3")
