"""The compiled kernels (engine/fast) against the NumPy specification.

Every test builds two trainers from one config, one on the kernels and one on
NumPy, and checks that they agree: weights after the same steps, losses,
dropout masks, batch-norm statistics and maps. The kernels compute in float32,
so agreement is to float tolerance, not bit for bit. Each branch of the
kernels (activation, loss and output, optimizer, penalty, dropout, batch norm,
small and large batches) is crossed with the others it could interact with.
"""

import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

from engine import Trainer, fast
from engine.activations import ACTIVATIONS, MULTICLASS_OUTPUTS, OUTPUT_ACTIVATIONS
from engine.fast import activations as fast_activations
from engine.fast import jit, training
from engine.fast.activations import tanh32
from engine.fast.codes import KernelRegistryError, kernel_codes
from engine.fast.layers import SMALL_BATCH
from engine.losses import LOSSES, MULTICLASS_LOSSES
from engine.optimizers import OPTIMIZERS
from engine.regularization import REGULARIZERS
from engine.weights import set_bias, set_weight

# float32 hidden layers, float64 parameters and optimizer: after a few epochs
# the two runs differ by ~1e-7 relative; these bounds leave room for chaos.
RTOL, ATOL = 2e-4, 2e-5
SMALL = {"dataset": "spiral", "n_points": 120, "hidden": [5, 3]}


def _pair(config: dict) -> tuple[Trainer, Trainer]:
    kernel = Trainer.from_config(config)
    numpy = Trainer.from_config(config, kernels=False)
    assert (kernel.path, numpy.path) == ("kernel", "numpy")
    return kernel, numpy


def _assert_agree(kernel: Trainer, numpy: Trainer) -> None:
    np.testing.assert_allclose(kernel.network.params, numpy.network.params, RTOL, ATOL)
    assert (kernel.step_count, kernel.epoch_count, kernel.state) == (
        numpy.step_count,
        numpy.epoch_count,
        numpy.state,
    )
    for ours, theirs in zip(kernel.history, numpy.history, strict=True):
        assert ours.epoch == theirs.epoch
        assert ours.train_loss == pytest.approx(theirs.train_loss, rel=RTOL, abs=ATOL)
        assert ours.test_loss == pytest.approx(theirs.test_loss, RTOL, ATOL, nan_ok=True)
        if theirs.train_accuracy is None:
            assert ours.train_accuracy is None
        else:  # a point right on the boundary may flip in float32
            assert ours.train_accuracy == pytest.approx(theirs.train_accuracy, abs=0.02)


def _train_both(config: dict, epochs: int = 3) -> tuple[Trainer, Trainer]:
    kernel, numpy = _pair(config)
    for _ in range(epochs):
        kernel.epoch()
        numpy.epoch()
    return kernel, numpy


# --- the float32 tanh -------------------------------------------------------------


def test_tanh32_is_within_four_ten_millionths_of_tanh_and_never_leaves_its_range():
    z = np.linspace(-30, 30, 600_001).astype(np.float32)
    ours = np.array([tanh32(v) for v in z[::50]], dtype=np.float64)
    exact = np.tanh(z[::50].astype(np.float64))
    assert np.abs(ours - exact).max() < 4e-7
    assert np.abs(ours).max() <= 1.0


def test_tanh_slope_is_within_six_ten_millionths_of_the_slope_absolute_not_relative():
    # Every 7th float32 step of 5e-5 in [-10, 10]: the documented bound
    # (engine/fast/activations.py), absolute. Relative to a saturated unit's
    # small slope the error is large, which engine/fast/__init__.py says.
    z = np.linspace(-10, 10, 400_001, dtype=np.float32)[::7]
    ours = np.array([fast_activations.tanh_slope(v) for v in z], dtype=np.float64)
    exact = 1.0 - np.tanh(z.astype(np.float64)) ** 2
    assert np.abs(ours - exact).max() <= 6e-7
    saturated = exact < 1e-4
    assert (np.abs(ours - exact)[saturated] / exact[saturated]).max() > 1e-2


