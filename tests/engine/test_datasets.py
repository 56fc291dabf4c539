import numpy as np
import pytest

from engine.datasets import (
    DATASETS,
    MAX_CUSTOM_POINTS,
    class_labels,
    generate,
    get_dataset,
    split,
    trainable,
    validate_custom,
)

CLASSIFICATION = [name for name, d in DATASETS.items() if d.problem == "classification"]
REGRESSION = [name for name, d in DATASETS.items() if d.problem == "regression"]
# DATASETS.md: for these, noise shifts where the label is read, never the point.
LABEL_NOISE_ONLY = ["circle", "xor", "plane", "multi-gauss", "checkerboard", "rings", "pass-fail"]
# ... and these move the points themselves.
POINT_NOISE = ["gauss", "spiral", "moons", "blobs", "spiral_k"]
MULTICLASS = [name for name, d in DATASETS.items() if d.multiclass]


def make(name, n=400, noise=0.0, seed=0):
    return generate(name, n, noise, np.random.default_rng(seed))


def test_registry_holds_every_dataset_of_datasets_md():
    assert set(CLASSIFICATION) == {
        "circle",
        "xor",
        "gauss",
        "spiral",
        "moons",
        "checkerboard",
        "rings",
        "pass-fail",
        "blobs",
        "spiral_k",
    }
    assert set(MULTICLASS) == {"blobs", "spiral_k"}
    assert set(REGRESSION) == {"plane", "multi-gauss"}
    assert set(LABEL_NOISE_ONLY) | set(POINT_NOISE) == set(DATASETS)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("n", [20, 401])
def test_shapes_and_dtypes(name, n):
    X, y = make(name, n=n, noise=0.3)
    assert X.shape == (n, 2)
    assert y.shape == (n,)
    assert X.dtype == y.dtype == np.float64
    assert np.isfinite(X).all()
    assert np.isfinite(y).all()


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_labels_are_plus_and_minus_one_and_both_present(name):
    _, y = make(name, noise=0.3)
    assert set(np.unique(y)) == {-1.0, 1.0}


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_labels_are_continuous_and_roughly_in_minus_one_to_one(name):
    _, y = make(name)
    assert np.abs(y).max() <= 1.2 + 1e-12  # plane reaches (6 + 6) / 10 in its corners
    assert np.unique(y).size > 100  # a continuous target, not classes


@pytest.mark.parametrize("name", DATASETS)
def test_points_lie_in_the_plot_square_without_noise(name):
    X, _ = make(name, n=2000)
    assert np.abs(X).max() <= 6.0


@pytest.mark.parametrize("name", LABEL_NOISE_ONLY)
def test_noise_changes_labels_but_never_moves_a_point(name):
    X_clean, y_clean = make(name, n=1000, noise=0.0, seed=3)
    X_noisy, y_noisy = make(name, n=1000, noise=0.5, seed=3)
    np.testing.assert_array_equal(X_noisy, X_clean)
    assert np.abs(X_noisy).max() <= 6.0
    assert not np.array_equal(y_noisy, y_clean)


@pytest.mark.parametrize("name", POINT_NOISE)
def test_noise_moves_the_points(name):
    X_clean, y_clean = make(name, noise=0.0, seed=3)
    X_noisy, y_noisy = make(name, noise=0.5, seed=3)
    assert not np.allclose(X_noisy, X_clean)
    np.testing.assert_array_equal(y_noisy, y_clean)


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_same_data_other_seed_other_data(name):
    X1, y1 = make(name, noise=0.2, seed=5)
    X2, y2 = make(name, noise=0.2, seed=5)
    X3, _ = make(name, noise=0.2, seed=6)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", DATASETS)
def test_default_size_is_500_for_classification_and_1200_for_regression(name):
    X, y = generate(name, None, 0.0, np.random.default_rng(0))
    expected = 500 if name in CLASSIFICATION else 1200
    assert get_dataset(name).default_n == expected
    assert len(X) == len(y) == expected


def test_circle_without_noise_has_an_empty_ring_between_the_classes():
    X, y = make("circle", n=2000)
    r = np.hypot(X[:, 0], X[:, 1])
    assert not ((r > 2.5) & (r < 3.5)).any()
    assert r.max() <= 5.0
    np.testing.assert_array_equal(y, np.where(r < 2.5, 1.0, -1.0))
    assert (y == 1).sum() == 1000


def test_circle_noise_flips_labels_only_near_the_boundary():
    X, y = make("circle", n=2000, noise=0.1)  # offsets up to 0.5 in each coordinate
    r = np.hypot(X[:, 0], X[:, 1])
    clean = np.where(r < 2.5, 1.0, -1.0)
    flipped = y != clean
    assert flipped.any()
    assert (np.abs(r[flipped] - 2.5) < 0.5 * np.sqrt(2)).all()


def test_xor_keeps_points_off_the_axes_and_labels_by_the_sign_of_the_product():
    X, y = make("xor", n=2000)
    assert np.abs(X).min() >= 0.3
    assert np.abs(X).max() <= 5.3
    np.testing.assert_array_equal(y, np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0))


