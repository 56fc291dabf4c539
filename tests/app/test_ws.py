"""The training stream over a websocket: first frame, every control message,
live and rebuilding config changes, editing the network."""

import numpy as np
import pytest

from engine import Trainer

GRID, TILE = 48, 20


# --- the first frame -----------------------------------------------------------


def test_first_frame_arrives_paused_with_config_data_and_feature_maps(connect):
    frame = connect().frame()
    header = frame.header
    assert header["type"] == "frame" and header["frame"] == 1
    assert header["reset"] is True and header["playing"] is False
    assert header["state"] == "ready" and header["epoch"] == 0 and header["step"] == 0
    assert header["config"]["dataset"] == "circle" and header["config"]["hidden"] == [4, 2]
    assert header["train_loss"] is None and header["test_accuracy"] is None
    assert header["history"] == {
        "epoch": [],
        "train_loss": [],
        "test_loss": [],
        "train_accuracy": [],
        "test_accuracy": [],
    }
    shapes = {e["name"]: tuple(e["shape"]) for e in header["arrays"]}
    assert shapes == {
        "output": (GRID, GRID),
        "neurons": (6, TILE, TILE),
        "features": (2, TILE, TILE),
        "train_points": (250, 2),
        "test_points": (250, 2),
        "train_labels": (250,),
        "test_labels": (250,),
        "representation_points": (500, 2),
        "representation_output": (GRID, GRID),
    }


def test_first_frame_matches_an_engine_trainer_built_from_the_same_query(connect):
    frame = connect("dataset=spiral&hidden=3&seed=7&features=x1,x2,r").frame()
    trainer = Trainer.from_config({"dataset": "spiral", "hidden": [3], "seed": 7,
                                   "features": ["x1", "x2", "r"]})  # fmt: skip
    np.testing.assert_allclose(frame.raw["train_points"], trainer.X_train, rtol=1e-6)
    np.testing.assert_array_equal(frame.raw["test_labels"], trainer.y_test)
    network = frame.header["network"]
    assert network["sizes"] == [3, 3, 1] and network["features"] == ["x1", "x2", "r"]
    np.testing.assert_allclose(network["weights"][0], trainer.network.layers[0].W, atol=1e-4)
    np.testing.assert_allclose(network["biases"][1], trainer.network.layers[1].b, atol=1e-4)
    # The decoded maps are the engine's maps, up to the 64-shade quantisation.
    maps = trainer.maps(GRID, TILE)
    np.testing.assert_allclose(frame.values["output"], maps.output, atol=2 / 63)
    neurons = np.concatenate(maps.neurons)
    span = np.ptp(neurons, axis=(1, 2))[:, None, None]
    assert np.all(np.abs(frame.values["neurons"] - neurons) <= span / 63 + 1e-4)
    assert frame.raw["features"].shape == (3, TILE, TILE)
    np.testing.assert_allclose(frame.values["features"], maps.features, atol=0.2)


def test_maps_are_rows_along_x2_and_columns_along_x1(connect):
    frame = connect().frame()
    x1_map, x2_map = frame.values["features"]
    assert np.all(np.diff(x1_map, axis=1) > 0) and np.allclose(np.diff(x1_map, axis=0), 0)
    assert np.all(np.diff(x2_map, axis=0) > 0) and np.allclose(np.diff(x2_map, axis=1), 0)
    assert x1_map.min() == pytest.approx(-6, abs=0.1) and x1_map.max() == pytest.approx(6, abs=0.1)


def test_sigmoid_output_is_sent_over_zero_to_one(connect):
    frame = connect("loss=cross_entropy").frame()
    assert frame.header["output_range"] == [0.0, 1.0]
    entry = next(e for e in frame.header["arrays"] if e["name"] == "output")
    assert entry["range"] == [0.0, 1.0]
    assert frame.values["output"].min() >= 0 and frame.values["output"].max() <= 1


def test_a_network_without_hidden_layers_sends_no_neuron_maps(connect):
    frame = connect("hidden=").frame()
    assert frame.header["network"]["sizes"] == [2, 1]
    assert "neurons" not in frame.raw


