import math
import re
import warnings

import numpy as np
import pytest

from engine import InputError, Trainer
from engine.optimizers import Adam
from engine.trainer import WAITING

SPIRAL = {"dataset": "spiral", "hidden": [8, 8, 8], "activation": "tanh"}
PLANE = {"dataset": "plane", "problem": "regression"}


def _params(trainer: Trainer) -> np.ndarray:
    return trainer.network.params.copy()


# --- determinism -------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [{}, {"dataset": "xor", "optimizer": "adam", "dropout": 0.2, "batch_norm": True}],
    ids=["defaults", "dropout-batchnorm-adam"],
)
def test_same_config_and_seed_give_identical_weights_after_50_epochs(config, train):
    first, second = train(config, 50), train(config, 50)
    assert first.epoch_count == 50
    np.testing.assert_array_equal(first.network.params, second.network.params)
    assert first.history == second.history


def test_another_seed_gives_other_data_and_weights():
    one, two = Trainer.from_config({"seed": 1}), Trainer.from_config({"seed": 2})
    assert not np.array_equal(one.X_train, two.X_train)
    assert not np.array_equal(one.network.params, two.network.params)


def test_reset_restores_the_initial_weights_and_replays_the_same_run():
    trainer = Trainer.from_config({"dropout": 0.1})
    initial = _params(trainer)
    for _ in range(5):
        trainer.epoch()
    after_five = _params(trainer)
    trainer.reset()
    np.testing.assert_array_equal(trainer.network.params, initial)
    assert (trainer.epoch_count, trainer.step_count, trainer.history) == (0, 0, [])
    assert trainer.state == "ready"
    for _ in range(5):
        trainer.epoch()
    np.testing.assert_array_equal(trainer.network.params, after_five)


# --- steps, epochs and history -----------------------------------------------


def test_an_epoch_is_one_pass_of_mini_batches():
    trainer = Trainer.from_config({"n_points": 100, "batch_size": 15})  # 50 train points
    record = trainer.epoch()
    assert trainer.step_count == math.ceil(50 / 15)
    assert record.epoch == trainer.epoch_count == 1
    assert trainer.history == [record]


def test_step_reports_its_count_epoch_and_batch_loss():
    trainer = Trainer.from_config({"n_points": 40, "batch_size": 10})  # 20 train points
    first = trainer.step()
    assert (first.step, first.epoch, first.state) == (1, 0, "ready")
    assert first.batch_loss > 0
    second = trainer.step()
    assert (second.step, second.epoch) == (2, 1)  # the second batch closes the pass
    assert len(trainer.history) == 1


def test_history_records_loss_for_both_sets_and_accuracy_for_classification(train):
    classifier = train({}, 3)
    assert [r.epoch for r in classifier.history] == [1, 2, 3]
    for record in classifier.history:
        assert record.train_loss >= 0
        assert record.test_loss >= 0
        assert 0 <= record.train_accuracy <= 1
        assert 0 <= record.test_accuracy <= 1
    regressor = train(PLANE, 2)
    assert regressor.history[-1].train_accuracy is None
    assert regressor.history[-1].test_accuracy is None


def test_evaluate_matches_the_last_record_and_does_not_train(train):
    trainer = train({}, 2)
    before = _params(trainer)
    assert trainer.evaluate() == trainer.history[-1]
    np.testing.assert_array_equal(trainer.network.params, before)


def test_sigmoid_outputs_are_thresholded_at_one_half():
    trainer = Trainer.from_config({"loss": "cross_entropy"})
    labels = trainer.predict_labels(np.array([0.1, 0.49, 0.5, 0.9]))
    np.testing.assert_array_equal(labels, [-1, -1, 1, 1])
    tanh = Trainer.from_config({})
    np.testing.assert_array_equal(tanh.predict_labels(np.array([-0.2, 0.0, 0.3])), [-1, 1, 1])


def test_training_never_changes_the_data(train):
    fresh = Trainer.from_config({"dataset": "moons"})
    trained = train({"dataset": "moons"}, 5)
    np.testing.assert_array_equal(fresh.X_train, trained.X_train)
    np.testing.assert_array_equal(fresh.y_test, trained.y_test)


# --- what the network can learn ----------------------------------------------


def test_no_hidden_layer_separates_the_circle_with_the_radius_feature(train):
    """The lecture's claim: in polar features the circle is a threshold on r."""
    trainer = train({"dataset": "circle", "hidden": [], "features": ["r"]}, 30)
    assert trainer.history[-1].test_accuracy >= 0.95


