"""Frames built for what a page already has: a stream's frames carry what changed,
and a page that joins late gets everything from the same moment."""

import pytest

from app.frame_builder import Moment, PageState, build_frame
from engine import Trainer

DATA = {"train_points", "test_points", "train_labels", "test_labels", "features"}


def moment(trainer: Trainer, number: int, run: int = 0) -> Moment:
    return Moment(trainer, number, playing=True, run=run, pair=["x1", "x2"], at_record=True)


def names(frame) -> set[str]:
    return {entry["name"] for entry in frame.header["arrays"]}


def test_a_stream_gets_what_changed_and_a_late_page_gets_everything(frame_reader):
    trainer = Trainer.from_config({"hidden": [3]})
    stream, follower = PageState(), frame_reader()
    follower(build_frame(moment(trainer, 1), stream, compress=True))
    for _ in range(3):
        trainer.epoch()
    now = moment(trainer, 2)
    delta = follower(build_frame(now, stream, compress=True))
    newcomer = frame_reader()
    late = newcomer(build_frame(now, PageState(), compress=True))
    assert delta.header["reset"] is False and late.header["reset"] is True
    assert delta.header["history"]["epoch"] == [1, 2, 3] == late.header["history"]["epoch"]
    assert "config" not in delta.header and late.header["config"]["hidden"] == [3]
    assert not DATA & names(delta) and names(late) >= DATA
    assert "representation_points" in names(late) - names(delta)
    assert delta.raw["output"].tobytes() == late.raw["output"].tobytes()
    # From there on the late page follows the stream: the next delta suits both.
    trainer.epoch()
    data = build_frame(moment(trainer, 3), stream, True)
    for page in (follower, newcomer):
        frame = page(data)
        assert frame.header["history"]["epoch"] == [4]
        assert frame.raw["neurons"].tobytes() == follower.maps["neurons"].tobytes()


def test_a_moment_computes_its_maps_once_for_any_number_of_pages(monkeypatch):
    trainer = Trainer.from_config({})
    calls = []
    maps = trainer.maps
    monkeypatch.setattr(trainer, "maps", lambda *a: calls.append(a) or maps(*a))
    now = moment(trainer, 1)
    for _ in range(3):
        build_frame(now, PageState(), compress=False)
    assert len(calls) == 1


@pytest.mark.parametrize(("changes", "resent"), [({"hidden": [8]}, False), ({"noise": 0.1}, True),
                                                 ({"features": ["x1", "r"]}, True)])  # fmt: skip
def test_the_data_is_resent_when_the_trainers_data_version_moves(frame_reader, changes, resent):
    trainer = Trainer.from_config({})
    page, read = PageState(), frame_reader()
    read(build_frame(moment(trainer, 1), page, compress=True))
    version = trainer.data_version
    trainer.configure(changes)
    frame = read(build_frame(moment(trainer, 2, run=1), page, compress=True))
    assert (trainer.data_version != version) == resent == bool(names(frame) >= DATA)
    assert frame.header["reset"] is True and "config" in frame.header


def deltas(frame) -> set[str]:
    return {entry["name"] for entry in frame.header["arrays"] if entry.get("delta")}


def test_maps_go_as_deltas_from_the_last_frame_and_decode_to_the_full_maps(frame_reader):
    trainer = Trainer.from_config({})
    stream, read = PageState(), frame_reader()
    first = read(build_frame(moment(trainer, 1), stream, compress=True))
    assert not deltas(first)
    for number in range(2, 5):
        trainer.epoch()
        now = moment(trainer, number)
        frame = read(build_frame(now, stream, compress=True))
        whole = frame_reader()(build_frame(now, PageState(), compress=True))
        assert deltas(frame) == {"output", "neurons", "representation_output"}
        for name in deltas(frame):
            assert frame.raw[name].tobytes() == whole.raw[name].tobytes(), name
        assert frame.size < whole.size / 2
    # The representation's output is the output's bytes: its delta is stored once too.
    offsets = {e["name"]: e["offset"] for e in frame.header["arrays"]}
    assert offsets["representation_output"] == offsets["output"]


@pytest.mark.parametrize("change", ["reset", "rebuild", "new data"])
def test_a_reset_or_new_data_sends_whole_maps(frame_reader, change):
    trainer = Trainer.from_config({})
    stream, read = PageState(), frame_reader()
    read(build_frame(moment(trainer, 1), stream, compress=True))
    trainer.epoch()
    read(build_frame(moment(trainer, 2), stream, compress=True))
    if change == "reset":
        trainer.reset()
    else:
        trainer.configure({"hidden": [5]} if change == "rebuild" else {"noise": 0.2})
    frame = read(build_frame(moment(trainer, 3, run=1), stream, compress=True))
    assert not deltas(frame) and frame.header["reset"] is True
    assert frame.raw["neurons"].shape[0] == (5 if change == "rebuild" else 6)