def test_gauss_clusters_sit_at_plus_and_minus_two_with_variance_growing_with_noise():
    for noise, variance in ((0.0, 0.5), (0.2, 1.9)):
        X, y = make("gauss", n=4000, noise=noise)
        pos, neg = X[y == 1], X[y == -1]
        assert len(pos) == len(neg) == 2000
        np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.1)
        np.testing.assert_allclose(neg.mean(axis=0), [-2, -2], atol=0.1)
        np.testing.assert_allclose(pos.var(axis=0), variance, rtol=0.1)


def test_spiral_arms_follow_the_formula_without_noise():
    n = 200
    X, y = make("spiral", n=n)
    i = np.arange(n // 2)
    r = 5 * i / (n // 2)
    t = 1.75 * 2 * np.pi * i / (n // 2)
    np.testing.assert_allclose(X[y == 1], np.column_stack([r * np.sin(t), r * np.cos(t)]))
    np.testing.assert_allclose(X[y == -1], -X[y == 1], atol=1e-12)  # δ = π: the mirror arm


def test_spiral_noise_moves_each_coordinate_by_at_most_the_noise():
    clean, _ = make("spiral", noise=0.0, seed=9)
    noisy, _ = make("spiral", noise=0.4, seed=9)
    shift = np.abs(noisy - clean)
    assert shift.max() <= 0.4
    assert shift.max() > 0.3


def test_plane_label_is_the_coordinate_sum_over_ten_without_noise():
    X, y = make("plane", n=500)
    np.testing.assert_allclose(y, X.sum(axis=1) / 10)


def test_multi_gauss_label_is_the_strongest_bump():
    X, y = make("multi-gauss", n=3000)
    centres = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    for cx, cy, sign in centres:
        near = np.hypot(X[:, 0] - cx, X[:, 1] - cy) < 1.0
        assert near.any()
        assert (np.sign(y[near]) == sign).all()
    far = np.min([np.hypot(X[:, 0] - cx, X[:, 1] - cy) for cx, cy, _ in centres], axis=0) >= 2
    np.testing.assert_array_equal(y[far], 0.0)


def test_checkerboard_alternates_labels_over_three_wide_cells():
    X, y = make("checkerboard", n=2000)
    cells = np.floor((X + 6) / 3).astype(int)
    np.testing.assert_array_equal(y, np.where(cells.sum(axis=1) % 2 == 0, 1.0, -1.0))


def test_rings_alternate_labels_across_empty_gaps():
    X, y = make("rings", n=3000)
    r = np.hypot(X[:, 0], X[:, 1])
    assert not (((r > 1.5) & (r < 2.5)) | ((r > 3.5) & (r < 4.5))).any()
    np.testing.assert_array_equal(y, np.where((r < 2) | (r > 4), 1.0, -1.0))


def test_pass_fail_is_nearly_linearly_separable_along_the_diagonal():
    X, y = make("pass-fail", n=2000)
    agreement = (np.where(X.sum(axis=1) > 0, 1.0, -1.0) == y).mean()
    assert agreement > 0.9


def test_moons_are_two_balanced_interleaving_halves():
    X, y = make("moons", n=1000)
    assert (y == 1).sum() == 500
    # Interleaving: neither class is separable by the vertical line between their means.
    top, bottom = X[y == 1], X[y == -1]
    middle = (top[:, 0].mean() + bottom[:, 0].mean()) / 2
    assert (top[:, 0] > middle).any()
    assert (bottom[:, 0] < middle).any()


@pytest.mark.parametrize(
    ("n", "fraction"), [(500, 0.5), (1200, 0.5), (25, 0.3), (21, 0.5), (100, 0.9), (20, 0.1)]
)
def test_split_trains_on_the_first_round_n_times_fraction_points(n, fraction):
    X, y = make("gauss", n=n)
    X_train, y_train, X_test, y_test = split(X, y, fraction, np.random.default_rng(1))
    n_train = round(n * fraction)
    assert X_train.shape == (n_train, 2)
    assert y_train.shape == (n_train,)
    assert len(X_test) == len(y_test) == n - n_train
    # A shuffle, not a resample: every point lands exactly once, label attached.
    rows = np.column_stack([X, y])
    parts = np.vstack([np.column_stack([X_train, y_train]), np.column_stack([X_test, y_test])])
    np.testing.assert_array_equal(np.sort(parts, axis=0), np.sort(rows, axis=0))


def test_split_shuffles_by_seed_and_leaves_the_inputs_alone():
    X, y = make("spiral", n=100)
    X_before = X.copy()
    first = split(X, y, 0.5, np.random.default_rng(4))
    again = split(X, y, 0.5, np.random.default_rng(4))
    other = split(X, y, 0.5, np.random.default_rng(5))
    np.testing.assert_array_equal(first[0], again[0])
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(first[0], X[:50])  # shuffled, not a prefix
    np.testing.assert_array_equal(X, X_before)


def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown dataset 'moon'.*'moons'"):
        get_dataset("moon")


def test_valid_custom_data_comes_back_as_float_arrays():
    X, y = validate_custom([[0, 1], [2, -3], [5, 5]], [1, -1, 1])
    assert X.dtype == y.dtype == np.float64
    assert X.shape == (3, 2)
    np.testing.assert_array_equal(y, [1.0, -1.0, 1.0])


def test_custom_regression_labels_may_be_any_finite_number():
    _, y = validate_custom([[0, 0], [1, 1]], [0.25, -0.7], problem="regression")
    np.testing.assert_array_equal(y, [0.25, -0.7])


@pytest.mark.parametrize(
    ("points", "labels", "message"),
    [
        ([[0, 1, 2], [3, 4, 5]], [1, -1], r"shape \(n, 2\)"),
        ([0.0, 1.0, 2.0], [1, -1, 1], r"shape \(n, 2\)"),
        ([[0, 1], [2, 3]], [1, -1, 1], r"labels must have shape \(2,\)"),
        ([[0, 1], [2, 3]], [[1], [-1]], r"labels must have shape \(2,\)"),
        ([[0, np.nan], [2, 3]], [1, -1], "finite"),
        ([[0, np.inf], [2, 3]], [1, -1], "finite"),
        ([[0, 1], [2, 3]], [1, np.nan], "finite"),
        ([[0, 1], [2, 3]], [1, 0], r"\+1 or -1"),
        ([[0, 1], [2, 3]], [1, 0.5], r"\+1 or -1"),
        ([[0, 1], [2, 3]], [0, 3], "not those of 3 classes \\(0 … 2\\)"),
        ([["a", "b"], [2, 3]], [1, -1], "could not convert"),
    ],
)
def test_bad_custom_data_gets_a_clear_value_error(points, labels, message):
    classes = 3 if "3 classes" in message else 2
    with pytest.raises(ValueError, match=message):
        validate_custom(points, labels, classes=classes)


def test_custom_data_is_capped_at_five_thousand_points():
    points = np.zeros((MAX_CUSTOM_POINTS + 1, 2))
    labels = np.ones(MAX_CUSTOM_POINTS + 1)
    with pytest.raises(ValueError, match="at most 5000 points, got 5001"):
        validate_custom(points, labels)
    X, _ = validate_custom(points[:-1], labels[:-1])
    assert len(X) == MAX_CUSTOM_POINTS


def test_custom_data_of_k_classes_takes_the_class_indices():
    _, y = validate_custom([[0, 0], [1, 1], [2, 2]], [0, 2, 3], classes=4)
    np.testing.assert_array_equal(y, [0.0, 2.0, 3.0])
    np.testing.assert_array_equal(class_labels(2), [1.0, -1.0])


@pytest.mark.parametrize(
    ("labels", "n_train", "problem", "expected"),
    [
        ([], 0, "classification", False),
        ([1.0], 1, "classification", False),
        ([1.0, 1.0], 1, "classification", False),  # one class
        ([1.0, -1.0], 0, "classification", False),  # no point for training
        ([1.0, -1.0], 1, "classification", True),
        ([0.0, 2.0], 1, "classification", True),
        ([0.5, 0.5], 1, "regression", True),
    ],
)
def test_custom_data_is_trainable_with_two_points_two_classes_and_a_training_point(
    labels, n_train, problem, expected
):
    assert trainable(np.array(labels), n_train, problem) is expected


@pytest.mark.parametrize("classes", [3, 4, 6])
@pytest.mark.parametrize("name", MULTICLASS)
def test_multiclass_labels_are_class_indices_in_near_equal_numbers(name, classes):
    X, y = generate(name, 301, 0.3, np.random.default_rng(0), classes)
    assert X.shape == (301, 2)
    values, counts = np.unique(y, return_counts=True)
    assert values.tolist() == list(range(classes))
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", MULTICLASS)
def test_two_classes_of_a_multiclass_dataset_are_labelled_plus_and_minus_one(name):
    _, y = generate(name, 100, 0.0, np.random.default_rng(0), 2)
    assert sorted(np.unique(y)) == [-1.0, 1.0]


def test_blobs_without_noise_cluster_round_their_centres_on_a_circle():
    X, y = generate("blobs", 600, 0.0, np.random.default_rng(1), 4)
    centres = np.array([X[y == k].mean(axis=0) for k in range(4)])
    assert np.allclose(np.hypot(*centres.T), 3.5, atol=0.2)


def test_spiral_k_arms_are_the_first_arm_turned_by_a_kth_of_a_circle():
    X, y = generate("spiral_k", 400, 0.0, np.random.default_rng(2), 4)
    r = np.hypot(X[:, 0], X[:, 1])
    along = (r - 0.5) / 5
    turn = np.arctan2(X[:, 0], X[:, 1]) / (2 * np.pi) - along - y / 4  # in whole turns
    assert np.allclose(turn - np.round(turn), 0, atol=1e-9)
