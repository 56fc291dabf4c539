"""Step-through over the websocket: one frame per stage, the engine's numbers in
the ``stepper`` header and arrays, the update trains the batch, and any
training message ends the mode."""

import numpy as np
import pytest

from engine import Trainer
from engine.stepthrough import STAGES


def _through(tab):
    return [tab.roundtrip("stepper", action="next") for _ in STAGES]


def test_each_stage_is_one_frame_carrying_its_numbers_and_the_ones_before(connect):
    tab = connect("dataset=xor&optimizer=momentum")
    tab.frame()
    frames = _through(tab)
    assert [f.header["stepper"]["stage"] for f in frames] == list(STAGES)
    assert all(f.header["stepper"]["step"] == 1 for f in frames)
    assert [f.header["step"] for f in frames] == [0, 0, 0, 0, 1]
    batch, forward, loss, backward, update = (f.header["stepper"] for f in frames)
    assert len(batch["batch"]) == 10 and "grads" not in batch
    assert frames[0].raw["stepper_inputs"].shape == (2, 10)
    # 4 + 2 hidden units and the output, one column per point of the batch.
    assert frames[1].raw["stepper_activation"].shape == (7, 10)
    assert loss["loss"]["name"] == "squared" and "stepper_loss" in frames[2].raw
    assert [np.shape(w) for w in backward["grads"]["weights"]] == [(2, 4), (4, 2), (2, 1)]
    assert frames[3].raw["stepper_delta"].shape == (7, 10)
    u = update["update"]
    assert u["optimizer"] == "momentum" and "velocity" in u["state_after"]
    # The engine, stepped the same way, has the same numbers.
    trainer = Trainer.from_config({"dataset": "xor", "optimizer": "momentum"})
    assert batch["batch"] == trainer.next_batch().tolist()
    trainer.step(numpy=True)
    np.testing.assert_allclose(u["after"]["weights"][0], trainer.network.layers[0].W, rtol=1e-5)
    np.testing.assert_allclose(
        frames[4].header["network"]["weights"][0], trainer.network.layers[0].W, atol=1e-4
    )
    np.testing.assert_allclose(
        backward["grads"]["weights"][0], trainer.network.layers[0].dW, rtol=1e-5
    )
    assert forward["output"] == pytest.approx(frames[1].raw["stepper_activation"][-1], rel=1e-5)


def test_the_next_click_after_an_update_starts_the_next_batch(connect):
    tab = connect("dataset=xor")
    tab.frame()
    _through(tab)
    frame = tab.roundtrip("stepper", action="next")
    assert frame.header["stepper"]["stage"] == "batch" and frame.header["stepper"]["step"] == 2


def test_dropout_masks_and_batch_norm_statistics_are_sent(connect):
    tab = connect("dataset=circle&dropout=0.5&batch_norm=true&hidden=3")
    tab.frame()
    frames = _through(tab)
    forward = frames[1]
    keep = forward.raw["stepper_keep"]
    assert keep.shape == (3, 10) and set(np.unique(keep)) <= {0.0, 1.0}
    passed, activation = forward.raw["stepper_passed"][:3], forward.raw["stepper_activation"][:3]
    np.testing.assert_allclose(passed, np.where(keep > 0, 2 * activation, 0), rtol=1e-6)
    stats = forward.header["stepper"]["batch_norm"]
    assert len(stats[0]["mean"]) == 3 and stats[1] is None
    assert "gammas" in frames[3].header["stepper"]["grads"]


@pytest.mark.parametrize("message", [("play", {}), ("reset", {}), ("config", {"noise": 0.1})])
def test_a_training_message_ends_the_step_through(connect, message):
    tab = connect("dataset=xor")
    tab.frame()
    tab.roundtrip("stepper", action="next")
    kind, fields = message
    assert "stepper" not in tab.roundtrip(kind, **fields).header


def test_exit_and_view_messages(connect):
    tab = connect("dataset=xor")
    tab.frame()
    tab.roundtrip("stepper")
    assert tab.roundtrip("view", pair=["x1", "x2"]).header["stepper"]["stage"] == "batch"
    frame = tab.roundtrip("stepper", action="exit")
    assert "stepper" not in frame.header and frame.header["step"] == 0
    assert not frame.header["playing"]
