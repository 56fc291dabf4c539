import numpy as np
import pytest

from engine.initializers import INITIALIZERS, get_initializer
from engine.network import Network, keep_masks


def _net(**options) -> Network:
    options.setdefault("rng", np.random.default_rng(0))
    return Network(2, options.pop("hidden", [5, 3]), **options)


def _inputs(n: int = 64, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-3, 3, size=(n, 2))


# --- shape and parameter layout --------------------------------------------------


@pytest.mark.parametrize("hidden", [[], [1], [4, 2], [16] * 8])
def test_output_is_one_value_per_example_for_any_depth(hidden):
    net = _net(hidden=hidden)
    out, caches = net.forward(_inputs(7))
    assert out.shape == (7,)
    assert len(caches) == len(hidden) + 1
    assert net.sizes == [2, *hidden, 1]


def test_layers_are_views_into_one_flat_parameter_vector():
    net = _net(batch_norm=True)
    n_weights = 2 * 5 + 5 * 3 + 3 * 1
    n_biases, n_gammas = 5 + 3 + 1, 5 + 3
    assert net.params.size == net.grads.size == n_weights + n_biases + n_gammas
    assert net.weight_mask.sum() == n_weights
    net.params[...] = 0.0
    assert all((layer.W == 0).all() and (layer.b == 0).all() for layer in net.layers)
    net.layers[1].W[0, 0] = 7.0
    assert (net.params == 7.0).sum() == 1
    assert net.weight_mask[net.params == 7.0].all()


def test_batch_norm_scales_belong_to_hidden_layers_only():
    net = _net(batch_norm=True)
    assert [layer.gamma is not None for layer in net.layers] == [True, True, False]
    assert all((layer.gamma == 1).all() for layer in net.layers[:-1])


def test_per_layer_activations_override_the_hidden_activation():
    net = _net(hidden=[3, 3, 3], activation="relu", layer_activations=[None, "sine"])
    names = [layer.activation.name for layer in net.layers]
    assert names == ["relu", "sine", "relu", "tanh"]


def test_activations_lists_every_layer_output_in_evaluation_mode():
    net = _net()
    X = _inputs(6)
    layers = net.activations(X)
    assert [a.shape for a in layers] == [(6, 5), (6, 3), (6, 1)]
    first = net.layers[0]
    np.testing.assert_allclose(layers[0], np.tanh(X @ first.W + first.b))
    np.testing.assert_allclose(layers[-1][:, 0], net.forward(X)[0])


# --- initialisation ----------------------------------------------------------------


def test_playground_init_draws_weights_from_minus_half_to_half_and_biases_of_one_tenth():
    net = _net(hidden=[16, 16], init="playground")
    weights = net.params[net.weight_mask]
    assert weights.min() >= -0.5
    assert weights.max() < 0.5
    assert weights.std() == pytest.approx(1 / np.sqrt(12), rel=0.15)
    np.testing.assert_array_equal(net.params[~net.weight_mask], 0.1)