# --- agreement with NumPy, branch by branch -----------------------------------------


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize(
    "extras",
    [{}, {"dropout": 0.3}, {"batch_norm": True}, {"dropout": 0.2, "batch_norm": True}],
    ids=["plain", "dropout", "batch_norm", "dropout+batch_norm"],
)
def test_every_activation_trains_like_numpy_with_dropout_and_batch_norm(activation, extras):
    kernel, numpy = _train_both({**SMALL, "activation": activation, **extras})
    _assert_agree(kernel, numpy)


# Every output activation with every loss it may meet (cross-entropy needs the
# sigmoid, engine/config.py), and a regression.
HEADS = {
    **{
        f"{output}-{loss}": {"output": output, "loss": loss}
        for output in OUTPUT_ACTIVATIONS
        for loss in LOSSES
        if loss != "cross_entropy" or output == "sigmoid"
    },
    "regression": {"problem": "regression", "dataset": "plane", "n_points": 120},
}


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("regularization", list(REGULARIZERS))
@pytest.mark.parametrize("head", list(HEADS))
def test_every_optimizer_penalty_and_loss_trains_like_numpy(optimizer, regularization, head):
    config = {
        **SMALL,
        "optimizer": optimizer,
        "learning_rate": 0.01,
        "regularization": regularization,
        "regularization_rate": 0.003,  # with "none", the rate must change nothing
        **HEADS[head],
    }
    kernel, numpy = _train_both(config)
    _assert_agree(kernel, numpy)
    if optimizer == "adam":
        assert kernel.optimizer.t == numpy.optimizer.t == kernel.step_count


@pytest.mark.parametrize(
    "batch_size", [1, SMALL_BATCH - 1, SMALL_BATCH, 13, 60], ids=lambda b: f"batch{b}"
)
def test_small_large_and_ragged_batches_train_like_numpy(batch_size):
    config = {**SMALL, "hidden": [6, 5, 4], "batch_size": batch_size}  # 60 training points
    kernel, numpy = _train_both(config, epochs=2)
    _assert_agree(kernel, numpy)


@pytest.mark.parametrize(
    "config",
    [
        {"hidden": []},
        {"hidden": [16] * 8, "activation": "relu"},
        {"features": ["x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2"], "hidden": [8]},
        {"layer_activations": ["sine", "elu"], "hidden": [4, 4, 3], "init": "xavier"},
    ],
    ids=["no-hidden-layer", "deepest-widest", "seven-features", "per-layer-activations"],
)
def test_network_shapes_train_like_numpy(config):
    kernel, numpy = _train_both({**SMALL, **config})
    _assert_agree(kernel, numpy)


# --- what the kernels leave behind ---------------------------------------------------