def test_no_hidden_layer_cannot_separate_the_circle_with_x1_x2(train):
    trainer = train({"dataset": "circle", "hidden": [], "features": ["x1", "x2"]}, 100)
    assert max(r.test_accuracy for r in trainer.history) < 0.75


def test_spiral_is_learned_by_three_tanh_layers_of_eight(train):
    # Batch 25 rather than 10: Adam's path is then insensitive to rounding (a
    # faster kernel must not flip this test), and ~0.99 at 250 epochs leaves margin.
    config = {**SPIRAL, "optimizer": "adam", "learning_rate": 0.01, "batch_size": 25}
    assert train(config, 250).history[-1].test_accuracy >= 0.90


@pytest.mark.parametrize(("dataset", "epochs"), [("xor", 100), ("gauss", 10)])
def test_defaults_learn_xor_and_gauss(dataset, epochs, train):
    assert train({"dataset": dataset}, epochs).history[-1].test_accuracy >= 0.95


def test_regression_fits_the_plane(train):
    assert train(PLANE, 30).history[-1].test_loss < 0.01


def test_cross_entropy_with_a_sigmoid_output_learns_gauss(train):
    trainer = train({"dataset": "gauss", "loss": "cross_entropy"}, 10)
    assert trainer.history[-1].test_accuracy >= 0.95


FOUR_ARMS = {
    "dataset": "spiral_k",
    "classes": 4,
    "loss": "cross_entropy",
    "hidden": [8, 8, 8],
    "optimizer": "adam",
    "learning_rate": 0.01,
    "batch_size": 25,  # as the spiral test: Adam's path then shrugs off float32 rounding
}


def test_a_four_class_spiral_is_learned_by_a_softmax_output(train):
    trainer = train(FOUR_ARMS, 150)
    assert trainer.path == "kernel"  # and NumPy makes the same run (~0.92 on both)
    assert trainer.network.sizes[-1] == 4
    assert trainer.history[-1].test_accuracy >= 0.90
    confusion = trainer.confusion()
    assert confusion.shape == (4, 4)
    assert confusion.sum() == len(trainer.y_test)
    assert np.trace(confusion) / confusion.sum() == trainer.history[-1].test_accuracy


def test_a_multiclass_snapshot_maps_each_class_probability(train):
    trainer = train({**FOUR_ARMS, "hidden": [3]}, 1)
    output = trainer.maps(12, 5).output
    assert output.shape == (4, 12, 12)
    np.testing.assert_allclose(output.sum(axis=0), 1.0, rtol=1e-6)  # float32 on the kernels


def test_two_classes_keep_one_output_neuron_and_no_confusion_matrix(train):
    trainer = train({"dataset": "blobs", "classes": 2}, 5)
    assert trainer.network.sizes[-1] == 1
    assert trainer.confusion() is None
    assert trainer.history[-1].test_accuracy >= 0.95


def test_changing_the_number_of_classes_regenerates_the_data():
    trainer = Trainer.from_config({"dataset": "blobs"})
    version = trainer.data_version
    assert trainer.configure({"classes": 5, "loss": "cross_entropy"})
    assert trainer.data_version == version + 1
    assert set(np.unique(trainer.y_train)) == {0.0, 1.0, 2.0, 3.0, 4.0}
    assert trainer.network.sizes[-1] == 5


def test_custom_points_train_like_any_dataset():
    rng = np.random.default_rng(0)
    points = rng.uniform(-5, 5, size=(200, 2))
    labels = np.where(points[:, 0] - points[:, 1] > 0, 1.0, -1.0)
    trainer = Trainer.from_config({"dataset": "custom"}, data=(points, labels))
    for _ in range(20):
        trainer.epoch()
    assert len(trainer.X_train) == 100
    assert trainer.history[-1].test_accuracy >= 0.95


@pytest.mark.parametrize("patience", [None, 1])
def test_a_custom_set_too_small_for_a_test_split_trains_without_false_alarms(patience):
    points, labels = [[1, 1], [-1, -1], [2, 2], [-2, -2]], [1, -1, 1, -1]
    trainer = Trainer.from_config(
        {"dataset": "custom", "train_fraction": 0.9, "batch_size": 1, "early_stopping": patience},
        data=(points, labels),
    )
    assert (len(trainer.X_train), len(trainer.X_test)) == (4, 0)
    for _ in range(5):
        trainer.epoch()
    assert trainer.state == "ready"
    assert trainer.epoch_count == 5
    assert math.isnan(trainer.history[-1].test_loss)
    assert trainer.history[-1].test_accuracy is None


# --- divergence ----------------------------------------------------------------


