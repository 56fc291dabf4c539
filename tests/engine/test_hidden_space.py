"""The hidden-space view: the points are the layer's own values, and the map over
the plane is the network's output there."""

import numpy as np
import pytest

from engine import Trainer
from engine.hidden_space import hidden_space


def _trained(**config):
    trainer = Trainer.from_config({"dataset": "spiral", "seed": 2, **config}, kernels=False)
    for _ in range(3):
        trainer.epoch()
    return trainer


def test_two_neurons_are_the_layers_values_and_the_boundary_is_exact():
    trainer = _trained(hidden=[6, 2])
    net = trainer.network
    space = hidden_space(net, trainer.inputs_train, 1, "neurons", (0, 1), resolution=30)
    values = net.activations(trainer.inputs_train)[1]
    np.testing.assert_allclose(space.points, values)
    assert space.exact and space.output.shape == (30, 30)
    # The map at a point's own place is the network's output for that point.
    i = 7
    u = np.linspace(*space.x_range, 30)
    v = np.linspace(*space.y_range, 30)
    last = net.layers[-1]
    at = net.layers[-1].activation.f(np.array([u[3], v[11]]) @ last.W + last.b)[0]
    assert space.output[11, 3] == pytest.approx(at)
    output, _ = net.forward(trainer.inputs_train[i : i + 1])
    direct = last.activation.f(values[i] @ last.W + last.b)[0]
    assert output[0] == pytest.approx(direct)


def test_pca_of_a_2_neuron_layer_is_a_rotation_and_keeps_the_distances():
    trainer = _trained(hidden=[5, 2])
    space = hidden_space(trainer.network, trainer.inputs_train, 1, "pca")
    values = trainer.network.activations(trainer.inputs_train)[1]
    d = np.linalg.norm(values[:20, None] - values[None, :20], axis=2)
    e = np.linalg.norm(space.points[:20, None] - space.points[None, :20], axis=2)
    np.testing.assert_allclose(d, e, atol=1e-12)
    assert space.exact and sum(space.plane.explained) == pytest.approx(1.0)


def test_pca_of_a_wide_last_layer_draws_a_straight_boundary_and_keeps_its_orientation():
    trainer = _trained(hidden=[6, 4], activation="relu")
    net = trainer.network
    first = hidden_space(net, trainer.inputs_train, 1, "pca")
    assert not first.exact and first.plane.explained[0] >= first.plane.explained[1]
    # The output's pre-activation is linear in (u, v): second differences vanish.
    z = np.arctanh(np.clip(first.output, -1 + 1e-15, 1 - 1e-15))
    assert np.abs(np.diff(z, 2, axis=0)).max() < 1e-6
    assert np.abs(np.diff(z, 2, axis=1)).max() < 1e-6
    flipped = -first.plane.basis
    again = hidden_space(net, trainer.inputs_train, 1, "pca", reference=flipped)
    np.testing.assert_allclose(again.plane.basis, flipped)


def test_a_bad_layer_or_neuron_is_refused_with_the_allowed_range():
    trainer = _trained(hidden=[3, 1])
    with pytest.raises(ValueError, match="2 hidden layers"):
        hidden_space(trainer.network, trainer.inputs_train, 2)
    with pytest.raises(ValueError, match="one neuron"):
        hidden_space(trainer.network, trainer.inputs_train, 1)
    with pytest.raises(ValueError, match="1 … 3"):
        hidden_space(trainer.network, trainer.inputs_train, 0, "neurons", (0, 5))