@pytest.mark.parametrize("name", INITIALIZERS)
def test_initialisation_is_seeded(name):
    one = _net(init=name, rng=np.random.default_rng(3))
    two = _net(init=name, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(one.params, two.params)


def test_xavier_stays_within_its_limit_and_he_has_variance_two_over_fan_in():
    W, b = get_initializer("xavier")(16, 16, np.random.default_rng(0))
    assert np.abs(W).max() <= np.sqrt(6 / 32)
    np.testing.assert_array_equal(b, 0)
    W, b = get_initializer("he")(16, 400, np.random.default_rng(0))
    assert W.var() == pytest.approx(2 / 16, rel=0.1)
    np.testing.assert_array_equal(b, 0)


def test_zeros_init_makes_every_hidden_neuron_identical():
    net = _net(init="zeros")
    assert not net.params.any()
    hidden = net.activations(_inputs())[0]
    assert (hidden == hidden[:, :1]).all()


def test_unknown_init_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown init 'orthogonal'.*'xavier'"):
        get_initializer("orthogonal")


# --- dropout -----------------------------------------------------------------------


def test_dropout_is_off_when_evaluating():
    net = _net()
    X = _inputs()
    np.testing.assert_array_equal(net.forward(X, dropout=0.5)[0], net.forward(X)[0])
    np.testing.assert_array_equal(net.forward(X, dropout=0.5)[0], net.forward(X, dropout=0.5)[0])


def test_dropout_masks_of_the_last_training_step_are_readable():
    net = _net(hidden=[16, 16])
    _, caches = net.forward(_inputs(400), training=True, rng=np.random.default_rng(0), dropout=0.25)
    assert [m.shape for m in keep_masks(caches)] == [(400, 16), (400, 16)]
    for mask in keep_masks(caches):
        assert mask.dtype == bool
        assert mask.mean() == pytest.approx(0.75, abs=0.03)


def test_inverted_dropout_keeps_the_expected_activation():
    net = _net(hidden=[16], init="xavier")
    X = _inputs(4000)
    plain = net.activations(X)[0]
    _, caches = net.forward(X, training=True, rng=np.random.default_rng(2), dropout=0.5)
    dropped = caches[1].a_in  # the hidden layer's output as the next layer sees it
    assert set(np.unique(dropped[plain != 0] / plain[plain != 0])) <= {0.0, 2.0}
    np.testing.assert_allclose(dropped.mean(axis=0), plain.mean(axis=0), atol=0.05)


def test_dropout_never_drops_the_output_neuron():
    net = _net(hidden=[])
    X = _inputs()
    out, caches = net.forward(X, training=True, rng=np.random.default_rng(0), dropout=0.9)
    np.testing.assert_array_equal(out, net.forward(X)[0])
    assert keep_masks(caches) == []


def test_masks_say_nothing_was_dropped_after_a_step_without_dropout():
    net = _net()
    net.forward(_inputs(), training=True, rng=np.random.default_rng(0), dropout=0.5)
    _, caches = net.forward(_inputs(), training=True, rng=np.random.default_rng(0), dropout=0.0)
    assert keep_masks(caches) == [None, None]


# --- batch normalisation -------------------------------------------------------------


def test_batch_norm_standardises_hidden_pre_activations_over_the_batch():
    net = _net(batch_norm=True)
    for layer in net.layers:
        layer.b[...] = 0.0  # with gamma 1 and no shift, z is the normalised value itself
    _, caches = net.forward(_inputs(500) * 4 + 1, training=True)
    for cache in caches[:-1]:
        np.testing.assert_allclose(cache.z.mean(axis=0), 0, atol=1e-12)
        np.testing.assert_allclose(cache.z.std(axis=0), 1, atol=1e-3)


def test_batch_norm_evaluates_with_running_statistics_that_training_updates():
    net = _net(batch_norm=True)
    X = _inputs(200) * 2 + 1
    first = net.layers[0]
    before = net.forward(X)[0]
    np.testing.assert_array_equal(net.forward(X)[0], before)  # evaluating changes nothing
    for _ in range(200):
        train_out, _ = net.forward(X, training=True)
    np.testing.assert_allclose(first.running_mean, (X @ first.W).mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(first.running_var, (X @ first.W).var(axis=0), rtol=1e-6)
    # Once the running statistics match the batch, evaluation agrees with training.
    np.testing.assert_allclose(net.forward(X)[0], train_out, atol=1e-6)
    assert not np.allclose(before, train_out)


def test_batch_norm_copes_with_a_batch_of_one():
    net = _net(batch_norm=True)
    out, caches = net.forward(_inputs(1), training=True)
    grads = net.backward(caches, np.ones(1))
    assert np.isfinite(out).all()
    assert np.isfinite(grads).all()


def test_initialize_resets_the_running_statistics():
    net = _net(batch_norm=True)
    net.forward(_inputs() + 3, training=True)
    net.initialize(np.random.default_rng(0))
    np.testing.assert_array_equal(net.layers[0].running_mean, 0)
    np.testing.assert_array_equal(net.layers[0].running_var, 1)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_layer_views_of_a_copy_of_params_are_each_layers_weights_and_biases(batch_norm):
    net = Network(3, [4, 2], batch_norm=batch_norm, outputs=3, output="linear")
    copy = net.params * 2
    views = net.layer_views(copy)
    assert len(views) == len(net.layers)
    for (weights, biases), layer in zip(views, net.layers, strict=True):
        np.testing.assert_array_equal(weights, 2 * layer.W)
        np.testing.assert_array_equal(biases, 2 * layer.b)
        assert np.shares_memory(weights, copy) and weights.flags.c_contiguous
