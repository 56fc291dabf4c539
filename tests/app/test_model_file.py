"""Model files (app/model_file.py, docs/formats.md): save, open, and refuse bad files."""

import copy
import json

import numpy as np
import pytest

from app.model_file import (
    FORMAT,
    KEY,
    VERSION,
    build_trainer,
    export_model,
    import_model,
    model_json,
    parse_model_json,
)
from engine import InputError, Trainer
from engine.datasets import generate

CONFIGS = {
    "defaults": {},
    "batchnorm-dropout-adam": {
        "dataset": "xor",
        "hidden": [5, 3],
        "batch_norm": True,
        "dropout": 0.2,
        "optimizer": "adam",
        "features": ["x1", "x2", "x1x2", "r"],
    },
    "no-hidden-layers": {"dataset": "gauss", "hidden": [], "output": "sigmoid"},
    "regression": {
        "dataset": "plane",
        "problem": "regression",
        "activation": "relu",
        "layer_activations": ["sine", None],
        "hidden": [6, 4, 2],
    },
    "four-classes": {"dataset": "spiral_k", "classes": 4, "loss": "cross_entropy", "hidden": [5]},
}


def _trained(config: dict, epochs: int = 3, kernels: bool = False, data=None) -> Trainer:
    trainer = Trainer.from_config(config, data=data, kernels=kernels)
    for _ in range(epochs):
        trainer.epoch()
    return trainer


def _reopened(trainer: Trainer, kernels: bool = False) -> Trainer:
    """Save to JSON text and open it again, as a browser download and upload would."""
    return build_trainer(parse_model_json(model_json(trainer)), kernels=kernels)


def _error(obj: object) -> InputError:
    with pytest.raises(InputError) as caught:
        import_model(obj)
    return caught.value


def _file(config: dict | None = None) -> dict:
    return export_model(_trained(config or {}, epochs=1))


@pytest.fixture(scope="module")
def saved() -> dict:
    return _file()


# --- the round trip -------------------------------------------------------------


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_the_output_map_comes_back_bit_for_bit(config):
    trainer = _trained(config)
    reopened = _reopened(trainer)
    np.testing.assert_array_equal(reopened.network.params, trainer.network.params)
    np.testing.assert_array_equal(reopened.snapshot(100).output, trainer.snapshot(100).output)
    assert reopened.config == trainer.config


def test_batch_norm_running_statistics_come_back():
    trainer = _trained(CONFIGS["batchnorm-dropout-adam"])
    reopened = _reopened(trainer)
    for mine, theirs in zip(reopened.network.layers[:-1], trainer.network.layers[:-1], strict=True):
        assert not np.array_equal(theirs.running_var, np.ones_like(theirs.running_var))
        np.testing.assert_array_equal(mine.running_mean, theirs.running_mean)
        np.testing.assert_array_equal(mine.running_var, theirs.running_var)


@pytest.mark.parametrize("config", [CONFIGS["defaults"], CONFIGS["batchnorm-dropout-adam"]])
def test_with_the_kernels_the_output_map_agrees_to_a_millionth(config):
    trainer = _trained(config, kernels=True)
    reopened = _reopened(trainer, kernels=True)
    assert reopened.path == trainer.path
    np.testing.assert_array_equal(reopened.network.params, trainer.network.params)
    np.testing.assert_allclose(
        reopened.snapshot(100).output, trainer.snapshot(100).output, rtol=0, atol=1e-6
    )
    numpy_path = build_trainer(parse_model_json(model_json(trainer)), kernels=False)
    np.testing.assert_allclose(
        numpy_path.snapshot(100).output, trainer.snapshot(100).output, rtol=0, atol=1e-6
    )


def test_custom_points_come_back_in_the_same_training_and_test_sets():
    X, y = generate("moons", 120, 0.1, np.random.default_rng(3))
    trainer = _trained({"dataset": "custom"}, data=(X, y))
    obj = export_model(trainer)
    np.testing.assert_array_equal(obj["data"]["points"], X)
    reopened = _reopened(trainer)
    np.testing.assert_array_equal(reopened.X_train, trainer.X_train)
    np.testing.assert_array_equal(reopened.y_test, trainer.y_test)
    np.testing.assert_array_equal(reopened.snapshot(50).output, trainer.snapshot(50).output)