@pytest.mark.parametrize(
    ("query", "slot"),
    [("learning_rate=50&dataset=spiral", "learning_rate"), ("dataset=custom", "dataset")],
)
def test_an_invalid_query_falls_back_to_the_defaults_and_says_why(connect, query, slot):
    tab = connect(query)
    assert f'id="error-{slot}"' in tab.text()
    assert tab.frame().header["config"]["dataset"] == "circle"


# --- play, pause, step, speed ------------------------------------------------------


def test_play_streams_training_frames_with_the_new_history_only(tab):
    tab.send("play")
    frames = [tab.frame() for _ in range(3)]
    epochs = [f.header["epoch"] for f in frames]
    assert epochs == sorted(epochs) and epochs[-1] >= 2
    assert all(f.header["playing"] and not f.header["reset"] for f in frames)
    seen = [e for f in frames for e in f.header["history"]["epoch"]]
    assert seen == list(range(1, epochs[-1] + 1))
    assert all(isinstance(f.header["train_loss"], float) for f in frames if f.header["epoch"])
    assert "train_points" not in frames[-1].raw and "config" not in frames[-1].header


def test_pause_stops_training_frames(tab):
    tab.send("play")
    tab.frame()
    tab.send("pause")
    while tab.frame().header["playing"]:
        pass
    epoch = tab.roundtrip("view", pair=["x1", "x2"]).header["epoch"]
    assert tab.roundtrip("view", pair=["x1", "x2"]).header["epoch"] == epoch


def test_step_batch_trains_one_mini_batch_and_pauses(tab):
    tab.send("play")
    tab.frame()
    frame = tab.roundtrip("step", unit="batch")
    while frame.header["playing"]:
        frame = tab.frame()
    before = frame.header["step"]
    frame = tab.roundtrip("step", unit="batch")
    assert frame.header["step"] == before + 1 and frame.header["playing"] is False
    assert frame.header["train_loss"] is not None  # the scores follow the network as drawn


def test_step_epoch_finishes_the_current_pass(tab):
    tab.roundtrip("step", unit="batch")
    frame = tab.roundtrip("step", unit="epoch")
    assert frame.header["epoch"] == 1 and frame.header["step"] == 25  # 250 points / 10
    assert frame.header["history"]["epoch"] == [1]


def test_speed_sets_epochs_per_frame(tab):
    tab.send("speed", epochs_per_frame="5")
    tab.send("play")
    first = tab.frame().header["epoch"]
    assert tab.frame().header["epoch"] == first + 5


def test_a_fractional_speed_trains_that_share_of_an_epoch(tab):
    tab.send("speed", epochs_per_frame=0.2)
    tab.send("play")
    steps = [tab.frame().header["step"] for _ in range(3)]
    assert np.diff(steps).tolist() == [5, 5]  # 0.2 × 25 mini-batches


# --- reset, regenerate, config --------------------------------------------------


def test_reset_restores_the_initial_weights_and_clears_the_history(tab):
    initial = tab.first.header["network"]["weights"]
    tab.roundtrip("step", unit="epoch")
    frame = tab.roundtrip("reset")
    assert frame.header["reset"] is True and frame.header["epoch"] == 0
    assert frame.header["network"]["weights"] == initial
    assert frame.header["history"]["epoch"] == []
    assert "train_points" not in frame.raw  # same data: no need to resend it


def test_regenerate_draws_new_data_from_the_next_seed(tab):
    frame = tab.roundtrip("regenerate")
    assert frame.header["config"]["seed"] == 2 and frame.header["reset"] is True
    assert not np.array_equal(frame.raw["train_points"], tab.first.raw["train_points"])
    expected = Trainer.from_config({"seed": 2})
    np.testing.assert_allclose(frame.raw["train_points"], expected.X_train, rtol=1e-6)


@pytest.mark.parametrize(
    ("change", "value"),
    [("learning_rate", "0.1"), ("batch_size", "5"), ("regularization", "l2"),
     ("regularization_rate", "0.01"), ("dropout", "0.3"), ("optimizer", "adam")],
)  # fmt: skip
def test_live_config_keys_keep_the_training_so_far(tab, change, value):
    trained = tab.roundtrip("step", unit="epoch")
    frame = tab.roundtrip("config", **{change: value})
    assert frame.header["reset"] is False
    assert frame.header["epoch"] == 1 and frame.header["step"] == trained.header["step"]
    assert frame.header["network"]["weights"] == trained.header["network"]["weights"]
    assert str(frame.header["config"][change]) == value


