import numpy as np
import pytest

from engine.features import FEATURES, get_feature, transform

POINT = np.array([[3.0, 4.0]])

# The eleven features of DATASETS.md at (3, 4), where r = 5 and θ = atan2(4, 3).
AT_3_4 = {
    "x1": 3.0,
    "x2": 4.0,
    "x1^2": 9.0,
    "x2^2": 16.0,
    "x1x2": 12.0,
    "sin_x1": np.sin(3.0),
    "sin_x2": np.sin(4.0),
    "r": 5.0,
    "theta": np.arctan2(4.0, 3.0),
    "sin_theta": 0.8,
    "cos_theta": 0.6,
}


def test_registry_holds_the_eleven_features():
    assert set(FEATURES) == set(AT_3_4)
    groups = [feature.group for feature in FEATURES.values()]
    assert groups.count("cartesian") == 7
    assert groups.count("polar") == 4


@pytest.mark.parametrize("name", AT_3_4)
def test_value_at_three_four(name):
    np.testing.assert_allclose(transform(POINT, [name]), [[AT_3_4[name]]], rtol=1e-12)


@pytest.mark.parametrize(
    ("point", "theta"),
    [((1.0, 0.0), 0.0), ((0.0, 2.0), np.pi / 2), ((-1.0, 0.0), np.pi), ((0.0, -2.0), -np.pi / 2)],
)
def test_theta_is_the_angle_from_the_positive_x1_axis(point, theta):
    values = transform(np.array([point]), ["theta", "sin_theta", "cos_theta", "r"])
    np.testing.assert_allclose(
        values[0], [theta, np.sin(theta), np.cos(theta), np.hypot(*point)], atol=1e-12
    )


def test_sin_and_cos_theta_remove_the_jump_of_theta_across_the_negative_x1_axis():
    above, below = np.array([[-3.0, 1e-9]]), np.array([[-3.0, -1e-9]])
    jump = transform(above, ["theta"]) - transform(below, ["theta"])
    assert jump[0, 0] == pytest.approx(2 * np.pi)
    smooth = transform(above, ["sin_theta", "cos_theta"]) - transform(
        below, ["sin_theta", "cos_theta"]
    )
    assert np.abs(smooth).max() < 1e-8


def test_transform_keeps_the_requested_column_order():
    X = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, 0.0]])
    np.testing.assert_allclose(
        transform(X, ["x2", "x1", "x1x2"]), [[2, 1, 2], [0.5, -3, -1.5], [0, 0, 0]]
    )


@pytest.mark.parametrize("name", FEATURES)
def test_each_feature_is_vectorised_over_points(name):
    X = np.random.default_rng(0).uniform(-6, 6, size=(50, 2))
    together = transform(X, [name])
    one_by_one = np.vstack([transform(X[i : i + 1], [name]) for i in range(len(X))])
    assert together.shape == (50, 1)
    np.testing.assert_array_equal(together, one_by_one)


def test_transform_keeps_float32_points_float32():
    X = np.array([[1.0, 2.0]], dtype=np.float32)
    assert transform(X, list(FEATURES)).dtype == np.float32


def test_unknown_feature_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown feature 'x3'.*'x1'"):
        get_feature("x3")
