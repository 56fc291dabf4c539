"""The step-through view's numbers are the engine's: gradients against the trainer's
own step and finite differences, and a stepped batch leaves the trainer exactly
where training it straight would."""

from collections.abc import Callable

import numpy as np
import pytest

from engine import Trainer
from engine.activations import ACTIVATIONS
from engine.stepthrough import STAGES, StepThrough, batch_loss, by_layer

CONFIGS = {
    "tanh-squared-sgd": {"dataset": "xor", "hidden": [4, 2]},
    "relu-crossentropy-adam-l2": {
        "dataset": "spiral",
        "hidden": [5, 3],
        "activation": "relu",
        "loss": "cross_entropy",
        "optimizer": "adam",
        "regularization": "l2",
        "regularization_rate": 0.01,
    },
    "sigmoid-momentum-l1-dropout": {
        "dataset": "circle",
        "hidden": [6, 4],
        "activation": "sigmoid",
        "optimizer": "momentum",
        "regularization": "l1",
        "regularization_rate": 0.003,
        "dropout": 0.3,
        "features": ["x1", "x2", "x1x2"],
    },
    "elu-rmsprop-batchnorm": {
        "dataset": "gauss",
        "hidden": [3, 3],
        "activation": "elu",
        "optimizer": "rmsprop",
        "batch_norm": True,
        "batch_size": 7,
    },
    "gelu-regression-linear": {
        "problem": "regression",
        "dataset": "plane",
        "hidden": [4],
        "activation": "gelu",
        "output": "linear",
        "dropout": 0.2,
        "batch_norm": True,
    },
}


def _loss_at(trainer: Trainer, batch) -> Callable[[np.ndarray], float]:
    """The batch's loss (with penalty) as a function of the parameters, with the
    dropout masks the step will draw: what finite differences probe."""

    def loss(params):
        saved = trainer.network.params.copy()
        trainer.network.params[...] = params
        try:
            return batch_loss(trainer, batch.inputs, batch.targets, trainer.training_rng())
        finally:
            trainer.network.params[...] = saved

    return loss


def _stepped(trainer: Trainer) -> StepThrough:
    stepper = StepThrough(trainer)
    for _ in STAGES[:-1]:
        stepper.advance()
    return stepper


@pytest.mark.parametrize("name", CONFIGS)
def test_gradients_equal_the_engines_and_finite_differences(name, numeric_gradient, gradient_error):
    trainer = Trainer.from_config({"seed": 3, **CONFIGS[name]}, kernels=False)
    for _ in range(4):
        trainer.step()
    twin = Trainer.from_config({"seed": 3, **CONFIGS[name]}, kernels=False)
    for _ in range(4):
        twin.step()
    stepper = _stepped(trainer)
    loss = _loss_at(trainer, stepper.batch)

    numeric = numeric_gradient(loss, trainer.network.params.copy())
    reported = stepper.backward.grads
    assert gradient_error(reported, numeric) < 1e-5
    assert stepper.loss.total == pytest.approx(loss(trainer.network.params.copy()), rel=1e-12)
    # The trainer's own step computes the very same gradient, bit for bit.
    twin.step()
    np.testing.assert_array_equal(reported, twin.network.grads)
    update = stepper.advance() and stepper.update
    np.testing.assert_array_equal(update.after, twin.network.params)


@pytest.mark.parametrize("name", CONFIGS)
def test_stepping_through_then_training_on_equals_training_straight_on(name):
    config = {"seed": 5, **CONFIGS[name]}
    stepped = Trainer.from_config(config, kernels=False)
    straight = Trainer.from_config(config, kernels=False)
    batches = stepped._batches_left()
    for _ in range(batches - 1):  # the stepped batch is the last of its pass
        stepped.step()
    stepper = StepThrough(stepped)
    seen = [stepper.advance() for _ in STAGES]
    assert seen == list(STAGES) and stepper.done
    assert stepped.epoch_count == 1  # the stepped batch closed the pass
    for _ in range(batches + 3):
        stepped.step()
    for _ in range(2 * batches + 3):
        straight.step()
    np.testing.assert_array_equal(stepped.network.params, straight.network.params)
    assert stepped.history == straight.history
    assert (stepped.step_count, stepped.epoch_count) == (straight.step_count, straight.epoch_count)
    assert stepped.training_rng().random() == straight.training_rng().random()
    for a, b in zip(stepped.network.layers, straight.network.layers, strict=True):
        if a.gamma is not None:
            np.testing.assert_array_equal(a.running_mean, b.running_mean)
            np.testing.assert_array_equal(a.running_var, b.running_var)
    for key, value in vars(stepped.optimizer).items():
        np.testing.assert_array_equal(value, vars(straight.optimizer)[key])


