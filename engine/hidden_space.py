"""What the network sees: the data mapped through one hidden layer, on a plane.

A layer of ``width`` neurons maps each point to ``width`` numbers. The view
takes a plane of that space, ``origin + u · basis[0] + v · basis[1]``: two
chosen neurons (the other neurons held at their mean over the data), or the
layer's first two principal components (PCA by SVD). Each point is drawn at
its coordinates (u, v), and the network's output is evaluated over a grid of
the plane by running the layers after this one from it. A 2-neuron layer is
the whole plane, so the boundary drawn is exact; for a wider layer it is the
boundary on that slice. For the last hidden layer the output is its activation
of a linear function of the layer, so the boundary is a straight line.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.errors import InputError
from engine.network import Network
from engine.registry import lookup

Array = np.ndarray

MARGIN = 0.1  # of each axis's span, around the points
MIN_SPAN = 1e-3  # a layer that maps every point to one value still gets a visible square


@dataclass(frozen=True)
class Plane:
    origin: Array  # (width,) the layer's values at (u, v) = (0, 0)
    basis: Array  # (2, width) orthonormal directions of u and v
    explained: list[float] | None  # PCA: the fraction of the variance along u and v


@dataclass(frozen=True)
class HiddenSpace:
    points: Array  # (n, 2) each point's (u, v)
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    output: Array  # (G, G) the output over the plane: rows along v, columns along u
    plane: Plane
    exact: bool  # the plane is the layer's whole space (2 neurons)


def _neuron_plane(values: Array, neurons: tuple[int, int], reference: Array | None) -> Plane:
    width = values.shape[1]
    if max(neurons) >= width:
        raise ValueError(f"the layer has {width} neurons; pick two of 1 … {width}")
    basis = np.eye(width)[list(neurons)]
    origin = values.mean(axis=0)
    origin[list(neurons)] = 0.0  # so u and v are the two neurons' own values
    return Plane(origin, basis, None)


def _pca_plane(values: Array, neurons: tuple[int, int], reference: Array | None) -> Plane:
    mean = values.mean(axis=0)
    _, singular, rows = np.linalg.svd(values - mean, full_matrices=False)
    basis = rows[:2].copy()
    if reference is not None and reference.shape == basis.shape:
        # An SVD's signs are arbitrary: keep the last frame's, or the picture flips.
        basis *= np.where((basis * reference).sum(axis=1) < 0, -1.0, 1.0)[:, None]
    variance = singular**2
    total = variance.sum()
    explained = (variance[:2] / total).tolist() if total > 0 else [0.0, 0.0]
    return Plane(mean, basis, explained)


PROJECTIONS: dict[str, Callable[[Array, tuple[int, int], Array | None], Plane]] = {
    "neurons": _neuron_plane,
    "pca": _pca_plane,
}


def _span(values: Array) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    pad = max(hi - lo, MIN_SPAN) * MARGIN + MIN_SPAN / 2
    return lo - pad, hi + pad


def hidden_space(
    network: Network,
    inputs: Array,
    layer: int,
    projection: str = "pca",
    neurons: tuple[int, int] = (0, 1),
    resolution: int = 40,
    reference: Array | None = None,
) -> HiddenSpace:
    """The points ``inputs`` (n, n_features) in hidden layer ``layer``'s plane, and the
    network's output over it (evaluation mode). ``reference``: the basis of the
    last picture, which a PCA keeps the orientation of."""
    if network.sizes[-1] > 1:  # K class maps do not make one boundary over a plane
        raise InputError("classes", "the hidden space shows two classes; set classes to 2")
    if not 0 <= layer < network.n_hidden:
        raise ValueError(f"the network has {network.n_hidden} hidden layers; got layer {layer + 1}")
    values = network.activations(inputs)[layer]
    if values.shape[1] < 2:
        raise ValueError("a layer of one neuron has no plane to show; pick a wider layer")
    plane = lookup(PROJECTIONS, projection, "projection")(values, neurons, reference)
    points = (values - plane.origin) @ plane.basis.T
    x_range, y_range = _span(points[:, 0]), _span(points[:, 1])
    u, v = np.meshgrid(np.linspace(*x_range, resolution), np.linspace(*y_range, resolution))
    grid = plane.origin + np.column_stack([u.ravel(), v.ravel()]) @ plane.basis
    output, _ = network.forward(grid, start=layer + 1)
    exact = values.shape[1] == 2
    return HiddenSpace(
        points, x_range, y_range, output.reshape(resolution, resolution), plane, exact
    )