def test_dropout_masks_after_a_step_are_exactly_numpys():
    config = {**SMALL, "hidden": [7, 6], "dropout": 0.4, "batch_size": 9}
    kernel, numpy = _pair(config)
    for _ in range(5):  # mid-pass steps and a pass end
        kernel.step()
        numpy.step()
        for ours, theirs in zip(kernel.last_masks, numpy.last_masks, strict=True):
            np.testing.assert_array_equal(ours, theirs)
    kernel.epoch()
    numpy.epoch()
    for ours, theirs in zip(kernel.last_masks, numpy.last_masks, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_whole_set_batches_draw_dropout_masks_like_numpy_pass_after_pass():
    # A pass that is one batch draws no new order (Trainer._next_pass), so the
    # generator goes from one pass's masks straight to the next pass's.
    kernel, numpy = _train_both({**SMALL, "dropout": 0.3, "batch_size": 60}, epochs=4)
    _assert_agree(kernel, numpy)
    for ours, theirs in zip(kernel.last_masks, numpy.last_masks, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_dropout_masks_clear_after_a_step_without_dropout():
    kernel = Trainer.from_config({**SMALL, "dropout": 0.5})
    kernel.step()
    kernel.configure({"dropout": 0.0})
    kernel.step()
    assert kernel.last_masks == [None, None]


def test_batch_norm_running_statistics_live_in_the_layers_and_match_numpy():
    kernel, numpy = _train_both({**SMALL, "batch_norm": True}, epochs=2)
    for ours, theirs in zip(kernel.network.layers[:-1], numpy.network.layers[:-1], strict=True):
        assert ours.running_mean is not None
        np.testing.assert_allclose(ours.running_mean, theirs.running_mean, RTOL, ATOL)
        np.testing.assert_allclose(ours.running_var, theirs.running_var, RTOL, ATOL)


def test_batch_norm_statistics_reset_by_initialize_are_used():
    kernel, numpy = _train_both({**SMALL, "batch_norm": True}, epochs=2)
    rng = np.random.default_rng(7)
    kernel.network.initialize(rng)
    numpy.network.initialize(np.random.default_rng(7))
    assert kernel.evaluate().train_loss == pytest.approx(numpy.evaluate().train_loss, rel=RTOL)


def test_weights_edited_between_steps_are_what_the_next_step_uses():
    kernel, numpy = _train_both(SMALL, epochs=1)
    for trainer in (kernel, numpy):
        set_weight(trainer.network, layer=0, source=1, target=2, value=1.5)
        set_bias(trainer.network, layer=2, neuron=0, value=-0.25)
        trainer.network.params[0] = 0.75
    for _ in range(3):
        kernel.step()
        numpy.step()
    kernel.epoch()
    numpy.epoch()
    _assert_agree(kernel, numpy)


def test_live_changes_apply_to_the_kernels_like_to_numpy():
    kernel, numpy = _train_both(SMALL, epochs=1)
    changes = [
        {"learning_rate": 0.1},
        {"batch_size": 7},
        {"optimizer": "adam"},
        {"dropout": 0.25},
        {"regularization": "l2", "regularization_rate": 0.01},
        {"optimizer": "momentum", "dropout": 0.0},
    ]
    for change in changes:
        assert kernel.configure(change) is numpy.configure(change) is False
        kernel.step()
        numpy.step()
        kernel.epoch()
        numpy.epoch()
        _assert_agree(kernel, numpy)


def test_a_rebuild_binds_the_kernels_to_the_new_network():
    kernel, numpy = _train_both(SMALL, epochs=1)
    for trainer in (kernel, numpy):
        assert trainer.configure({"hidden": [4], "batch_norm": True}) is True
        trainer.epoch()
    assert kernel.kernels.network is kernel.network
    _assert_agree(kernel, numpy)


def test_early_stopping_restores_the_same_weights_on_both_paths():
    config = {"dataset": "gauss", "noise": 0.5, "learning_rate": 0.3, "early_stopping": 2}
    kernel, numpy = _pair(config)
    while kernel.state == "ready" and kernel.epoch_count < 200:
        kernel.epoch()
        numpy.epoch()
    assert kernel.state == numpy.state == "stopped"
    _assert_agree(kernel, numpy)


def test_divergence_is_a_state_on_the_kernels_too_without_warnings():
    config = {"dataset": "plane", "problem": "regression", "activation": "linear"}
    kernel = Trainer.from_config({**config, "learning_rate": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(20):
            kernel.epoch()
        kernel.maps(8, 4)
    assert kernel.state == "diverged"
    assert math.isnan(kernel.step().batch_loss)


MULTICLASS = {"dataset": "spiral_k", "classes": 4, "loss": "cross_entropy", "n_points": 120}


@pytest.mark.parametrize(
    "config",
    [
        {**MULTICLASS, "hidden": [5, 3]},
        {**MULTICLASS, "classes": 6, "dataset": "blobs", "hidden": [], "optimizer": "adam"},
        {**MULTICLASS, "hidden": [6], "dropout": 0.2, "batch_norm": True, "batch_size": 7},
    ],
    ids=["four-classes", "six-no-hidden-layer-adam", "dropout-batch_norm-ragged"],
)
def test_a_softmax_output_with_cross_entropy_trains_like_numpy(config):
    kernel, numpy = _train_both(config, epochs=4)
    _assert_agree(kernel, numpy)
    assert kernel.network.sizes[-1] == config["classes"]
    ours, theirs = kernel.maps(24, 10).output, numpy.maps(24, 10).output
    assert ours.shape == theirs.shape == (config["classes"], 24, 24)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize(
    "config",
    [SMALL, {**SMALL, "batch_norm": True, "activation": "gelu"}, {**SMALL, "hidden": []}],
    ids=["plain", "batch_norm-gelu", "no-hidden-layer"],
)
def test_maps_match_numpy_in_float32(config):
    kernel, numpy = _train_both(config, epochs=2)
    ours, theirs = kernel.maps(24, 10), numpy.maps(24, 10)
    assert ours.output.dtype == np.float32
    assert ours.output.shape == theirs.output.shape == (24, 24)
    np.testing.assert_allclose(ours.output, theirs.output, atol=1e-5)
    assert len(ours.neurons) == len(theirs.neurons)
    for mine, other in zip(ours.neurons, theirs.neurons, strict=True):
        assert mine.shape == other.shape
        np.testing.assert_allclose(mine, other, atol=1e-5)
    np.testing.assert_array_equal(ours.features, theirs.features)


def test_an_empty_test_set_scores_nan_on_both_paths():
    points, labels = [[1, 1], [-1, -1], [2, 2], [-2, -2]], [1, -1, 1, -1]
    config = {"dataset": "custom", "train_fraction": 0.9, "batch_size": 3}
    kernel = Trainer.from_config(config, data=(points, labels))
    numpy = Trainer.from_config(config, data=(points, labels), kernels=False)
    assert len(kernel.X_test) == 0
    for _ in range(3):
        kernel.epoch()
        numpy.epoch()
    _assert_agree(kernel, numpy)
    assert math.isnan(kernel.history[-1].test_loss)
    assert kernel.history[-1].test_accuracy is None


# --- coverage and fallback -------------------------------------------------------------


@pytest.mark.parametrize(
    ("registry", "kind"),
    [(ACTIVATIONS, "activation"), (LOSSES, "loss"), (REGULARIZERS, "regularization"),
     (OPTIMIZERS, "optimizer")],
    ids=lambda value: value if isinstance(value, str) else "",
)  # fmt: skip
def test_every_registered_entry_has_a_kernel_of_its_own(registry, kind):
    assert fast.UNAVAILABLE is None  # engine.fast imported, so every entry found its kernel
    codes = [entry.code for entry in registry.values()]
    assert len(set(codes)) == len(codes)
    assert kernel_codes(registry, kind, list(registry)) == codes


def test_multiclass_entries_have_kernels_whose_codes_no_binary_entry_uses():
    """The kernels branch on codes: softmax and its cross-entropy need their own."""
    for registry, binary, kind in [
        (MULTICLASS_OUTPUTS, ACTIVATIONS, "multi-class output"),
        (MULTICLASS_LOSSES, LOSSES, "multi-class loss"),
    ]:
        codes = kernel_codes(registry, kind, list(registry))
        assert not set(codes) & {entry.code for entry in binary.values()}


def test_a_registered_entry_without_a_kernel_stops_the_import_naming_it():
    registry = {**ACTIVATIONS, "swish": ACTIVATIONS["sine"]}
    with pytest.raises(KernelRegistryError, match="activation 'swish' is registered but has no"):
        kernel_codes(registry, "activation", list(ACTIVATIONS))
    with pytest.raises(KernelRegistryError, match="share a kernel code"):
        kernel_codes(registry, "activation", list(registry))


def test_importing_engine_fast_with_an_entry_without_a_kernel_fails_naming_it():
    # Not swallowed into "kernels unavailable": the registry and the kernels disagree.
    code = """
import sys
import engine.activations as registry
registry.ACTIVATIONS["swish"] = registry.Activation("swish", abs, abs, code=99)
for name in [name for name in sys.modules if name.startswith("engine.fast")]:
    del sys.modules[name]
import engine.fast
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode != 0
    assert "KernelRegistryError: the activation 'swish' is registered but has no" in done.stderr


def test_without_the_kernels_training_falls_back_to_numpy(monkeypatch):
    monkeypatch.setattr(fast, "Kernels", None)
    monkeypatch.setattr(fast, "UNAVAILABLE", "the kernels cannot be set up (no numba)")
    trainer = Trainer.from_config({**SMALL, "activation": "sine"})
    assert fast.unsupported(trainer.config) == "the kernels cannot be set up (no numba)"
    assert trainer.path == "numpy"
    assert trainer.epoch() is not None
    monkeypatch.undo()
    assert Trainer.from_config(SMALL).path == "kernel"


def test_a_trainer_made_while_the_kernels_compile_takes_them_at_its_next_step(monkeypatch):
    # warm_up() running in another thread, as a server's first seconds see it.
    warming, compiled = threading.Event(), threading.Event()
    warming.set()
    monkeypatch.setattr(fast, "_warming", warming)
    monkeypatch.setattr(fast, "_compiled", compiled)
    config = {**SMALL, "optimizer": "adam", "dropout": 0.2, "batch_norm": True, "batch_size": 7}
    late = Trainer.from_config(config)
    assert fast.unsupported(late.config) == "the kernels are still compiling (warm_up)"
    numpy = Trainer.from_config(config, kernels=False)
    for _ in range(5):  # NumPy trains, mid-pass, until the kernels are ready
        late.step()
        numpy.step()
    assert late.path == "numpy"
    np.testing.assert_array_equal(late.network.params, numpy.network.params)
    compiled.set()
    late.step()
    assert late.path == "kernel"
    numpy.step()
    for _ in range(3):
        late.epoch()
        numpy.epoch()
    # Weights, Adam's state, the dropout draws and the running statistics carried over.
    _assert_agree(late, numpy)
    for ours, theirs in zip(late.network.layers, numpy.network.layers, strict=True):
        if theirs.gamma is not None:
            np.testing.assert_allclose(ours.running_mean, theirs.running_mean, RTOL, ATOL)
            np.testing.assert_allclose(ours.running_var, theirs.running_var, RTOL, ATOL)
    np.testing.assert_array_equal(late.last_masks[0], numpy.last_masks[0])


def test_a_trainer_made_during_warm_up_ends_like_one_with_kernels_from_the_start(monkeypatch):
    warming = threading.Event()
    warming.set()
    monkeypatch.setattr(fast, "_warming", warming)
    monkeypatch.setattr(fast, "_compiled", threading.Event())
    late = Trainer.from_config(SMALL)
    assert late.path == "numpy"
    monkeypatch.undo()
    kernel = Trainer.from_config(SMALL)
    for _ in range(3):
        late.epoch()
        kernel.epoch()
    assert late.path == "kernel"
    _assert_agree(late, kernel)


def test_kernels_can_be_turned_off():
    assert Trainer.from_config(SMALL, kernels=False).kernels is None


def test_after_warm_up_no_config_makes_the_compiler_run_again():
    assert fast.warm_up() >= 0
    entries = (training.train_batches, training.measure_both, training.evaluate_units)
    compiled = [len(entry.overloads) for entry in entries]
    for config in [
        {},
        {"dropout": 0.2, "batch_norm": True, "optimizer": "adam", "batch_size": 1},
        {"dataset": "plane", "problem": "regression", "regularization": "l1"},
        {"loss": "cross_entropy", "optimizer": "rmsprop", "features": ["x1", "r"]},
        {"dataset": "spiral_k", "classes": 5, "loss": "cross_entropy"},
    ]:
        trainer = Trainer.from_config({**config, "regularization_rate": 0.01})
        trainer.step()
        trainer.epoch()
        trainer.maps(48, 20)
    assert [len(entry.overloads) for entry in entries] == compiled


# --- the compiled-code cache ------------------------------------------------------------


def test_the_cache_is_named_after_every_source_compiled_into_the_kernels(tmp_path, monkeypatch):
    # numba checks a cached kernel against its own file alone (engine/fast/jit.py).
    engine = tmp_path / "engine"
    shutil.copytree(jit.PACKAGE, engine / "fast", ignore=shutil.ignore_patterns("__pycache__"))
    for module in jit.PACKAGE.parent.glob("*.py"):
        shutil.copy(module, engine)
    monkeypatch.setattr(jit, "PACKAGE", engine / "fast")
    digests = [jit.sources_digest()]
    # a callee in another kernel module, then a module whose constants are compiled in
    for edited in (engine / "fast" / "layers.py", engine / "network.py"):
        edited.write_text(edited.read_text() + "\n# edited\n")
        digests.append(jit.sources_digest())
    (engine / "trainer.py").write_text("# not compiled into any kernel\n")
    assert len(set(digests)) == 3
    assert jit.sources_digest() == digests[-1]


def test_the_kernels_are_cached_under_the_digest_of_their_sources():
    assert jit.CACHE_DIR is not None
    assert Path(jit.CACHE_DIR).name == f"kernels-{jit.sources_digest()}"


# --- numerics (issue 9) -------------------------------------------------------------------


def test_batch_norm_on_one_example_passes_no_gradient_below_it_on_both_paths():
    # A batch of one normalises to exactly 0: the layer outputs only its shift, so
    # nothing below it may move. A rounding residual would, scaled up by RMSProp.
    config = {
        "dataset": "circle",
        "hidden": [4, 2],
        "batch_norm": True,
        "optimizer": "rmsprop",
        "learning_rate": 0.03,
        "seed": 3,
    }
    for trainer in _pair(config):
        for _ in range(2):
            trainer.epoch()
        trainer.configure({"batch_size": 1})
        hidden = trainer.network.layers[:-1]  # each normalises its weighted sum
        weights = [layer.W.copy() for layer in hidden]
        for _ in range(3):
            trainer.epoch()
        for layer, before in zip(hidden, weights, strict=True):
            np.testing.assert_array_equal(layer.W, before)


@pytest.mark.parametrize("z", [-30.0, -60.0, -700.0])
def test_a_confidently_wrong_point_keeps_learning_under_cross_entropy_on_both_paths(z):
    # Cross-entropy's gradient with respect to the sigmoid's pre-activation is
    # σ(z) − p: −1 for a +1 point however far z has saturated the other way.
    # One batch of two points at pre-activation z: the +1 point confidently wrong, the
    # -1 point confidently right (its loss and gradient are next to nothing).
    config = {"dataset": "custom", "loss": "cross_entropy", "hidden": [], "batch_size": 2}
    config |= {"train_fraction": 0.9, "learning_rate": 0.1}
    points, labels = [[1.0, 0.0], [-1.0, 0.0]], [1.0, -1.0]
    for trainer in (
        Trainer.from_config(config, data=(points, labels)),
        Trainer.from_config(config, data=(points, labels), kernels=False),
    ):
        network = trainer.network
        network.params[...] = 0.0
        network.layers[0].b[0] = z  # every point at pre-activation z
        result = trainer.step()
        assert result.batch_loss == pytest.approx(-z / 2, rel=1e-12)  # −log σ(z) → |z|
        assert network.layers[0].b[0] - z == pytest.approx(0.05, rel=1e-6)  # lr · 1 / 2


def _unwritable(tmp_path: Path) -> str:
    """A path no one can create directories under, root included: below a file."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return str(blocker / "cache")


def test_the_cache_goes_to_the_users_cache_directory_never_into_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(jit.numba.config, "CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = Path(jit._cache_dir()[0])
    assert cache == tmp_path / "xdg" / "nn-playground" / f"kernels-{jit.sources_digest()}"
    assert cache.is_dir()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Path(jit._cache_dir()[0]).parent == tmp_path / "home" / ".cache" / "nn-playground"
    assert jit.PACKAGE not in Path(jit.CACHE_DIR).parents


def test_numba_cache_dir_overrides_the_users_cache_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(jit.numba.config, "CACHE_DIR", str(tmp_path / "numba"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Path(jit._cache_dir()[0]).parent == tmp_path / "numba"


def test_with_nowhere_to_write_the_kernels_go_uncached_without_error(tmp_path, monkeypatch):
    # A read-only container: no writable cache directory and no temporary directory
    # (tempfile.gettempdir() raises FileNotFoundError there).
    def no_temporary_directory() -> str:
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.setattr(jit.numba.config, "CACHE_DIR", _unwritable(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", _unwritable(tmp_path))
    monkeypatch.setattr(jit.tempfile, "gettempdir", no_temporary_directory)
    assert jit._cache_dir() == (None, False)


# As a user who cannot write the cache: warm up, then call a kernel with a type
# warm_up never compiled (compiled now, and not saved); print the cache's figures.
READ_ONLY_RUN = """
import numba
from engine.fast import activations, jit, training, warm_up
warm_up()
hits = misses = 0
for module in (training, activations):
    for kernel in vars(module).values():
        if isinstance(kernel, numba.core.registry.CPUDispatcher):
            hits += sum(kernel.stats.cache_hits.values())
            misses += sum(kernel.stats.cache_misses.values())
assert abs(activations.tanh32(0.5) - 0.46211715726) < 1e-6  # a float64: a new signature
print(jit.CACHE_WRITABLE, hits, misses)
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root to run a process as another user (CI runs as root)",
)
def test_kernels_compiled_into_an_image_serve_a_user_who_cannot_write_them():
    # The Docker image compiles the kernels as root into NUMBA_CACHE_DIR; a container
    # run --read-only or with any --user must load them, not compile them again.
    cache = Path(tempfile.mkdtemp(prefix="nnp-kernels-"))  # not under pytest's 0700 tmp
    try:
        env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "HOME": "/nonexistent"}
        env.pop("XDG_CACHE_HOME", None)
        warm = [sys.executable, "-c", "from engine.fast import warm_up; warm_up()"]
        subprocess.run(warm, env=env, check=True, timeout=300)
        files = sorted(cache.rglob("*"))
        for path in [cache, *files]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        result = subprocess.run(
            [*nobody, sys.executable, "-c", READ_ONLY_RUN],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        writable, hits, misses = result.stdout.split()
        assert writable == "False" and int(hits) > 0 and int(misses) == 0, result.stdout
        assert sorted(cache.rglob("*")) == files  # nothing written
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def test_networks_sharing_a_threads_evaluation_buffer_each_get_their_own_maps():
    small = Trainer.from_config({"hidden": [2]})
    wide = Trainer.from_config({"hidden": [8, 8], "features": ["x1", "x2", "r"]})
    assert small.path == wide.path == "kernel"
    first = small.maps(48, 20)
    wide.maps(48, 20)  # more rows and the same points: it writes over the whole buffer
    again = small.maps(48, 20)
    np.testing.assert_array_equal(first.output, again.output)
    for mine, theirs in zip(first.neurons, again.neurons, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    reference = Trainer.from_config({"hidden": [2]}, kernels=False).maps(48, 20)
    np.testing.assert_allclose(again.output, reference.output, atol=1e-5)


@pytest.mark.parametrize("wide", [{"hidden": [8, 8], "dropout": 0.2}, {"batch_norm": True}])
def test_trainers_taking_turns_in_one_thread_train_as_each_would_alone(wide):
    alone = [Trainer.from_config({}), Trainer.from_config(wide)]
    for trainer in alone:
        for _ in range(3):
            trainer.epoch()
    turns = [Trainer.from_config({}), Trainer.from_config(wide)]
    for _ in range(3):
        for trainer in turns:  # each pass over the other's work in the thread's buffers
            trainer.epoch()
    for mine, theirs in zip(turns, alone, strict=True):
        assert mine.path == "kernel"
        np.testing.assert_array_equal(mine.network.params, theirs.network.params)
        assert [r.test_loss for r in mine.history] == [r.test_loss for r in theirs.history]