def test_the_first_four_stages_change_nothing():
    trainer = Trainer.from_config({"seed": 2, **CONFIGS["gelu-regression-linear"]}, kernels=False)
    trainer.step()
    params = trainer.network.params.copy()
    running = trainer.network.layers[0].running_mean.copy()
    draw = trainer.training_rng().random()
    _stepped(trainer)
    np.testing.assert_array_equal(trainer.network.params, params)
    np.testing.assert_array_equal(trainer.network.layers[0].running_mean, running)
    assert trainer.training_rng().random() == draw and trainer.step_count == 1


def test_stages_report_the_batch_activations_loss_deltas_and_optimizer_state():
    trainer = Trainer.from_config(
        {"seed": 4, "dataset": "xor", "optimizer": "adam", "dropout": 0.5}, kernels=False
    )
    trainer.step()
    stepper = StepThrough(trainer)
    assert stepper.advance() == "batch"
    batch = stepper.batch
    assert len(batch.indices) == 10
    np.testing.assert_array_equal(batch.points, trainer.X_train[batch.indices])
    stepper.advance()
    forward = stepper.forward
    assert [layer.z.shape for layer in forward.layers] == [(10, 4), (10, 2), (10, 1)]
    assert forward.layers[0].keep is not None and forward.layers[-1].keep is None
    # What a dropped unit passes on is zero; a kept one is scaled by 1 / (1 - p).
    first = forward.layers[0]
    np.testing.assert_allclose(first.output, np.where(first.keep, 2 * first.activation, 0.0))
    np.testing.assert_allclose(forward.output, forward.layers[-1].activation[:, 0])
    stepper.advance()
    np.testing.assert_allclose(stepper.loss.per_point, 0.5 * (forward.output - batch.targets) ** 2)
    stepper.advance()
    back = stepper.backward
    # db is the sum of the deltas; a dropped unit's delta is zero.
    np.testing.assert_allclose(trainer.network.layers[0].db, back.deltas[0].sum(axis=0))
    assert np.all(back.deltas[0][~first.keep] == 0)
    stepper.advance()
    update = stepper.update
    assert update.state_before["t"] == 1 and update.state_after["t"] == 2
    assert update.result.step == 2 and not np.array_equal(update.before, update.after)
    with pytest.raises(ValueError, match="already trained"):
        stepper.advance()


def test_the_kernels_state_is_where_the_numpy_step_starts(numeric_gradient, gradient_error):
    """Trained on the kernels (float32), stepped on NumPy: the reported gradient is
    the NumPy gradient at the kernels' weights and running statistics."""
    config = {"seed": 6, **CONFIGS["elu-rmsprop-batchnorm"]}
    trainer = Trainer.from_config(config)
    if trainer.path != "kernel":
        pytest.skip("the kernels are not available")
    trainer.steps(5)
    state = trainer.optimizer.mean_square.copy()
    stepper = _stepped(trainer)
    params = trainer.network.params.copy()
    stepper.advance()
    update = stepper.update
    np.testing.assert_array_equal(update.before, params)
    np.testing.assert_array_equal(update.state_before["mean_square"], state)
    assert trainer.path == "kernel" and trainer.step_count == 6
    trainer.steps(3)  # the kernels go on from the NumPy step's state
    assert trainer.step_count == 9 and np.isfinite(trainer.network.params).all()


def test_a_step_taken_meanwhile_makes_the_update_refuse():
    trainer = Trainer.from_config({"dataset": "xor"}, kernels=False)
    stepper = _stepped(trainer)
    trainer.step()
    with pytest.raises(ValueError, match="trained on"):
        stepper.advance()


def test_by_layer_splits_a_flat_vector_like_the_networks_own_views():
    trainer = Trainer.from_config({"hidden": [3, 2], "batch_norm": True}, kernels=False)
    net = trainer.network
    for layer, views in zip(net.layers, by_layer(net, net.params), strict=True):
        assert np.shares_memory(views.weights, layer.W) and views.weights.shape == layer.W.shape
        np.testing.assert_array_equal(views.biases, layer.b)
        assert (views.gammas is None) == (layer.gamma is None)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_activation_steps_with_finite_difference_gradients(
    activation, numeric_gradient, gradient_error
):
    trainer = Trainer.from_config(
        {"dataset": "circle", "hidden": [3], "activation": activation, "seed": 8}, kernels=False
    )
    trainer.step()
    stepper = _stepped(trainer)
    loss = _loss_at(trainer, stepper.batch)

    numeric = numeric_gradient(loss, trainer.network.params.copy())
    assert gradient_error(stepper.backward.grads, numeric) < 1e-5
