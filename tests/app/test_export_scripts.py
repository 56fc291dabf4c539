"""Scripts a model downloads as (app/export_scripts.py): each one, run on its own in a
fresh Python, computes the engine's output map."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app import numpy_script, torch_script
from app.export_scripts import SCRIPTS, get_script, render_script
from app.model_file import ModelFile, capture, import_model, to_json_dict
from engine import InputError, Trainer
from engine.activations import ACTIVATIONS
from engine.features import FEATURES
from engine.grid import grid_points

RESOLUTION = 100
CONFIGS = {
    # Eight hidden layers, one per activation, and every input feature.
    "every-activation-and-feature": {
        "hidden": [3] * len(ACTIVATIONS),
        "layer_activations": list(ACTIVATIONS),
        "features": list(FEATURES),
        "learning_rate": 0.01,
    },
    "relu-sigmoid-squares": {
        "dataset": "xor",
        "activation": "relu",
        "output": "sigmoid",
        "loss": "cross_entropy",
        "features": ["x1", "x2", "x1^2", "x2^2", "x1x2"],
    },
    "batch-norm-dropout-polar": {
        "dataset": "spiral",
        "hidden": [6, 3],
        "batch_norm": True,
        "dropout": 0.3,
        "optimizer": "adam",
        "features": ["sin_x1", "sin_x2", "r", "theta", "sin_theta", "cos_theta"],
    },
    "no-hidden-layers": {"dataset": "circle", "hidden": [], "features": ["r"]},
    "regression-linear-output": {
        "dataset": "multi-gauss",
        "problem": "regression",
        "activation": "gelu",
        "hidden": [5, 4],
    },
}


def _model(config: dict) -> tuple[ModelFile, np.ndarray]:
    """A model trained for two epochs, and the engine's output map of it."""
    trainer = Trainer.from_config(config, kernels=False)
    trainer.epoch()
    trainer.epoch()
    return capture(trainer), trainer.snapshot(RESOLUTION).output


# Loads each script as a module by path and saves predict() on the grid.
RUNNER = """
import importlib.util, json, sys
import numpy as np
points = np.load(sys.argv[1])
outputs = {}
for name, path in json.loads(sys.argv[2]).items():
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outputs[name] = np.asarray(module.predict(points), dtype=float)
np.savez(sys.argv[3], **outputs)
"""


def _run_scripts(script: str, tmp: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every config's script, run in ONE fresh interpreter: (its outputs, the engine's)."""
    paths, expected = {}, {}
    for name, config in CONFIGS.items():
        model, expected[name] = _model(config)
        path = tmp / f"{name.replace('-', '_')}.py"
        path.write_text(render_script(script, model))
        paths[name] = str(path)
    np.save(tmp / "points.npy", grid_points(RESOLUTION))
    subprocess.run(
        [sys.executable, "-c", RUNNER, tmp / "points.npy", json.dumps(paths), tmp / "out.npz"],
        check=True,
        cwd=tmp,  # nothing of the project on the path: the scripts stand alone
        timeout=120,
    )
    with np.load(tmp / "out.npz") as out:
        return {name: (out[name], expected[name]) for name in CONFIGS}


@pytest.fixture(scope="module")
def numpy_outputs(tmp_path_factory):
    return _run_scripts("numpy", tmp_path_factory.mktemp("numpy"))


@pytest.mark.parametrize("name", CONFIGS)
def test_the_numpy_script_computes_the_engines_output_map(numpy_outputs, name):
    outputs, expected = numpy_outputs[name]
    np.testing.assert_allclose(
        outputs.reshape(RESOLUTION, RESOLUTION), expected, rtol=0, atol=1e-12
    )


@pytest.fixture(scope="module")
def torch_outputs(tmp_path_factory):
    pytest.importorskip("torch")
    return _run_scripts("pytorch", tmp_path_factory.mktemp("torch"))


@pytest.mark.parametrize("name", CONFIGS)
def test_the_pytorch_script_computes_the_engines_output_map(torch_outputs, name):
    outputs, expected = torch_outputs[name]
    np.testing.assert_allclose(outputs.reshape(RESOLUTION, RESOLUTION), expected, rtol=0, atol=1e-6)


def test_the_numpy_script_runs_as_a_program(tmp_path):
    model, _ = _model(CONFIGS["relu-sigmoid-squares"])
    path = tmp_path / "model.py"
    path.write_text(render_script("numpy", model))
    result = subprocess.run(
        [sys.executable, path], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("(  0.0,   0.0) -> ")
    assert all(line.endswith(("class +1", "class -1")) for line in lines)


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("name", CONFIGS)
def test_scripts_are_valid_python_importing_only_their_library(script, name):
    model, _ = _model(CONFIGS[name])
    tree = ast.parse(render_script(script, model))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert imported == {"numpy": {"numpy"}, "pytorch": {"torch"}}[script]


def test_a_script_renders_from_an_opened_model_file_too():
    model, _ = _model(CONFIGS["no-hidden-layers"])
    reopened = import_model(json.loads(json.dumps(to_json_dict(model))))
    assert render_script("numpy", reopened) == render_script("numpy", model)


def test_the_weights_are_written_exactly():
    model, _ = _model(CONFIGS["batch-norm-dropout-polar"])
    text = render_script("numpy", model)
    for layer in model.layers:
        for value in layer.W.ravel():
            assert repr(float(value)) in text


def test_every_feature_and_activation_can_be_written():
    for module in (numpy_script, torch_script):
        assert module.FEATURE_CODE.keys() == FEATURES.keys()
    assert numpy_script.ACTIVATION_CODE.keys() == ACTIVATIONS.keys()
    assert torch_script.ACTIVATION_MODULES.keys() == ACTIVATIONS.keys()


def test_the_registry_names_files_and_refuses_unknown_scripts():
    assert get_script("numpy").filename == "nn_playground_numpy.py"
    assert get_script("pytorch").filename == "nn_playground_pytorch.py"
    with pytest.raises(ValueError, match="unknown script 'matlab'"):
        get_script("matlab")


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_multiclass_model_is_refused_naming_the_classes_key(script):
    trainer = Trainer.from_config({"dataset": "blobs", "classes": 3, "loss": "cross_entropy"})
    with pytest.raises(InputError) as error:
        render_script(script, capture(trainer))
    assert error.value.key == "classes"
    assert "set classes to 2" in error.value.message
