"""The draw messages (app/session_data.py): clearing the points, the waiting state
while there are too few to train on, and drawing with K classes."""

import numpy as np
import pytest

from tests.app.conftest import Tab

MULTICLASS = "dataset=blobs&classes=3&loss=cross_entropy"


def points(frame) -> np.ndarray:
    return np.concatenate([frame.raw["train_points"], frame.raw["test_points"]])


def banners(tab: Tab) -> list[str]:
    """The banner fragments the tab got so far (each frame keeps the texts before it)."""
    return [text for text in tab.texts if 'id="banner"' in text]


MAX_FRAMES_IN_FLIGHT = 5  # play frames sent before the server read the message


@pytest.fixture
def cleared(connect) -> Tab:
    """A tab that played a little, then cleared its points; the frame that shows it
    (play frames already on their way come first)."""
    tab = connect()
    tab.frame()
    tab.send("play")
    tab.frame()
    tab.send("clear_points")
    for _ in range(MAX_FRAMES_IN_FLIGHT):
        tab.cleared = tab.frame()
        if tab.cleared.header["state"] == "waiting":
            return tab
    raise AssertionError("no frame showed the cleared points")


def test_clearing_waits_with_a_plain_words_banner_and_keeps_the_network(cleared):
    frame = cleared.cleared
    assert not frame.header["playing"] and frame.header["config"]["dataset"] == "custom"
    assert len(points(frame)) == 0
    assert frame.header["epoch"] >= 1  # the network and its history stay
    (banner,) = banners(cleared)
    assert "No points yet — click on the plot to add some (at least 2, of 2 classes)" in banner
    assert "banner-info" in banner


def test_play_is_refused_while_waiting_and_says_why_again(cleared):
    frame = cleared.roundtrip("play")
    assert frame.header["state"] == "waiting" and not frame.header["playing"]
    assert len(banners(cleared)) == 2


def test_points_drawn_after_a_clear_build_the_set_up_and_training_resumes(cleared):
    frame = cleared.roundtrip("add_point", x1=1, x2=1, label=1)
    assert frame.header["state"] == "waiting" and points(frame).tolist() == [[1, 1]]
    assert "1 point so far" in banners(cleared)[-1]
    frame = cleared.roundtrip("add_point", x1=2, x2=2, label=1)
    assert "of another class" in banners(cleared)[-1]
    frame = cleared.roundtrip("add_point", x1=-2, x2=-2, label=-1)
    assert len(points(frame)) == 3 and frame.header["state"] == "ready"
    assert banners(cleared)[-1].endswith("></div>")  # hidden
    assert frame.header["playing"]  # it played when the points were cleared
    epoch = frame.header["epoch"]
    assert cleared.frame().header["epoch"] > epoch  # and trains on the new points


def test_a_config_change_while_waiting_is_no_error(cleared):
    frame = cleared.roundtrip("config", hidden=[3], learning_rate=0.1)
    assert frame.header["state"] == "waiting" and frame.header["network"]["sizes"] == [2, 3, 1]
    errors = [t for t in cleared.texts if 'class="field-error"' in t and "></span>" not in t]
    assert errors == []


def test_removing_down_to_one_point_waits_and_removing_none_is_refused(client, connect):
    tab = connect()
    token = tab.frame().header["token"]
    client.post(f"/upload/{token}", content=b"1,2,a\n3,4,b\n")
    tab.frame()
    frame = tab.roundtrip("remove_point", x1=1, x2=2)
    assert frame.header["state"] == "waiting" and points(frame).tolist() == [[3, 4]]
    tab.roundtrip("remove_point", x1=0, x2=0)
    tab.send("remove_point", x1=0, x2=0)
    assert "there are no points to remove" in tab.text()


def test_clearing_one_tab_leaves_another_as_it_was(connect):
    first, second = connect(), connect()
    first.frame()
    second.frame()
    first.roundtrip("clear_points")
    frame = second.roundtrip("step")
    assert frame.header["state"] == "ready" and frame.header["epoch"] == 1
    assert "config" not in frame.header and "train_points" not in frame.raw  # as it was


def test_drawing_on_a_three_class_dataset_takes_class_indices(connect):
    tab = connect(MULTICLASS)
    tab.frame()
    frame = tab.roundtrip("add_point", x1=0.5, x2=0.5, label=2)
    config = frame.header["config"]
    assert (config["dataset"], config["classes"]) == ("custom", 3)
    assert frame.header["network"]["sizes"][-1] == 3 and len(frame.header["confusion"]) == 3
    assert 2.0 in frame.raw["train_labels"].tolist() + frame.raw["test_labels"].tolist()
    for label in (3, -1, 1.5):
        tab.send("add_point", x1=0, x2=0, label=label)
        assert "a class label is 0 … 2 (3 classes)" in tab.text()


def test_a_cleared_three_class_set_is_drawn_again_class_by_class(connect):
    tab = connect(MULTICLASS)
    tab.frame()
    tab.roundtrip("clear_points")
    for k in range(3):
        frame = tab.roundtrip("add_point", x1=k - 1, x2=k, label=k)
    assert frame.header["state"] == "ready" and frame.header["config"]["classes"] == 3
    frame = tab.roundtrip("step", unit="epoch")
    assert frame.header["epoch"] == 1 and np.array(frame.header["confusion"]).shape == (3, 3)


def test_the_step_through_and_hidden_space_say_in_plain_words_why_not_while_empty(cleared):
    cleared.send("stepper")
    assert "too few points to train on; draw some first" in cleared.text()
    cleared.send("hidden_view", layer=0)
    assert "the hidden space needs at least 2 points" in cleared.text()
