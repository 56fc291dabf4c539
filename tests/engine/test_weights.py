import numpy as np
import pytest

from engine.network import Network
from engine.weights import set_bias, set_weight

X = np.random.default_rng(0).uniform(-3, 3, size=(20, 2))


def _net(seed: int = 0, **options) -> Network:
    options.setdefault("hidden", [4, 3])
    return Network(2, rng=np.random.default_rng(seed), **options)


def _output(net: Network) -> np.ndarray:
    return net.forward(X)[0]


def test_weights_come_per_layer_with_w_shaped_fan_in_by_fan_out():
    weights = [(layer.W, layer.b) for layer in _net().layers]
    assert [(W.shape, b.shape) for W, b in weights] == [
        ((2, 4), (4,)),
        ((4, 3), (3,)),
        ((3, 1), (1,)),
    ]


def test_a_copy_of_the_params_is_a_copy():
    net = _net()
    weights = net.params.copy()
    weights[...] = 99.0
    assert (net.layers[0].W != 99).all()
    assert (net.layers[0].b != 99).all()


def test_params_round_trip_between_networks():
    source, target = _net(seed=1), _net(seed=2)
    assert not np.allclose(_output(source), _output(target))
    target.params[...] = source.params
    np.testing.assert_array_equal(target.params, source.params)
    np.testing.assert_array_equal(_output(target), _output(source))


def test_set_weight_and_set_bias_write_the_layer_views():
    net = _net(hidden=[])
    for source, value in enumerate([1.0, 2.0]):
        set_weight(net, layer=0, source=source, target=0, value=value)
    set_bias(net, layer=0, neuron=0, value=0.5)
    np.testing.assert_array_equal(net.layers[0].W, [[1.0], [2.0]])
    assert net.layers[0].b[0] == 0.5


@pytest.mark.parametrize("hidden", [[4], [4, 3, 2], [3, 4]])
def test_params_of_another_shape_raise_and_change_nothing(hidden):
    net = _net()
    before = net.params.copy()
    with pytest.raises(ValueError, match="broadcast"):
        net.params[...] = _net(seed=5, hidden=hidden).params
    np.testing.assert_array_equal(net.params, before)


def test_set_bias_rejects_non_finite_values_and_changes_nothing():
    net = _net()
    before = net.params.copy()
    with pytest.raises(ValueError, match="finite"):
        set_bias(net, layer=2, neuron=0, value=np.nan)
    np.testing.assert_array_equal(net.params, before)


def test_set_weight_changes_that_one_weight_and_the_output():
    net = _net()
    before_params, before_out = net.params.copy(), _output(net)
    set_weight(net, layer=1, source=2, target=0, value=3.5)
    assert net.layers[1].W[2, 0] == 3.5
    assert (net.params != before_params).sum() == 1
    assert not np.allclose(_output(net), before_out)


def test_set_bias_of_the_output_neuron_shifts_a_linear_output():
    net = _net(output="linear")
    before = _output(net)
    set_bias(net, layer=2, neuron=0, value=net.layers[2].b[0] + 0.75)
    np.testing.assert_allclose(_output(net), before + 0.75)


def test_set_bias_of_a_hidden_neuron_changes_the_output():
    net = _net()
    before = _output(net)
    set_bias(net, layer=0, neuron=3, value=-2.0)
    assert net.layers[0].b[3] == -2.0
    assert not np.allclose(_output(net), before)


@pytest.mark.parametrize(
    ("index", "message"),
    [
        ({"layer": 3, "source": 0, "target": 0}, r"layer must be 0 … 2, got 3"),
        ({"layer": -1, "source": 0, "target": 0}, r"layer must be 0 … 2, got -1"),
        ({"layer": 0, "source": 2, "target": 0}, r"source must be 0 … 1, got 2"),
        ({"layer": 0, "source": 0, "target": 4}, r"target must be 0 … 3, got 4"),
        ({"layer": 2, "source": 0, "target": 1}, r"target must be 0 … 0, got 1"),
        ({"layer": 1, "source": -1, "target": 0}, r"source must be 0 … 3, got -1"),
    ],
)
def test_set_weight_rejects_bad_indices_and_changes_nothing(index, message):
    net = _net()
    before = net.params.copy()
    with pytest.raises(ValueError, match=message):
        set_weight(net, value=1.0, **index)
    np.testing.assert_array_equal(net.params, before)


@pytest.mark.parametrize(
    ("layer", "neuron", "message"),
    [
        (3, 0, r"layer must be 0 … 2, got 3"),
        (-1, 0, r"layer must be 0 … 2, got -1"),
        (0, 4, r"neuron must be 0 … 3, got 4"),
        (2, 1, r"neuron must be 0 … 0, got 1"),
        (1, -1, r"neuron must be 0 … 2, got -1"),
    ],
)
def test_set_bias_rejects_bad_indices_and_changes_nothing(layer, neuron, message):
    net = _net()
    before = net.params.copy()
    with pytest.raises(ValueError, match=message):
        set_bias(net, layer, neuron, 1.0)
    np.testing.assert_array_equal(net.params, before)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, "nan"])
def test_non_finite_values_are_rejected_and_change_nothing(value):
    net = _net()
    before = net.params.copy()
    with pytest.raises(ValueError, match="finite"):
        set_weight(net, 0, 0, 0, value)
    with pytest.raises(ValueError, match="finite"):
        set_bias(net, 0, 0, value)
    np.testing.assert_array_equal(net.params, before)


def test_a_value_that_is_not_a_number_is_a_value_error():
    with pytest.raises(ValueError):
        set_weight(_net(), 0, 0, 0, "heavy")
