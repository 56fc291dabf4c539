import warnings

import numpy as np
import pytest

from engine import Trainer
from engine.features import transform
from engine.grid import grid_axis, grid_points
from engine.network import Network
from engine.snapshot import (
    feature_plane,
    feature_range,
    representation,
    snapshot,
    two_grid_snapshot,
)
from engine.trainer import class_changes

FEATURES = ["x1", "x2", "r"]


def _net(features=FEATURES, hidden=(4, 3), **options) -> Network:
    return Network(len(features), list(hidden), rng=np.random.default_rng(5), **options)


def test_grid_covers_the_plot_square_row_by_row_with_x1_fastest():
    axis = grid_axis(5)
    np.testing.assert_allclose(axis, [-6, -3, 0, 3, 6])
    points = grid_points(5)
    assert points.shape == (25, 2)
    np.testing.assert_allclose(points[:5], np.column_stack([axis, np.full(5, -6.0)]))
    np.testing.assert_allclose(points[::5, 1], axis)


@pytest.mark.parametrize("hidden", [(), (4, 3), (1, 16, 2)])
def test_snapshot_shapes(hidden):
    shot = snapshot(_net(hidden=hidden), FEATURES, 9)
    assert shot.output.shape == (9, 9)
    assert [m.shape for m in shot.neurons] == [(width, 9, 9) for width in hidden]
    assert shot.features.shape == (3, 9, 9)


def test_output_map_equals_a_plain_forward_pass_over_the_grid_points():
    net = _net()
    shot = snapshot(net, FEATURES, 11)
    expected, _ = net.forward(transform(grid_points(11), FEATURES))
    np.testing.assert_array_equal(shot.output, expected.reshape(11, 11))


def test_neuron_maps_are_each_hidden_neurons_output():
    net = _net()
    shot = snapshot(net, FEATURES, 7)
    inputs = transform(grid_points(7), FEATURES)
    first = np.tanh(inputs @ net.layers[0].W + net.layers[0].b)
    second = np.tanh(first @ net.layers[1].W + net.layers[1].b)
    for layer_map, values in zip(shot.neurons, (first, second), strict=True):
        for k in range(values.shape[1]):
            np.testing.assert_allclose(layer_map[k], values[:, k].reshape(7, 7), atol=1e-12)


def test_feature_maps_rows_follow_x2_and_columns_follow_x1():
    shot = snapshot(_net(), FEATURES, 13)
    axis = grid_axis(13)
    x1_map, x2_map, r_map = shot.features
    np.testing.assert_allclose(x1_map, np.tile(axis, (13, 1)))
    np.testing.assert_allclose(x2_map, np.tile(axis[:, None], (1, 13)))
    np.testing.assert_allclose(r_map, np.hypot(x1_map, x2_map))
    assert r_map[6, 6] == 0.0  # the centre of an odd grid is the origin


def test_snapshot_evaluates_without_dropout_or_changing_the_network():
    net = _net(batch_norm=True)
    inputs = transform(grid_points(5), FEATURES)
    net.forward(inputs, training=True, rng=np.random.default_rng(0), dropout=0.5)
    params = net.params.copy()
    running = net.layers[0].running_mean.copy()
    first, second = snapshot(net, FEATURES, 9), snapshot(net, FEATURES, 9)
    np.testing.assert_array_equal(first.output, second.output)
    np.testing.assert_array_equal(net.params, params)
    np.testing.assert_array_equal(net.layers[0].running_mean, running)


def test_a_diverged_trainers_snapshot_gives_no_warnings():
    trainer = Trainer.from_config(
        {"dataset": "plane", "problem": "regression", "activation": "linear", "learning_rate": 1}
    )
    while trainer.state == "ready":
        trainer.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shot = trainer.snapshot(6)
    assert shot.output.shape == (6, 6)


def test_representation_gives_points_in_the_chosen_pair_of_features():
    X = np.array([[3.0, 4.0], [0.0, -2.0]])
    np.testing.assert_allclose(
        representation(X, ["r", "theta"]), [[5, np.arctan2(4, 3)], [2, -np.pi / 2]]
    )


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [("x1", -6, 6), ("x1^2", 0, 36), ("r", 0, 6 * np.sqrt(2)), ("x1x2", -36, 36)],
)
def test_feature_range_over_the_plot_square(name, low, high):
    assert feature_range(name) == pytest.approx((low, high), abs=1e-9)


@pytest.mark.parametrize(
    ("features", "pair"),
    [
        (["x1", "x2"], ["x1", "x2"]),
        (["r", "theta"], ["r", "theta"]),
        (["theta", "r"], ["r", "theta"]),
    ],
)
def test_feature_plane_draws_the_output_over_the_pairs_own_grid(features, pair):
    net = _net(features=features, hidden=(3,))
    plane = feature_plane(net, features, pair, 8)
    assert plane is not None
    assert plane.x_range == feature_range(pair[0])
    assert plane.y_range == feature_range(pair[1])
    assert plane.output.shape == (8, 8)
    u, v = np.meshgrid(np.linspace(*plane.x_range, 8), np.linspace(*plane.y_range, 8))
    by_name = {pair[0]: u.ravel(), pair[1]: v.ravel()}
    expected, _ = net.forward(np.column_stack([by_name[name] for name in features]))
    np.testing.assert_allclose(plane.output, expected.reshape(8, 8))


@pytest.mark.parametrize(
    ("features", "pair"),
    [
        (["x1", "x2", "r"], ["x1", "x2"]),  # a third input: not a function of the pair
        (["r"], ["r", "theta"]),
        (["x1", "x2"], ["r", "theta"]),
        (["x1", "r"], ["x1", "x2"]),
    ],
)
def test_feature_plane_is_none_unless_the_inputs_are_exactly_the_pair(features, pair):
    assert feature_plane(_net(features=features), features, pair, 8) is None


@pytest.mark.parametrize("kernels", [True, False])
@pytest.mark.parametrize(
    "config",
    [
        {},
        {"hidden": [3, 5], "batch_norm": True},
        {"dataset": "blobs", **class_changes(3), "features": ["x1", "x2", "r"]},
    ],
)
def test_a_two_grid_snapshot_holds_the_maps_of_a_fine_and_a_coarse_snapshot(kernels, config):
    trainer = Trainer.from_config(config, kernels=kernels)
    trainer.epoch()
    features, bound = trainer.config.features, trainer.kernels
    both = two_grid_snapshot(trainer.network, features, 12, 5, bound)
    fine = snapshot(trainer.network, features, 12, bound)
    coarse = snapshot(trainer.network, features, 5, bound)
    np.testing.assert_array_equal(both.output, fine.output)
    np.testing.assert_array_equal(both.features, coarse.features)
    assert len(both.neurons) == len(coarse.neurons)
    for mine, theirs in zip(both.neurons, coarse.neurons, strict=True):
        np.testing.assert_array_equal(mine, theirs)
