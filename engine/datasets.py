"""The toy datasets of DATASETS.md, each a generator in a registry by name.

Every generator shares one signature, ``make(n, noise, rng) -> (X, y)``:
``X`` is (n, 2) in [-6, 6]², ``y`` is (n,) with labels ±1 for classification
and values roughly in [-1, 1] for regression. A multi-class generator
(``Dataset.multiclass``) also takes ``classes``, K = 2 … 6: with K ≥ 3 its
labels are the class indices 0 … K−1, with K = 2 the usual ±1 (class 0 is
+1), so a two-class draw is an ordinary binary dataset. ``split`` shuffles with the
seed and cuts train from test.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.registry import lookup

Array = np.ndarray
Generator = Callable[[int, float, np.random.Generator], tuple[Array, Array]]

MAX_CUSTOM_POINTS = 5000


@dataclass(frozen=True)
class Dataset:
    name: str
    problem: str  # "classification" or "regression"
    make: Generator
    default_n: int
    description: str
    # The classes picking the dataset asks for. More than 2: a multi-class dataset,
    # whose make takes ``classes`` and draws any number 2 … 6 of them.
    classes: int = 2

    @property
    def multiclass(self) -> bool:
        return self.classes > 2


def _uniform_noise(n: int, noise: float, scale: float, rng: np.random.Generator) -> Array:
    """Offsets uniform on [-scale, scale]·noise, one row per point."""
    return rng.uniform(-scale, scale, size=(n, 2)) * noise


def _labels(condition: Array) -> Array:
    return np.where(condition, 1.0, -1.0)


def make_circle(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Inner disc (radius ≤ 2.5) against an outer ring (3.5 … 5)."""
    n_in = n // 2
    radius = np.concatenate([rng.uniform(0, 2.5, n_in), rng.uniform(3.5, 5.0, n - n_in)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    # Noise moves where the label is read, not the point: label noise at the boundary.
    shifted = X + _uniform_noise(n, noise, 5.0, rng)
    return X, _labels(np.hypot(shifted[:, 0], shifted[:, 1]) < 2.5)


def make_xor(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Four quadrants, labelled by the sign of x·y."""
    X = rng.uniform(-5, 5, size=(n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # keep every point 0.3 away from the axes
    shifted = X + _uniform_noise(n, noise, 5.0, rng)
    return X, _labels(shifted[:, 0] * shifted[:, 1] >= 0)


def make_gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Two normal clusters around (2, 2) (+1) and (-2, -2) (-1)."""
    std = np.sqrt(0.5 + 7 * noise)
    n_pos = n // 2
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n_pos, n - n_pos], axis=0)
    X = centres + rng.normal(0, std, size=(n, 2))
    return X, _labels(np.arange(n) < n_pos)


def make_spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Two interleaved arms turning 1.75 times around the origin."""
    half = n // 2
    arms = []
    for delta, count in ((0.0, half), (np.pi, n - half)):
        i = np.arange(count)
        r = 5 * i / half
        t = 1.75 * 2 * np.pi * i / half + delta
        arm = np.column_stack([r * np.sin(t), r * np.cos(t)])
        arms.append(arm + rng.uniform(-1, 1, size=(count, 2)) * noise)
    return np.concatenate(arms), _labels(np.arange(n) < half)


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Two interleaving half circles, scaled onto the plot square."""
    n_top = n // 2
    t = np.concatenate([rng.uniform(0, np.pi, n_top), rng.uniform(0, np.pi, n - n_top)])
    top = np.arange(n) < n_top
    x = np.where(top, np.cos(t), 1 - np.cos(t))
    y = np.where(top, np.sin(t), 0.5 - np.sin(t))
    X = np.column_stack([x - 0.5, y - 0.25]) * 3.5
    X += rng.normal(0, 1, size=(n, 2)) * noise
    return X, _labels(top)


def make_checkerboard(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """A 4×4 board of alternating labels over [-6, 6]² (cells 3 wide)."""
    X = rng.uniform(-6, 6, size=(n, 2))
    shifted = X + _uniform_noise(n, noise, 3.0, rng)
    cells = np.floor((shifted + 6) / 3).astype(int)
    return X, _labels((cells[:, 0] + cells[:, 1]) % 2 == 0)


def make_rings(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Three concentric rings with alternating labels, separated by empty gaps."""
    bands = [(0.0, 1.5), (2.5, 3.5), (4.5, 5.5)]
    which = rng.integers(0, 3, size=n)
    low = np.array([b[0] for b in bands])[which]
    high = np.array([b[1] for b in bands])[which]
    radius = np.sqrt(rng.uniform(low**2, high**2))  # uniform over each ring's area
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    shifted = X + _uniform_noise(n, noise, 3.0, rng)
    r = np.hypot(shifted[:, 0], shifted[:, 1])
    return X, _labels((r < 2.0) | (r > 4.0))


def make_pass_fail(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """MIT 6.S191's perceptron example: lectures attended (x) and project hours (y).

    Lectures 0…12 and hours 0…12 map linearly onto [-6, 6]; a student passes
    when lectures + hours > 12, read after a little label noise.
    """
    lectures = rng.uniform(0, 12, n)
    hours = rng.uniform(0, 12, n)
    X = np.column_stack([lectures - 6, hours - 6])
    jitter = rng.normal(0, 1, n) * (0.5 + 4 * noise)
    return X, _labels(lectures + hours + jitter > 12)


def make_plane(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Regression: the label rises linearly along the diagonal, (x + y) / 10."""
    X = rng.uniform(-6, 6, size=(n, 2))
    shifted = X + _uniform_noise(n, noise, 6.0, rng)
    return X, shifted.sum(axis=1) / 10


def _class_labels(k: Array, classes: int) -> Array:
    """Class indices as labels: themselves for K ≥ 3, ±1 (0 → +1) for two classes."""
    return 1.0 - 2.0 * k if classes == 2 else k.astype(float)


def make_blobs(
    n: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """K normal clusters with centres evenly spaced on a circle of radius 3.5."""
    k = np.arange(n) % classes
    angle = 2 * np.pi * k / classes + np.pi / 4  # K = 2 puts them where gauss has its own
    centres = 3.5 * np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres + rng.normal(0, np.sqrt(0.3 + 5 * noise), size=(n, 2))
    return X, _class_labels(k, classes)


def make_spiral_k(
    n: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """K arms turning once around the origin, each class one arm."""
    k = np.arange(n) % classes
    along = rng.uniform(0, 1, n)  # how far out along its arm each point lies
    r = 0.5 + 5 * along
    t = 2 * np.pi * (along + k / classes)
    X = np.column_stack([r * np.sin(t), r * np.cos(t)])
    X += rng.uniform(-1, 1, size=(n, 2)) * noise
    return X, _class_labels(k, classes)


_GAUSS_CENTRES = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
_GAUSS_SIGNS = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])


def make_multi_gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Regression: six bumps of alternating sign; the strongest one at a point wins."""
    X = rng.uniform(-6, 6, size=(n, 2))
    shifted = X + _uniform_noise(n, noise, 6.0, rng)
    d = np.linalg.norm(shifted[:, None, :] - _GAUSS_CENTRES[None], axis=2)
    contrib = _GAUSS_SIGNS * np.clip(1 - d / 2, 0, 1)
    strongest = np.argmax(np.abs(contrib), axis=1)
    return X, contrib[np.arange(n), strongest]


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset("circle", "classification", make_circle, 500, "a disc inside a ring"),
        Dataset("xor", "classification", make_xor, 500, "four quadrants, exclusive or"),
        Dataset("gauss", "classification", make_gauss, 500, "two Gaussian clusters"),
        Dataset("spiral", "classification", make_spiral, 500, "two interleaved spirals"),
        Dataset("moons", "classification", make_moons, 500, "two interleaving half moons"),
        Dataset("checkerboard", "classification", make_checkerboard, 500, "a 4×4 board"),
        Dataset("rings", "classification", make_rings, 500, "three concentric rings"),
        Dataset("pass-fail", "classification", make_pass_fail, 500, "lectures vs project hours"),
        Dataset("blobs", "classification", make_blobs, 500, "K Gaussian clusters", 3),
        Dataset("spiral_k", "classification", make_spiral_k, 500, "K spiral arms", 4),
        Dataset("plane", "regression", make_plane, 1200, "a tilted plane"),
        Dataset("multi-gauss", "regression", make_multi_gauss, 1200, "six bumps"),
    ]
}

# Axis meanings for datasets whose coordinates are not plain x, y.
AXIS_LABELS: dict[str, tuple[str, str]] = {
    "pass-fail": ("lectures attended (0–12)", "hours on the final project (0–12)"),
}


def get_dataset(name: str) -> Dataset:
    """Look a dataset up by name; unknown names list the valid ones."""
    return lookup(DATASETS, name, "dataset")


def generate(
    name: str, n: int | None, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """Points and labels of a named dataset (its default size when ``n`` is None);
    ``classes`` reaches only a multi-class generator (the config refuses it elsewhere)."""
    dataset = get_dataset(name)
    if dataset.multiclass:
        return dataset.make(n or dataset.default_n, noise, rng, classes)
    return dataset.make(n or dataset.default_n, noise, rng)


def validate_custom(
    points: object, labels: object, problem: str = "classification", classes: int = 2
) -> tuple[Array, Array]:
    """Check caller-supplied points and labels; raise ValueError saying what is wrong.

    Classification labels are ±1 for two classes and the class indices 0 … K−1 for
    ``classes`` = K ≥ 3, as the generators give them. Too few points to train on is
    not an error here (a drawing starts from none): ``trainable`` says when there
    are enough.
    """
    X = np.asarray(points, dtype=float)
    y = np.asarray(labels, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"custom points must have shape (n, 2), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"custom labels must have shape ({X.shape[0]},), got {y.shape}")
    if X.shape[0] > MAX_CUSTOM_POINTS:
        raise ValueError(f"custom data has at most {MAX_CUSTOM_POINTS} points, got {X.shape[0]}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("custom points and labels must be finite numbers")
    if problem == "classification" and not np.isin(y, class_labels(classes)).all():
        wanted = "+1 or -1" if classes == 2 else f"0 … {classes - 1}"
        raise ValueError(
            f"these points' labels are not those of {classes} classes ({wanted}): keep the "
            f"points' own number of classes, or draw or upload points of {classes} classes"
        )
    return X, y


def class_labels(classes: int) -> Array:
    """The labels of a K-class problem: ±1 for two classes, else 0 … K−1."""
    return _class_labels(np.arange(classes), classes)


def trainable(labels: Array, n_train: int, problem: str) -> bool:
    """Whether custom data can be trained on: at least 2 points, one of them for
    training, and for classification, points of at least 2 classes."""
    if len(labels) < 2 or n_train < 1:
        return False
    return problem != "classification" or len(np.unique(labels)) >= 2


def split(
    X: Array, y: Array, train_fraction: float, rng: np.random.Generator
) -> tuple[Array, Array, Array, Array]:
    """Shuffle once, then the first round(n·fraction) points train, the rest test."""
    order = rng.permutation(len(X))
    n_train = round(len(X) * train_fraction)
    train, test = order[:n_train], order[n_train:]
    return X[train], y[train], X[test], y[test]
