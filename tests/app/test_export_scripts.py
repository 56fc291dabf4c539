"""Scripts a model downloads as (app/export_scripts.py): each one, run on its own in a
fresh Python, computes the engine's output map."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app import numpy_script, torch_script
from app.export_scripts import SCRIPTS, get_script, render_script
from app.model_file import ModelFile, capture, import_model, to_json_dict
from engine import Trainer
from engine.activations import ACTIVATIONS, MULTICLASS_OUTPUTS
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
    # Softmax over four outputs: predict gives (n, 4) probabilities, classify the index.
    "four-class-spiral": {
        "dataset": "spiral_k",
        "classes": 4,
        "loss": "cross_entropy",
        "hidden": [6, 6],
        "activation": "relu",
    },
}


def _model(config: dict) -> tuple[ModelFile, np.ndarray]:
    """A model trained for two epochs, and the engine's output map of it: (G, G), or
    (K, G, G) class probabilities for K classes."""
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
    if hasattr(module, "classify"):
        outputs[name + "/classify"] = np.asarray(module.classify(points), dtype=float)
np.savez(sys.argv[3], **outputs)
"""


def _run_scripts(script: str, tmp: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every config's script, run in ONE fresh interpreter: (its outputs, the engine's),
    the outputs shaped as the engine's map; and ``NAME/classify``, where the script
    has it, with the engine's class labels (classification only)."""
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
        runs = {name: (as_map(out[name]), expected[name]) for name in CONFIGS}
        for name, config in CONFIGS.items():
            if f"{name}/classify" in out:
                labels = labels_of(Trainer.from_config(config), expected[name])
                runs[f"{name}/classify"] = (out[f"{name}/classify"].reshape(labels.shape), labels)
        return runs


def as_map(outputs: np.ndarray) -> np.ndarray:
    """predict's rows over the grid, as the engine's map: (G, G), or (K, G, G)."""
    if outputs.ndim == 1:
        return outputs.reshape(RESOLUTION, RESOLUTION)
    return outputs.T.reshape(-1, RESOLUTION, RESOLUTION)


def labels_of(trainer: Trainer, output_map: np.ndarray) -> np.ndarray:
    """The engine's class labels of a map, by its output's decision rule."""
    if output_map.ndim == 3:  # (K, G, G): the decision rule wants (n, K)
        return trainer.predict_labels(output_map.reshape(len(output_map), -1).T)
    return trainer.predict_labels(output_map.ravel())


@pytest.fixture(scope="module")
def numpy_outputs(tmp_path_factory):
    return _run_scripts("numpy", tmp_path_factory.mktemp("numpy"))


@pytest.mark.parametrize("name", CONFIGS)
def test_the_numpy_script_computes_the_engines_output_map(numpy_outputs, name):
    outputs, expected = numpy_outputs[name]
    np.testing.assert_allclose(outputs, expected, rtol=0, atol=1e-12)


CLASSIFIERS = [name for name, c in CONFIGS.items() if c.get("problem") != "regression"]


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_the_numpy_script_classifies_as_the_engine_does(numpy_outputs, name):
    classes, expected = numpy_outputs[f"{name}/classify"]
    # Points exactly at the threshold or at a tie may round either way; none are here.
    assert (classes == expected).mean() == 1.0


@pytest.fixture(scope="module")
def torch_outputs(tmp_path_factory):
    pytest.importorskip("torch")
    return _run_scripts("pytorch", tmp_path_factory.mktemp("torch"))


@pytest.mark.parametrize("name", CONFIGS)
def test_the_pytorch_script_computes_the_engines_output_map(torch_outputs, name):
    outputs, expected = torch_outputs[name]
    np.testing.assert_allclose(outputs, expected, rtol=0, atol=1e-6)


def _demo_lines(config: str, folder) -> list[str]:
    """What the NumPy script of the config's model prints, run as a program."""
    model, _ = _model(CONFIGS[config])
    path = folder / "model.py"
    path.write_text(render_script("numpy", model))
    result = subprocess.run(
        [sys.executable, path], capture_output=True, text=True, check=True, cwd=folder
    )
    return result.stdout.splitlines()


def test_the_numpy_script_runs_as_a_program(tmp_path):
    lines = _demo_lines("relu-sigmoid-squares", tmp_path)
    assert len(lines) == 4
    assert lines[0].startswith("(  0.0,   0.0) -> ")
    assert all(line.endswith(("class +1", "class -1")) for line in lines)


def test_a_four_class_numpy_script_prints_each_points_class(tmp_path):
    lines = _demo_lines("four-class-spiral", tmp_path)
    assert len(lines) == 4
    assert all(re.search(r"-> class [0-3] \(\d+\.\d% sure\)$", line) for line in lines), lines


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
    every = ACTIVATIONS.keys() | MULTICLASS_OUTPUTS.keys()
    assert numpy_script.ACTIVATION_CODE.keys() == every
    assert torch_script.ACTIVATION_MODULES.keys() == every


def test_the_registry_names_files_and_refuses_unknown_scripts():
    assert get_script("numpy").filename == "nn_playground_numpy.py"
    assert get_script("pytorch").filename == "nn_playground_pytorch.py"
    with pytest.raises(ValueError, match="unknown script 'matlab'"):
        get_script("matlab")
