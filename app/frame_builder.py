"""A frame for a page, holding only what that page does not have yet.

``PageState`` is what a page has been sent: the data (by the trainer's data
version), the representation pair, the config, and how much of which run's
history. Whoever sends frames keeps one per stream: one per tab today; for a
room, one for the lecturer's stream, whose frames are built once and sent to
every follower. A page that joins late starts from ``PageState()``, so its
first frame carries everything (data, the whole history, the config) and it
can follow the stream's frames from there. ``Moment`` is what a frame shows;
its maps are computed once however many frames are built from it.

Maps go as deltas from the codes the page has (``PageState.maps``), since the
pump sends a frame only once the page has acked the last: what a stream's
last frame carried is what every page following it has.
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from app import frame_content as content
from app.frame_extras import Extra
from app.frames import FrameArray, FrameStream, delta, encode_frame
from engine.config import ExperimentConfig
from engine.snapshot import Snapshot
from engine.trainer import EpochRecord, Trainer

OUTPUT_RESOLUTION = 48  # the decision boundary: smooth enough once Plotly interpolates
NEURON_RESOLUTION = 20  # neuron and feature tiles are small on screen


@dataclass
class PageState:
    """What a page has been sent; a new page's is empty."""

    run: int | None = None  # the training run its history belongs to
    history: int = 0  # how many of that run's records it has
    history_version: int = 0  # how often that history was thinned (engine/history.py)
    data_version: int | None = None
    pair: list[str] | None = None
    config: ExperimentConfig | None = None  # the trainer replaces its config on every change
    # Epochs per frame, as the page's menu shows it. None: not known, so the next frame
    # says (a page joining a room's stream, or a student's page as their fork begins).
    speed: float | None = None
    maps: dict[str, np.ndarray] = field(default_factory=dict)  # the map codes it has, by name
    # The page's zlib stream, when its frames go to it alone (a tab's; a room's
    # frames, built once for many pages, are compressed one by one).
    stream: FrameStream | None = None

    def fresh(self) -> "PageState":
        """An empty state for the same page, which has shown other frames meanwhile (its
        menu, another source's speed): its frames start a new stream, if any."""
        return PageState(stream=FrameStream() if self.stream else None)


@dataclass(frozen=True)
class Moment:
    """A trainer as one frame shows it, with the stream's numbering and play state."""

    trainer: Trainer
    number: int  # the frame's number, for the page to ack
    playing: bool
    run: int  # bumped by every reset or rebuild
    pair: list[str]  # the representation view's axes
    at_record: bool  # the network is the one the last history record measured
    extras: tuple[Extra, ...] = ()  # what the tab's optional views add (app/page_views.py)
    speed: float = 1.0  # epochs per frame while playing

    @cached_property
    def snapshot(self) -> Snapshot:
        return self.trainer.maps(OUTPUT_RESOLUTION, NEURON_RESOLUTION)

    @cached_property
    def record(self) -> EpochRecord | None:
        """Scores of the network as drawn: the last record if it still holds, else measured."""
        trainer = self.trainer
        if self.at_record:
            return trainer.history[-1] if trainer.history else None
        return trainer.evaluate()


def build_frame(moment: Moment, page: PageState, compress: bool) -> bytes:
    """The frame's bytes for a page that has ``page``, which is updated to what it then has."""
    trainer, config, pair = moment.trainer, moment.trainer.config, moment.pair
    plane = content.has_plane(config.features, pair)
    reset = page.run != moment.run
    # A reset, or a history thinned since the page's copy: the whole history goes.
    whole = reset or page.history_version != trainer.history.version
    header: dict[str, Any] = {
        "type": "frame",
        "frame": moment.number,
        "epoch": trainer.epoch_count,
        "step": trainer.step_count,
        "playing": moment.playing,
        "state": trainer.state,
        "reset": reset,
        "problem": config.problem,
        "output_range": list(content.output_range(config)),
        **content.scores(moment.record, config.problem == "classification"),
        **content.class_header(trainer),
        "history": content.history(trainer.history[0 if whole else page.history :]),
        "history_whole": whole,
        "network": content.network(trainer),
        "representation": content.representation_header(pair, plane),
    }
    if page.config is not config:
        header["config"] = config.model_dump()
    # Only a speed the page's menu may not show: a new page's, one a lesson step set,
    # or a room's lecturer resumed (the page's own changes come back here too, and agree).
    if moment.speed != page.speed:
        header["epochs_per_frame"] = moment.speed
    if config.dropout > 0:
        header["dropped"] = content.dropped(trainer)
    arrays = content.maps(trainer, moment.snapshot)
    new_data = page.data_version != trainer.data_version
    if new_data:
        arrays += content.data_arrays(trainer, moment.snapshot)
    if new_data or pair != page.pair:
        arrays.append(content.representation_points(trainer, pair))
    if plane:
        output = arrays[0]
        arrays.append(content.representation_output(trainer, output, pair, OUTPUT_RESOLUTION))
    for extra in moment.extras:
        header.update(extra.header)
        arrays += extra.arrays
    page.run, page.history, page.data_version = (
        moment.run,
        len(trainer.history),
        trainer.data_version,
    )
    page.history_version = trainer.history.version
    page.pair, page.config, page.speed = pair, config, moment.speed
    arrays = as_deltas(arrays, page, fresh=reset or new_data)
    return encode_frame(header, arrays, compress, page.stream)


MAPS = frozenset({"output", "neurons", "representation_output"})  # sent on every frame


def as_deltas(arrays: list[FrameArray], page: PageState, fresh: bool) -> list[FrameArray]:
    """The frame's maps as changes from the page's (``fresh``: whole, as after a reset
    or new data, when they change everywhere); ``page.maps`` becomes the new codes."""
    if fresh:
        page.maps.clear()
    sent, made = [], {}
    for array in arrays:
        previous = page.maps.get(array.name)
        if array.name in MAPS:
            page.maps[array.name] = array.data
        if previous is None or previous.shape != array.data.shape:
            sent.append(array)
            continue
        # Two names for one map (the representation's output is often the output's
        # bytes) with the same codes before: one delta, which the frame stores once.
        key = (id(array.data), id(previous))
        if key not in made:
            made[key] = delta(array, previous)
        sent.append(FrameArray(array.name, made[key].data, array.range, array.ranges, True))
    return sent
