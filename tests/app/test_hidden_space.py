"""The hidden-space view and the highlighted batch over the websocket."""

import numpy as np

from engine import Trainer
from engine.hidden_space import hidden_space


def test_the_hidden_space_comes_with_every_frame_once_chosen(connect):
    tab = connect("dataset=spiral&hidden=6,2")
    first = tab.frame()
    assert "hidden_space" not in first.header
    frame = tab.roundtrip("hidden_view", layer=1, projection="neurons", neurons=[0, 1])
    view = frame.header["hidden_space"]
    assert view["exact"] and view["width"] == 2 and view["neurons"] == [0, 1]
    assert frame.raw["hidden_points"].shape == (500, 2)
    assert frame.raw["hidden_output"].shape == (40, 40) and view["output_range"] == [-1, 1]
    trainer = Trainer.from_config({"dataset": "spiral", "hidden": [6, 2]})
    inputs = np.concatenate([trainer.inputs_train, trainer.inputs_test])
    space = hidden_space(trainer.network, inputs, 1, "neurons", (0, 1))
    np.testing.assert_allclose(frame.raw["hidden_points"], space.points, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(frame.raw["hidden_output"], space.output, rtol=1e-5, atol=1e-6)
    tab.send("play")
    playing = [tab.frame() for _ in range(3)]
    assert all("hidden_space" in f.header for f in playing)
    assert not np.array_equal(playing[-1].raw["hidden_points"], frame.raw["hidden_points"])
    tab.send("pause")


def test_pca_of_a_wide_layer_and_switching_off(connect):
    tab = connect("dataset=spiral&hidden=6,3")
    tab.frame()
    view = tab.roundtrip("hidden_view", layer=0, projection="pca").header["hidden_space"]
    assert not view["exact"] and len(view["explained"]) == 2
    assert "hidden_space" not in tab.roundtrip("hidden_view", layer=None).header


def test_a_layer_the_network_lacks_is_refused_and_a_rebuild_switches_the_view_off(connect):
    tab = connect("dataset=spiral&hidden=4,2")
    tab.frame()
    tab.send("hidden_view", layer=5)
    error = tab.text()
    assert 'id="error-general"' in error and "2 hidden layers" in error
    tab.roundtrip("hidden_view", layer=1)
    assert tab.roundtrip("config", hidden=[3]).header["hidden_space"] is None
    assert "hidden_space" not in tab.roundtrip("view", pair=["x1", "x2"]).header


def test_show_batch_sends_the_last_trained_batch(connect):
    tab = connect("dataset=xor")
    tab.frame()
    assert tab.roundtrip("show_batch", on=True).header["batch"] == []
    frame = tab.roundtrip("step", unit="batch")
    trainer = Trainer.from_config({"dataset": "xor"})
    expected = trainer.next_batch().tolist()
    assert frame.header["batch"] == expected
    assert "batch" not in tab.roundtrip("show_batch", on=False).header
