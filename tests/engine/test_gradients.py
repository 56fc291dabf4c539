"""The network's backward pass against central finite differences of the mean loss.

Everything runs in float64. Training-mode forward passes draw dropout masks
from an rng made fresh from the same seed for every evaluation, so each
finite-difference probe sees the same mask as the analytic gradient.
"""

import numpy as np
import pytest

from engine import Trainer
from engine.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from engine.losses import LOSSES, MULTICLASS_LOSSES
from engine.network import Network, keep_masks
from engine.regularization import REGULARIZERS

N_INPUTS = 3
TOLERANCE = 1e-5  # relative error; relu kinks crossed by a probe would show up far above it


def _batch(loss: str, n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    X = rng.uniform(-2, 2, size=(n, N_INPUTS))
    if loss == "cross_entropy":
        return X, np.where(rng.random(n) < 0.5, 1.0, -1.0)
    return X, rng.uniform(-0.9, 0.9, n)


def _check_gradients(net, loss_name, numeric_gradient, gradient_error, mask_seed=3, dropout=0.0):
    """Analytic ``net.grads`` against finite differences of the mean batch loss;
    returns the dropout keep-masks the check used."""
    loss = LOSSES[loss_name]
    X, t = _batch(loss_name)

    def mean_loss(params):
        net.params[...] = params
        out, caches = net.forward(X, True, np.random.default_rng(mask_seed), dropout)
        return float(loss.value(_loss_input(loss, out, caches), t).mean())

    start = net.params.copy()
    numeric = numeric_gradient(mean_loss, start)
    net.params[...] = start
    out, caches = net.forward(X, True, np.random.default_rng(mask_seed), dropout)
    dsignal = loss.grad(_loss_input(loss, out, caches), t) / len(t)
    analytic = net.backward(caches, dsignal, pre_activation=loss.output is not None).copy()
    assert np.abs(numeric).max() > 1e-6, "a vanishing gradient would check nothing"
    assert gradient_error(analytic, numeric) < TOLERANCE
    return keep_masks(caches)


def _output_for(loss_name: str) -> str:
    return LOSSES[loss_name].output or "tanh"


def _loss_input(loss, out, caches):
    """The output, or for a loss written for the output's activation, its pre-activation."""
    return out if loss.output is None else caches[-1].z[:, 0]


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
def test_parameter_gradients_match_finite_differences(
    loss, activation, batch_norm, numeric_gradient, gradient_error
):
    net = Network(
        N_INPUTS,
        [4, 3],
        activation=activation,
        output=_output_for(loss),
        batch_norm=batch_norm,
        rng=np.random.default_rng(11),
    )
    _check_gradients(net, loss, numeric_gradient, gradient_error)


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu"])
def test_gradients_with_a_fixed_dropout_mask_match_finite_differences(
    activation, batch_norm, numeric_gradient, gradient_error
):
    net = Network(
        N_INPUTS,
        [6, 5],
        activation=activation,
        batch_norm=batch_norm,
        rng=np.random.default_rng(5),
    )
    masks = _check_gradients(net, "squared", numeric_gradient, gradient_error, dropout=0.3)
    assert not all(mask.all() for mask in masks), "the mask should drop something"


@pytest.mark.parametrize("output", OUTPUT_ACTIVATIONS)
def test_gradients_through_every_output_activation(output, numeric_gradient, gradient_error):
    net = Network(N_INPUTS, [4], output=output, rng=np.random.default_rng(2))
    _check_gradients(net, "squared", numeric_gradient, gradient_error)


@pytest.mark.parametrize("loss", LOSSES)
def test_gradients_without_a_hidden_layer(loss, numeric_gradient, gradient_error):
    net = Network(N_INPUTS, [], output=_output_for(loss), rng=np.random.default_rng(4))
    _check_gradients(net, loss, numeric_gradient, gradient_error)


def test_gradients_with_per_layer_activations(numeric_gradient, gradient_error):
    net = Network(
        N_INPUTS,
        [4, 4, 3],
        activation="tanh",
        layer_activations=["sine", None, "elu"],
        batch_norm=True,
        rng=np.random.default_rng(8),
    )
    assert [layer.activation.name for layer in net.layers] == ["sine", "tanh", "elu", "tanh"]
    _check_gradients(net, "squared", numeric_gradient, gradient_error)


@pytest.mark.parametrize("regularization", [r for r in REGULARIZERS if r != "none"])
def test_one_trainer_step_follows_the_gradient_of_loss_plus_penalty(
    regularization, numeric_gradient, gradient_error
):
    """With SGD on the whole training set, one step moves by lr × ∇(mean loss + rate·penalty)."""
    rate, lr = 0.05, 1e-3
    trainer = Trainer.from_config(
        {
            "dataset": "gauss",
            "n_points": 40,
            "hidden": [3],
            "batch_size": 20,
            "learning_rate": lr,
            "regularization": regularization,
            "regularization_rate": rate,
        }
    )
    net, penalty = trainer.network, REGULARIZERS[regularization].penalty

    def objective(params):
        net.params[...] = params
        out, _ = net.forward(trainer.inputs_train)
        data = trainer.loss.value(out, trainer.y_train).mean()
        return float(data + rate * penalty(params[net.weight_mask]))

    start = net.params.copy()
    numeric = numeric_gradient(objective, start)
    net.params[...] = start
    trainer.step()
    taken = (start - net.params) / lr
    assert gradient_error(taken, numeric) < TOLERANCE
    # The penalty acts on weights only: biases step by the data gradient alone.
    net.params[...] = start
    out, caches = net.forward(trainer.inputs_train, training=True)
    data_grad = net.backward(caches, trainer.loss.grad(out, trainer.y_train) / 20)
    weights = net.weight_mask
    extra = REGULARIZERS[regularization].grad(start[weights]) * rate
    np.testing.assert_allclose(taken[~weights], data_grad[~weights], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(taken[weights], data_grad[weights] + extra, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("classes", [3, 6])
@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
def test_softmax_cross_entropy_gradients_match_finite_differences(
    classes, batch_norm, numeric_gradient, gradient_error
):
    """K output neurons, softmax, cross-entropy from the logits: p − onehot through the net."""
    loss = MULTICLASS_LOSSES["cross_entropy"]
    assert loss.output == "softmax"
    net = Network(
        N_INPUTS,
        [5, 4],
        output="softmax",
        batch_norm=batch_norm,
        outputs=classes,
        rng=np.random.default_rng(12),
    )
    rng = np.random.default_rng(9)
    X = rng.uniform(-2, 2, size=(16, N_INPUTS))
    t = (np.arange(16) % classes).astype(float)

    def mean_loss(params):
        net.params[...] = params
        _, caches = net.forward(X, training=True)
        return float(loss.value(caches[-1].z, t).mean())

    start = net.params.copy()
    numeric = numeric_gradient(mean_loss, start)
    net.params[...] = start
    out, caches = net.forward(X, training=True)
    assert out.shape == (16, classes)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    analytic = net.backward(caches, loss.grad(caches[-1].z, t) / 16, pre_activation=True)
    assert np.abs(numeric).max() > 1e-6
    assert gradient_error(analytic, numeric) < TOLERANCE


def test_softmax_cross_entropy_stays_finite_and_exact_for_huge_logits():
    loss = MULTICLASS_LOSSES["cross_entropy"]
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]])
    t = np.array([2.0, 1.0])
    np.testing.assert_allclose(loss.value(z, t), [2000.0, np.log(3.0)])
    np.testing.assert_allclose(loss.grad(z, t), [[1, 0, -1], [1 / 3, -2 / 3, 1 / 3]])
