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
    stream = PageState()
    build_frame(moment(trainer, 1), stream, compress=True)
    for _ in range(3):
        trainer.epoch()
    now = moment(trainer, 2)
    delta = frame_reader(build_frame(now, stream, compress=True))
    late = frame_reader(build_frame(now, PageState(), compress=True))
    assert delta.header["reset"] is False and late.header["reset"] is True
    assert delta.header["history"]["epoch"] == [1, 2, 3] == late.header["history"]["epoch"]
    assert "config" not in delta.header and late.header["config"]["hidden"] == [3]
    assert not DATA & names(delta) and names(late) >= DATA
    assert "representation_points" in names(late) - names(delta)
    assert delta.raw["output"].tobytes() == late.raw["output"].tobytes()
    # From there on the late page follows the stream: the next delta suits both.
    trainer.epoch()
    assert frame_reader(build_frame(moment(trainer, 3), stream, True)).header["history"][
        "epoch"
    ] == [4]


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
    page = PageState()
    build_frame(moment(trainer, 1), page, compress=True)
    version = trainer.data_version
    trainer.configure(changes)
    frame = frame_reader(build_frame(moment(trainer, 2, run=1), page, compress=True))
    assert (trainer.data_version != version) == resent == bool(names(frame) >= DATA)
    assert frame.header["reset"] is True and "config" in frame.header
