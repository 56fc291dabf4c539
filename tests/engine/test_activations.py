import warnings

import numpy as np
import pytest

from engine.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS, get_activation

# A grid of pre-activations that steps over 0 (relu's and leaky relu's kink)
# rather than landing on it, so every point has a well-defined derivative.
Z = np.linspace(-4.0, 4.0, 81) + 0.0137


def test_registry_has_the_eight_activations_of_the_issue():
    assert set(ACTIVATIONS) == {
        "relu",
        "leaky_relu",
        "elu",
        "gelu",
        "tanh",
        "sigmoid",
        "linear",
        "sine",
    }


def test_output_activations_are_registered_activations():
    assert set(OUTPUT_ACTIVATIONS) == {"tanh", "sigmoid", "linear"}
    assert set(OUTPUT_ACTIVATIONS) <= set(ACTIVATIONS)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    h = 1e-6
    numeric = (act.f(Z + h) - act.f(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.df(Z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_function_and_derivative_keep_the_input_shape_and_dtype(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-2, 2, 12).reshape(3, 4)
    for dtype in (np.float64, np.float32):
        assert act.f(z.astype(dtype)).shape == (3, 4)
        assert act.df(z.astype(dtype)).shape == (3, 4)
        assert act.df(z.astype(dtype)).dtype == dtype


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_extreme_inputs_give_no_warning(name):
    act = ACTIVATIONS[name]
    z = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, slope = act.f(z), act.df(z)
    assert np.isfinite(value).all()
    assert np.isfinite(slope).all()


@pytest.mark.parametrize(
    ("name", "z", "expected"),
    [
        ("relu", [-2.0, 0.0, 3.0], [0.0, 0.0, 3.0]),
        ("leaky_relu", [-2.0, 3.0], [-0.02, 3.0]),
        ("elu", [-50.0, 0.0, 2.0], [-1.0, 0.0, 2.0]),
        ("gelu", [-50.0, 0.0, 50.0], [0.0, 0.0, 50.0]),
        ("tanh", [0.0, 1.0], [0.0, np.tanh(1.0)]),
        ("sigmoid", [-1e4, 0.0, 1e4, 2.0], [0.0, 0.5, 1.0, 1 / (1 + np.exp(-2.0))]),
        ("linear", [-7.5, 0.0, 2.0], [-7.5, 0.0, 2.0]),
        ("sine", [0.0, np.pi / 2], [0.0, 1.0]),
    ],
)
def test_known_values(name, z, expected):
    np.testing.assert_allclose(ACTIVATIONS[name].f(np.array(z)), expected, atol=1e-12)


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*relu"):
        get_activation("swish")