@pytest.mark.parametrize(
    ("changes", "sizes"),
    [({"hidden": "8,8"}, [2, 8, 8, 1]), ({"hidden": [3]}, [2, 3, 1]),
     ({"features": "x1,x2,r"}, [3, 4, 2, 1]), ({"activation": "relu"}, [2, 4, 2, 1]),
     ({"dataset": "xor"}, [2, 4, 2, 1]), ({"noise": "0.2"}, [2, 4, 2, 1])],
)  # fmt: skip
def test_shape_and_data_keys_rebuild_and_reset(tab, changes, sizes):
    tab.roundtrip("step", unit="epoch")
    frame = tab.roundtrip("config", **changes)
    assert frame.header["reset"] is True and frame.header["epoch"] == 0
    assert frame.header["history"]["epoch"] == []
    assert frame.header["network"]["sizes"] == sizes
    # Points (and the feature maps that go with them) follow the data and the inputs.
    resent = bool({"dataset", "noise", "features"} & set(changes))
    assert ("train_points" in frame.raw) == ("features" in frame.raw) == resent


def test_changing_the_problem_type_switches_the_scores_and_the_output(tab):
    frame = tab.roundtrip("config", problem="regression", dataset="plane")
    header = frame.header
    assert header["problem"] == "regression" and "train_accuracy" not in header
    assert header["config"]["output"] is None and frame.raw["train_points"].shape == (600, 2)


def test_dropout_frames_say_which_neurons_the_last_step_dropped(tab):
    tab.roundtrip("config", dropout="0.5")
    dropped = tab.roundtrip("step", unit="batch").header["dropped"]
    assert [len(layer) for layer in dropped] == [4, 2]
    assert all(isinstance(d, bool) for layer in dropped for d in layer)


# --- editing the network, the representation view ---------------------------------


def test_set_weight_and_set_bias_change_the_network_and_its_maps(tab):
    frame = tab.roundtrip("set_weight", layer=2, source=1, target=0, value="2.5")
    assert frame.header["network"]["weights"][2][1][0] == 2.5
    assert frame.header["train_loss"] is not None  # measured on the edited network
    frame = tab.roundtrip("set_bias", layer=2, neuron=0, value=-3)
    assert frame.header["network"]["biases"][2] == [-3.0]
    assert not np.array_equal(frame.raw["output"], tab.first.raw["output"])


def test_view_sends_the_points_in_the_chosen_features(tab):
    frame = tab.roundtrip("view", pair="r,theta")
    rep = frame.header["representation"]
    assert rep["pair"] == ["r", "theta"] and rep["plane"] is False
    assert rep["y_range"] == pytest.approx([-np.pi, np.pi], abs=0.05)
    radius = np.hypot(*tab.first.raw["train_points"].T)
    np.testing.assert_allclose(frame.raw["representation_points"][:250, 0], radius, rtol=1e-5)
    assert "representation_output" not in frame.raw


def test_the_representation_plane_is_drawn_when_the_inputs_are_the_pair(connect):
    tab = connect("features=theta,x1,r")
    assert tab.frame().header["representation"]["pair"] == ["r", "theta"]  # the default
    tab = connect("features=theta,r")
    frame = tab.frame()
    rep = frame.header["representation"]
    assert rep["pair"] == ["r", "theta"] and rep["plane"] is True
    assert frame.raw["representation_output"].shape == (GRID, GRID)
    assert "representation_points" not in tab.roundtrip("step", unit="batch").raw


def test_the_built_in_lessons_are_opened_by_default(tab):
    frame = tab.roundtrip("open", lesson="overfitting", step=2)
    assert frame.header["config"]["dropout"] == 0.3 and frame.header["config"]["n_points"] == 100
    assert frame.header["reset"] is True and frame.header["playing"] is True


def test_the_socket_query_of_a_lesson_page_is_the_steps_config_and_its_changes(connect):
    header = connect("lesson=overfitting&step=2&learning_rate=0.01").frame().header
    assert header["config"]["dropout"] == 0.3 and header["config"]["n_points"] == 100
    assert header["config"]["learning_rate"] == 0.01