def test_the_file_names_its_format_and_version_and_holds_the_whole_config(saved):
    assert saved["format"] == FORMAT
    assert saved["version"] == VERSION == 1
    assert saved["config"] == Trainer.from_config({}).config.model_dump()
    assert saved["epoch"] == 1
    assert "data" not in saved
    assert [sorted(layer) for layer in saved["layers"]] == [["W", "b"]] * 3
    assert np.shape(saved["layers"][0]["W"]) == (2, 4)  # rows: inputs, columns: neurons


def test_batch_norm_layers_carry_gamma_and_running_statistics():
    obj = _file({"hidden": [3], "batch_norm": True})
    assert sorted(obj["layers"][0]) == ["W", "b", "gamma", "running_mean", "running_var"]
    assert sorted(obj["layers"][1]) == ["W", "b"]  # the output neuron is not normalised


def test_the_json_text_is_plain_json():
    text = model_json(_trained({}, epochs=1))
    assert json.loads(text) == json.loads(text, parse_constant=lambda name: pytest.fail(name))


def test_the_epoch_is_read_back_for_the_page_to_show():
    trainer = _trained({}, epochs=4)
    assert parse_model_json(model_json(trainer)).epoch == 4


def test_a_diverged_network_is_not_saved():
    trainer = Trainer.from_config({}, kernels=False)
    trainer.network.params[0] = np.nan
    with pytest.raises(InputError, match="diverged") as caught:
        export_model(trainer)
    assert caught.value.key == KEY


# --- files that are refused -------------------------------------------------------


@pytest.mark.parametrize("obj", [[], "model", None, 3])
def test_a_non_object_is_not_a_model_file(obj):
    assert "not a model file" in _error(obj).message


def test_another_format_is_refused(saved):
    error = _error({**saved, "format": "keras"})
    assert (error.key, error.message) == (
        KEY,
        "this is not an nn-playground model file (its format is 'keras')",
    )


def test_a_newer_version_says_to_update(saved):
    message = _error({**saved, "version": 2}).message
    assert message.startswith("this file was made by a newer version of nn-playground")
    assert "Update nn-playground" in message


@pytest.mark.parametrize("version", [0, "1", True, None, 1.0])
def test_an_unknown_version_is_refused(saved, version):
    assert "version" in _error({**saved, "version": version}).message


def test_a_missing_field_is_named(saved):
    obj = dict(saved)
    del obj["layers"]
    assert _error(obj).message.startswith("the file has no 'layers'")


def test_an_unknown_field_is_named(saved):
    assert "unknown field 'weights'" in _error({**saved, "weights": []}).message


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"hidden": [4, 20]}, "hidden", "each layer needs 1 … 16 neurons"),
        ({"noise": 2}, "noise", "Noise must be a number from 0 to 0.8 (you gave “2”)"),
        ({"activation": "swish"}, "activation", "must be one of"),
        ({"colour": "red"}, "colour", "there is no setting called colour"),
    ],
)
def test_a_hand_edited_config_error_keeps_its_key(saved, change, key, words):
    obj = copy.deepcopy(saved)
    obj["config"].update(change)
    error = _error(obj)
    assert error.key == key
    assert error.message.startswith("in the model file: ")
    assert words in error.message


def test_a_config_that_is_not_an_object_is_refused(saved):
    assert "config must be a JSON object" in _error({**saved, "config": [1]}).message


def test_weights_for_another_network_say_what_the_config_needs(saved):
    obj = copy.deepcopy(saved)
    obj["config"]["hidden"] = [4, 3]
    assert _error(obj).message == (
        "layer 2's W has 4×2 numbers; "
        "a network with 2 inputs (x1, x2) and hidden layers [4, 3] needs 4×3"
    )


def test_a_missing_layer_is_counted(saved):
    obj = copy.deepcopy(saved)
    obj["layers"].pop()
    assert _error(obj).message == (
        "the file has 2 layers; a network with 2 inputs (x1, x2) and hidden layers [4, 2] "
        "has 3 (one per hidden layer and the output)"
    )


def test_a_bias_of_the_wrong_length_is_named(saved):
    obj = copy.deepcopy(saved)
    obj["layers"][2]["b"] = [0.1, 0.2]
    assert _error(obj).message.startswith("layer 3's b has 2 numbers;")