def test_a_map_that_comes_back_is_a_delta_from_the_last_frame_that_carried_it(frame_reader):
    trainer = Trainer.from_config({"features": ["x1", "x2", "r"]})
    stream, read = PageState(), frame_reader()
    views = [["x1", "r"], ["x1", "x2"], ["x2", "r"]]  # r and x1 alone: no plane
    for number, pair in enumerate([*views, ["x1", "x2", "r"][:2]], start=1):
        trainer.epoch()
        now = Moment(trainer, number, playing=True, run=0, pair=pair, at_record=True)
        frame = read(build_frame(now, stream, compress=True))
        whole = frame_reader()(build_frame(now, PageState(), compress=True))
        assert frame.raw["output"].tobytes() == whole.raw["output"].tobytes()


def test_a_history_thinned_since_the_last_frame_goes_whole(frame_reader):
    trainer = Trainer.from_config({"n_points": 20, "batch_size": 10, "hidden": [2]})
    trainer.history.limit = 6
    stream, page = PageState(), frame_reader()
    page(build_frame(moment(trainer, 1), stream, compress=True))
    for _ in range(6):
        trainer.epoch()
    delta = page(build_frame(moment(trainer, 2), stream, compress=True))
    assert delta.header["history_whole"] is False
    assert delta.header["history"]["epoch"] == [1, 2, 3, 4, 5, 6]
    trainer.epoch()  # the seventh record thins the history to every other one
    whole = page(build_frame(moment(trainer, 3), stream, compress=True))
    assert whole.header["reset"] is False and whole.header["history_whole"] is True
    assert whole.header["history"]["epoch"] == [1, 3, 5, 7]
    trainer.epoch()
    after = page(build_frame(moment(trainer, 4), stream, compress=True))
    assert after.header["history_whole"] is False and after.header["history"]["epoch"] == [8]


@pytest.mark.parametrize("classes", [3, 6])
def test_a_multiclass_frame_carries_the_classes_a_class_map_and_the_confusion(
    frame_reader, classes
):
    trainer = Trainer.from_config(
        {"dataset": "blobs", "classes": classes, "loss": "cross_entropy", "hidden": [4]}
    )
    trainer.epoch()
    frame = frame_reader()(build_frame(moment(trainer, 1), PageState(), compress=True))
    assert frame.header["classes"] == classes
    confusion = frame.header["confusion"]
    assert len(confusion) == classes and sum(map(sum, confusion)) == len(trainer.y_test)
    assert frame.header["network"]["sizes"][-1] == classes
    output = next(a for a in frame.header["arrays"] if a["name"] == "output")
    assert output["range"] == [0, classes]
    # The packed class map reads back as the argmax of the probabilities, even with
    # six classes to the 64 codes the server uses.
    values = frame.raw["output"].astype(float) / 255 * classes
    winners = trainer.maps(48, 20).output.argmax(axis=0)
    assert (values.astype(int) == winners).all()


def test_a_binary_frame_has_no_class_fields(frame_reader):
    frame = frame_reader()(build_frame(moment(Trainer.from_config({}), 1), PageState(), True))
    assert "classes" not in frame.header and "confusion" not in frame.header


def test_the_speed_goes_when_it_differs_from_the_pages(frame_reader):
    trainer, page, read = Trainer.from_config({"hidden": [3]}), PageState(speed=1.0), frame_reader()

    def at(number: int, speed: float) -> Moment:
        return Moment(trainer, number, True, 0, ["x1", "x2"], True, speed=speed)

    assert "epochs_per_frame" not in read(build_frame(at(1, 1.0), page, True)).header  # a tab's
    assert read(build_frame(at(2, 4.0), page, True)).header["epochs_per_frame"] == 4.0
    assert "epochs_per_frame" not in read(build_frame(at(3, 4.0), page, True)).header
    late = frame_reader()(build_frame(at(3, 4.0), PageState(), True))
    assert late.header["epochs_per_frame"] == 4.0  # a page that joins late hears it
    unknown = frame_reader()(build_frame(at(4, 1.0), PageState(), True))
    assert unknown.header["epochs_per_frame"] == 1.0  # ... even 1×: its menu may show another


def test_a_diverged_networks_weights_are_null_in_the_header_and_the_rest_rounded(frame_reader):
    trainer = Trainer.from_config({"hidden": [2]})
    layer = trainer.network.layers[0]
    layer.W[0, 0], layer.W[1, 1], layer.b[0] = float("nan"), float("inf"), 0.123456789
    frame = frame_reader()(build_frame(moment(trainer, 1), PageState(), compress=True))
    weights, biases = frame.header["network"]["weights"], frame.header["network"]["biases"]
    assert weights[0][0][0] is None and weights[0][1][1] is None
    assert biases[0][0] == 0.1235
    assert [len(w) for w in weights] == [2, 2] and [len(b) for b in biases] == [2, 1]