def test_linear_regression_at_learning_rate_one_diverges_quietly():
    trainer = Trainer.from_config({**PLANE, "activation": "linear", "learning_rate": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(20):
            trainer.epoch()
        trainer.snapshot(8)
        trainer.evaluate()
    assert trainer.state == "diverged"
    assert trainer.diverged_epoch is not None
    assert 0 <= trainer.diverged_epoch <= trainer.epoch_count


def test_a_diverged_trainer_stops_training_until_reset():
    trainer = Trainer.from_config({**PLANE, "activation": "linear", "learning_rate": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        while trainer.state == "ready":
            trainer.step()
        frozen, steps = _params(trainer), trainer.step_count
        result = trainer.step()
        assert trainer.epoch() is None
    assert result.state == "diverged"
    assert math.isnan(result.batch_loss)
    assert trainer.step_count == steps
    np.testing.assert_array_equal(trainer.network.params, frozen)
    trainer.reset()
    assert trainer.state == "ready"
    assert trainer.diverged_epoch is None


def test_a_saturating_tanh_net_at_learning_rate_ten_is_not_diverged(train):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer = train({"learning_rate": 10}, 30)
    assert trainer.state == "ready"
    assert trainer.diverged_epoch is None
    assert trainer.epoch_count == 30
    assert all(np.isfinite([r.train_loss, r.test_loss]).all() for r in trainer.history)


# --- live config changes -------------------------------------------------------

LIVE_CHANGES = [
    {"learning_rate": 0.1},
    {"batch_size": 25},
    {"regularization": "l2", "regularization_rate": 0.01},
    {"regularization_rate": 0.001},
    {"dropout": 0.3},
    {"optimizer": "adam"},
    {"early_stopping": 5},
    {},
]

REBUILDING_CHANGES = [
    {"dataset": "xor"},
    {"noise": 0.2},
    {"train_fraction": 0.6},
    {"n_points": 300},
    {"seed": 2},
    {"features": ["x1", "x2", "r"]},
    {"hidden": [3]},
    {"activation": "relu"},
    {"layer_activations": ["sine"]},
    {"problem": "regression", "dataset": "plane"},
    {"output": "linear"},
    {"loss": "cross_entropy"},
    {"init": "xavier"},
    {"batch_norm": True},
]


@pytest.mark.parametrize("changes", LIVE_CHANGES, ids=str)
def test_live_changes_keep_the_weights_and_the_epoch_count(changes, train):
    trainer = train({}, 3)
    params, history = _params(trainer), list(trainer.history)
    assert trainer.configure(changes) is False
    np.testing.assert_array_equal(trainer.network.params, params)
    assert trainer.epoch_count == 3
    assert trainer.history == history
    for key, value in changes.items():
        assert getattr(trainer.config, key) == value
    assert trainer.epoch().epoch == 4


@pytest.mark.parametrize("changes", REBUILDING_CHANGES, ids=str)
def test_model_and_data_changes_rebuild_and_reset(changes, train):
    trainer = train({}, 3)
    assert trainer.configure(changes) is True
    assert (trainer.epoch_count, trainer.step_count, trainer.history) == (0, 0, [])
    assert trainer.network.sizes[0] == len(trainer.config.features)
    assert trainer.network.sizes[1:-1] == trainer.config.hidden
    assert trainer.epoch().epoch == 1


def test_a_rebuild_matches_a_fresh_trainer_with_the_new_config(train):
    changed = train({}, 3)
    changed.configure({"dataset": "xor", "hidden": [5]})
    fresh = Trainer.from_config({"dataset": "xor", "hidden": [5]})
    np.testing.assert_array_equal(changed.X_train, fresh.X_train)
    np.testing.assert_array_equal(changed.network.params, fresh.network.params)


def test_a_new_learning_rate_applies_to_the_next_step():
    slow, fast = Trainer.from_config({}), Trainer.from_config({})
    start = _params(slow)
    fast.configure({"learning_rate": 0.06})
    slow.step()
    fast.step()
    np.testing.assert_allclose(fast.network.params - start, 2 * (slow.network.params - start))


def test_a_new_learning_rate_keeps_the_optimizer_state(train):
    trainer = train({"optimizer": "adam"}, 2)
    optimizer = trainer.optimizer
    assert isinstance(optimizer, Adam)
    steps, moment = optimizer.t, optimizer.m.copy()
    trainer.configure({"learning_rate": 0.001})
    assert trainer.optimizer is optimizer
    np.testing.assert_array_equal(optimizer.m, moment)
    trainer.step()
    assert optimizer.t == steps + 1


def test_a_new_batch_size_applies_from_the_next_epoch(train):
    trainer = train({}, 1)  # 250 training points in batches of 10
    trainer.configure({"batch_size": 25})
    steps = trainer.step_count
    trainer.epoch()
    assert trainer.step_count - steps == 10


def test_a_new_dropout_rate_drops_neurons_on_the_next_step():
    trainer = Trainer.from_config({"hidden": [16, 16]})
    trainer.configure({"dropout": 0.5})
    trainer.step()
    masks = trainer.last_masks
    assert all(mask is not None and 0 < mask.mean() < 1 for mask in masks)


def test_a_new_optimizer_replaces_the_optimizer_only(train):
    trainer = train({}, 2)
    params = _params(trainer)
    trainer.configure({"optimizer": "momentum"})
    assert type(trainer.optimizer).__name__ == "Momentum"
    np.testing.assert_array_equal(trainer.network.params, params)


def test_a_new_regularizer_applies_to_the_next_step():
    plain, penalised = Trainer.from_config({}), Trainer.from_config({})
    penalised.configure({"regularization": "l2", "regularization_rate": 1.0})
    plain.step()
    penalised.step()
    weights = plain.network.weight_mask
    # L2 pulls every weight towards zero: the penalised net's weights end up smaller.
    assert (
        np.abs(penalised.network.params[weights]).sum()
        < np.abs(plain.network.params[weights]).sum()
    )


INVALID_CHANGES = [
    ("learning_rate", {"learning_rate": -1}),
    ("hidden", {"hidden": [99]}),
    ("batch_size", {"batch_size": 1000}),
    ("dataset", {"dataset": "plane"}),
    ("dataset", {"dataset": "custom"}),  # valid config, but there are no custom points
    ("colour", {"colour": "red"}),
    ("dropout", {"learning_rate": 0.1, "dropout": 5}),  # one bad key spoils the batch
    ("batch_size", {"n_points": 40}),  # 20 training points < batch size 25
]


@pytest.mark.parametrize(("key", "changes"), INVALID_CHANGES, ids=str)
def test_an_invalid_change_raises_and_leaves_the_trainer_as_it_was(key, changes, train):
    config = {"batch_size": 25}
    trainer, twin = train(config, 2), train(config, 2)
    with pytest.raises(InputError) as caught:
        trainer.configure(changes)
    assert caught.value.key == key
    assert trainer.config == twin.config
    assert trainer.epoch_count == 2
    np.testing.assert_array_equal(trainer.X_train, twin.X_train)
    np.testing.assert_array_equal(trainer.network.params, twin.network.params)
    # ... and it trains on exactly as if nothing had been asked.
    trainer.epoch()
    twin.epoch()
    np.testing.assert_array_equal(trainer.network.params, twin.network.params)


# --- early stopping ------------------------------------------------------------


def _train_until_stopped(trainer: Trainer, budget: int = 200) -> list[np.ndarray]:
    """Weights after every epoch, until the trainer stops itself."""
    weights = []
    while trainer.state == "ready" and trainer.epoch_count < budget:
        trainer.epoch()
        weights.append(_params(trainer))
    return weights


def test_early_stopping_restores_the_best_weights_and_stops():
    trainer = Trainer.from_config(
        {"dataset": "gauss", "noise": 0.5, "learning_rate": 0.3, "early_stopping": 2}
    )
    weights = _train_until_stopped(trainer)
    assert trainer.state == "stopped"
    test_losses = [record.test_loss for record in trainer.history]
    best = int(np.argmin(test_losses))
    assert best == len(test_losses) - 3  # patience 2: two epochs without improvement
    np.testing.assert_array_equal(trainer.network.params, weights[best])
    assert trainer.evaluate().test_loss == pytest.approx(test_losses[best])


def test_a_stopped_trainer_does_not_train_until_its_patience_changes():
    trainer = Trainer.from_config(
        {"dataset": "gauss", "noise": 0.5, "learning_rate": 0.3, "early_stopping": 1}
    )
    _train_until_stopped(trainer)
    frozen = _params(trainer)
    assert trainer.step().state == "stopped"
    assert trainer.epoch() is None
    np.testing.assert_array_equal(trainer.network.params, frozen)
    assert trainer.configure({"early_stopping": 50}) is False
    assert trainer.state == "ready"
    assert trainer.epoch() is not None


# --- pictures --------------------------------------------------------------------


def test_maps_give_a_fine_output_and_coarse_neuron_and_feature_maps():
    trainer = Trainer.from_config({"hidden": [3, 2], "features": ["x1", "x2", "r"]})
    maps = trainer.maps(output_resolution=40, neuron_resolution=12)
    assert maps.output.shape == (40, 40)
    assert [m.shape for m in maps.neurons] == [(3, 12, 12), (2, 12, 12)]
    assert maps.features.shape == (3, 12, 12)
    np.testing.assert_array_equal(maps.output, trainer.snapshot(40).output)


def test_use_points_keeps_the_weights_and_shows_the_new_points():
    trainer = Trainer.from_config({"seed": 3}, kernels=False)
    trainer.steps(5)
    weights, version = trainer.network.params.copy(), trainer.data_version
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [3.0, -3.0], [0.0, 0.0]])
    y = np.array([1.0, -1.0, 1.0, -1.0])
    trainer.use_points(X, y)
    assert trainer.config.dataset == "custom" and trainer.data_version > version
    assert trainer.config.batch_size == 2  # shrunk to the training set
    np.testing.assert_array_equal(trainer.network.params, weights)
    assert sorted(map(tuple, np.concatenate([trainer.X_train, trainer.X_test]))) == sorted(
        map(tuple, X)
    )
    trainer.steps(3)  # and it trains on them


@pytest.mark.parametrize(
    ("points", "labels", "words"),
    [
        ([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], [1.0, 0.5, -1.0], "+1 or -1"),
    ],
)
def test_use_points_refuses_what_cannot_train_and_keeps_the_data(points, labels, words):
    trainer = Trainer.from_config({"seed": 3}, kernels=False)
    before, config = trainer.X_train.copy(), trainer.config
    with pytest.raises(InputError, match=re.escape(words)) as caught:
        trainer.use_points(np.array(points), np.array(labels))
    assert caught.value.key == "custom_data"
    assert trainer.config is config
    np.testing.assert_array_equal(trainer.X_train, before)


@pytest.mark.parametrize(
    ("points", "labels"),
    [([], []), ([[0.0, 0.0]], [1.0]), ([[0.0, 0.0], [1.0, 1.0]], [1.0, 1.0])],
)
def test_too_few_points_to_train_on_make_the_trainer_wait_with_its_weights(points, labels):
    trainer = Trainer.from_config({"seed": 3}, kernels=False)
    trainer.epoch()
    weights, batch_size = trainer.network.params.copy(), trainer.config.batch_size
    trainer.use_points(np.array(points).reshape(-1, 2), np.array(labels))
    assert trainer.state == WAITING and trainer.config.dataset == "custom"
    assert trainer.epoch() is None and trainer.step().state == WAITING
    np.testing.assert_array_equal(trainer.network.params, weights)
    assert trainer.config.batch_size == batch_size  # kept for when points come
    assert len(trainer.history) == 1 and trainer.evaluate().epoch == 1
    trainer.configure({"learning_rate": 0.1, "batch_size": 20})  # live keys: no error
    assert trainer.configure({"hidden": [3]}) and trainer.state == WAITING  # a rebuild waits
    trainer.use_points(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), np.array([1.0, -1, 1]))
    assert trainer.state == "ready" and trainer.config.batch_size == 2
    assert trainer.epoch() is not None


def test_use_points_with_k_classes_builds_a_softmax_of_k_outputs():
    trainer = Trainer.from_config({"seed": 3}, kernels=False)
    X = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [0.0, 0.0], [-1.0, 2.0], [2.0, -1.0]])
    trainer.use_points(X, np.array([0.0, 1, 2, 3, 0, 1]), classes=4)
    config = trainer.config
    assert (config.dataset, config.classes, config.loss) == ("custom", 4, "cross_entropy")
    assert config.output_activation == "softmax" and trainer.network.sizes[-1] == 4
    trainer.epoch()
    assert trainer.confusion().shape == (4, 4)
    trainer.use_points(X, np.array([1.0, -1, 1, -1, 1, -1]), classes=2)
    assert trainer.config.classes == 2 and trainer.network.sizes[-1] == 1
    assert trainer.epoch() is not None


def test_a_problem_custom_labels_do_not_fit_is_refused_and_the_trainer_kept():
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [3.0, -3.0], [0.0, 0.0]])
    trainer = Trainer.from_config(
        {"problem": "regression", "dataset": "custom", "batch_size": 2},
        data=(X, np.array([0.3, -0.2, 0.9, 0.0])),
        kernels=False,
    )
    with pytest.raises(InputError) as caught:
        trainer.configure({"problem": "classification"})
    assert caught.value.key == "custom_data"
    assert trainer.config.problem == "regression"
    trainer.steps(2)