@pytest.mark.parametrize(
    "value",
    [[[1, 2], [3]], [["a", 1, 2, 3], [1, 2, 3, 4]], [[None] * 4] * 2, [[True] * 4] * 2, "w"],
    ids=["ragged", "text", "null", "booleans", "string"],
)
def test_weights_that_are_not_numbers_are_refused(saved, value):
    obj = copy.deepcopy(saved)
    obj["layers"][0]["W"] = value
    assert _error(obj).message.startswith("layer 1's W must be a list of numbers")


def test_an_overflowing_number_is_refused(saved):
    text = json.dumps(saved).replace('"b": [0.', '"b": [1e999', 1)  # 1e9991… is infinite
    with pytest.raises(InputError, match="too large"):
        parse_model_json(text)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(saved, constant):
    text = json.dumps(saved).replace('"b": [0.', f'"b": [{constant}, 0.', 1)
    with pytest.raises(InputError, match=f"contains {constant}; every number must be finite"):
        parse_model_json(text)


def test_batch_norm_needs_its_fields_and_a_non_negative_variance():
    obj = _file({"hidden": [3], "batch_norm": True})
    broken = copy.deepcopy(obj)
    del broken["layers"][0]["running_var"]
    assert _error(broken).message.startswith("layer 1 has no 'running_var'")
    broken = copy.deepcopy(obj)
    broken["layers"][0]["running_var"][1] = -0.5
    assert "must not be negative" in _error(broken).message


def test_batch_norm_fields_without_batch_norm_are_refused(saved):
    obj = copy.deepcopy(saved)
    obj["layers"][0]["gamma"] = [1.0] * 4
    assert "unknown field 'gamma'" in _error(obj).message


def test_custom_data_is_needed_for_a_custom_dataset_and_refused_otherwise(saved):
    X, y = generate("xor", 40, 0.0, np.random.default_rng(0))
    custom = export_model(_trained({"dataset": "custom"}, epochs=1, data=(X, y)))
    without = {k: v for k, v in custom.items() if k != "data"}
    assert "needs its data" in _error(without).message
    assert "its dataset is 'circle'" in _error({**saved, "data": custom["data"]}).message


def test_custom_data_is_checked():
    X, y = generate("xor", 40, 0.0, np.random.default_rng(0))
    obj = export_model(_trained({"dataset": "custom"}, epochs=1, data=(X, y)))
    for change, words in [
        ({"labels": [0.5] * 40}, "+1 or -1"),
        ({"labels": [1.0] * 39}, "the data's labels has 39 numbers; 40 points needs 40"),
        ({"points": [[0.0, 0.0, 0.0]] * 40}, "40 points (x1, x2) needs 40×2"),
        ({"points": [[0.0, 0.0]] * 5001, "labels": [1.0] * 5001}, "at most 5,000"),
    ]:
        broken = copy.deepcopy(obj)
        broken["data"].update(change)
        assert words in _error(broken).message


def test_a_batch_larger_than_the_custom_training_set_is_refused_on_building():
    X, y = generate("xor", 40, 0.0, np.random.default_rng(0))
    obj = export_model(_trained({"dataset": "custom"}, epochs=1, data=(X, y)))
    obj["config"]["batch_size"] = 30
    with pytest.raises(InputError) as caught:
        build_trainer(import_model(obj), kernels=False)
    assert caught.value.key == "batch_size"


@pytest.mark.parametrize("epoch", [-1, 1.5, "3", True])
def test_a_bad_epoch_is_refused(saved, epoch):
    assert "epoch must be a whole number" in _error({**saved, "epoch": epoch}).message


def test_text_that_is_not_json_names_the_line():
    with pytest.raises(InputError, match=r"not valid JSON \(line 2: ") as caught:
        parse_model_json('{"format":\n nn-playground}')
    assert caught.value.key == KEY


def test_a_huge_file_fails_on_its_length():
    with pytest.raises(InputError, match="larger than 4 MiB"):
        parse_model_json(" " * (50 << 20))


def test_deeply_nested_lists_are_refused():
    with pytest.raises(InputError, match="nest too deeply"):
        parse_model_json("[" * 200_000 + "]" * 200_000)
