"""One tab's session: its Trainer, the play state, and the frames it owes the page.

The websocket route feeds ``handle()`` parsed control messages and runs
``run()``, the pump that trains and sends frames under flow control: at most
one unacknowledged frame, at most ``max_fps`` frames a second on average, and
training only for a frame about to be sent, so a tab that stops acking also
stops training. A frame that answers a message goes as soon as the page has
acked the last one, without waiting out the interval, takes the process's next
turn (app/turns.py), and its training is cut short: a click shows at once.
Long work (big datasets, many epochs per frame) is sliced: a tab takes a new
turn every few milliseconds, so it never stalls the others.
"""

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from app import frame_content as content
from app.fragments import Fragments, notice
from app.frames import encode_frame
from app.protocol import (
    ERROR_SLOTS,
    GENERAL,
    Ack,
    Config,
    Message,
    Pause,
    Play,
    Regenerate,
    Reset,
    SetBias,
    SetWeight,
    Speed,
    Step,
    View,
)
from app.turns import Turns
from engine.config import ExperimentConfig
from engine.errors import InputError
from engine.trainer import READY, Trainer
from engine.weights import set_bias, set_weight

OUTPUT_RESOLUTION = 48  # the decision boundary: smooth enough once Plotly interpolates
NEURON_RESOLUTION = 20  # neuron and feature tiles are small on screen
SLICE_SECONDS = 0.004  # longest run of training between two yields to the event loop
DATA_KEYS = ("problem", "dataset", "noise", "train_fraction", "n_points", "seed", "features")
MAX_SEED = 2**32 - 1

Send = Callable[[str | bytes], Awaitable[None]]


class Session:
    """A Trainer driven by one tab's messages; ``send`` writes to its websocket."""

    def __init__(
        self,
        config: ExperimentConfig,
        fragments: Fragments,
        send: Send,
        *,
        max_fps: float = 20.0,
        turns: Turns | None = None,
        compress: bool = True,
    ) -> None:
        self.trainer = Trainer.from_config(config)
        self.fragments = fragments
        self._send = send
        self._interval = 1.0 / max_fps
        self._turns = turns or Turns()  # the process's, shared by its sessions
        self._compress = compress
        self.playing = False
        self.epochs_per_frame = 1.0
        self.frame_number = 0
        self.unacked: int | None = None  # the frame the page has not acked yet
        self._chosen_pair: list[str] | None = None
        self._wake = asyncio.Event()
        self._due = -math.inf  # when the next frame may go while playing
        self._generation = 0  # bumped by every reset, so training in flight stops
        self._batch_seconds = 1e-5  # the last measured time per mini-batch, to size runs
        # What the next frame owes the page.
        self._owed = True
        self._fresh = True
        self._config_changed = True
        self._step_unit: str | None = None
        self._sent_data: tuple[Any, ...] | None = None
        self._sent_pair: list[str] | None = None
        self._history_sent = 0
        self._at_record = True  # the network is the one the last history record measured
        self._shown_errors: set[str] = set()
        self._banner_shown = False
        self._handlers: dict[type, Callable[[Any], None]] = {
            Config: self._configure,
            Play: self._play,
            Pause: self._pause,
            Step: self._step,
            Reset: self._reset,
            Regenerate: self._regenerate,
            Speed: self._speed,
            Ack: self._ack,
            SetWeight: self._set_weight,
            SetBias: self._set_bias,
            View: self._view,
        }

    @property
    def pair(self) -> list[str]:
        """The representation view's axes: the tab's choice, else r and θ when both are
        inputs, else the first two inputs (x1, x2 for a single input)."""
        features = self.trainer.config.features
        if self._chosen_pair:
            return self._chosen_pair
        if {"r", "theta"} <= set(features):
            return ["r", "theta"]
        return features[:2] if len(features) > 1 else ["x1", "x2"]

    # Control messages

    async def handle(self, message: Message) -> None:
        """Apply one message; a bad one gets an error fragment and changes nothing."""
        try:
            self._handlers[type(message)](message)
        except InputError as exc:
            await self.report(exc.key, exc.message)
            return
        except ValueError as exc:  # the engine refusing something the models let through
            await self.report(GENERAL, str(exc))
            return
        self._wake.set()
        if isinstance(message, Ack):
            return
        # A valid message clears its own error slot; a valid config, every config
        # slot (the frame brings the controls back in line with the config).
        stale = {GENERAL, message.slot}
        if isinstance(message, Config):
            stale |= set(ExperimentConfig.model_fields)
        for key in sorted(stale & self._shown_errors):
            self._shown_errors.discard(key)
            await self._send(self.fragments.error(key))
        if self._banner_shown and self.trainer.state == READY:
            await self.send_banner()

    async def report(self, key: str, message: str) -> None:
        """Show an error beside config control ``key``, or in the general slot."""
        if key not in ERROR_SLOTS:
            key, message = GENERAL, f"{key}: {message}"
        self._shown_errors.add(key)
        await self._send(self.fragments.error(key, message))

    async def send_banner(self, level: str = "info", text: str = "") -> None:
        """Show the page-wide banner; no text hides it."""
        self._banner_shown = bool(text)
        await self._send(self.fragments.banner(level, text))

    def _configure(self, message: Config) -> None:
        if self.trainer.configure(message.changes):
            self._rebuilt()
        self._config_changed = self._owed = True

    def _play(self, _: Play) -> None:
        # A diverged or early-stopped trainer cannot train; its banner says why.
        self.playing = self.trainer.state == READY
        if not self.playing:
            self._banner_shown = False
        self._owed = True

    def _pause(self, _: Pause) -> None:
        self.playing = False
        self._owed = True

    def _step(self, message: Step) -> None:
        self.playing = False
        self._step_unit = message.unit
        self._owed = True

    def _reset(self, _: Reset) -> None:
        self.trainer.reset()
        self._rebuilt()

    def _regenerate(self, _: Regenerate) -> None:
        seed = self.trainer.config.seed
        self.trainer.configure({"seed": seed + 1 if seed < MAX_SEED else 0})
        self._rebuilt()
        self._config_changed = True

    def _speed(self, message: Speed) -> None:
        self.epochs_per_frame = message.epochs_per_frame

    def _ack(self, message: Ack) -> None:
        if message.frame > self.frame_number:
            raise InputError(GENERAL, f"ack for frame {message.frame}, which was never sent")
        if message.frame == self.unacked:
            self.unacked = None

    def _set_weight(self, m: SetWeight) -> None:
        self._edit(set_weight, m.layer, m.source, m.target, m.value)

    def _set_bias(self, m: SetBias) -> None:
        self._edit(set_bias, m.layer, m.neuron, m.value)

    def _edit(self, setter: Callable[..., None], *args: float) -> None:
        try:
            setter(self.trainer.network, *args)
        except ValueError as exc:
            raise InputError(GENERAL, f"cannot edit the network: {exc}") from None
        self._at_record = False
        self._owed = True

    def _view(self, message: View) -> None:
        self._chosen_pair = message.pair
        self._owed = True

    def _rebuilt(self) -> None:
        """After a reset or rebuild: fresh network, whole history, stop any work in flight."""
        self._generation += 1
        self._fresh = self._owed = self._at_record = True
        self._step_unit = None

    # The pump

    async def run(self) -> None:
        """Train and send frames until cancelled (the route cancels it on disconnect)."""
        while True:
            await self._frame_due()
            await self._turns.take(answer=self._answering())
            await self._train()
            await self._after_training()
            frame = self._frame()
            self.unacked = self.frame_number
            # One frame per interval on average: a frame sent early (it answered a
            # message) pushes the next one back by what it took.
            self._due = max(self._due, time.monotonic()) + self._interval
            await self._send(frame)

    def _answering(self) -> bool:
        """The page waits for a frame that answers its message (or a step that arrived
        while a frame trained)."""
        return self._owed or self._step_unit is not None

    async def _frame_due(self) -> None:
        """Wait for the ack, then for a reason to send (owed, or playing), then the time:
        a frame that answers a message may go up to one interval ahead of its turn."""
        while True:
            self._wake.clear()
            answering = self._answering()
            if self.unacked is None and (
                answering or (self.playing and self.trainer.state == READY)
            ):
                due = self._due - self._interval if answering else self._due
                delay = due - time.monotonic()
                if delay <= 0:
                    return
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
                continue
            await self._wake.wait()

    async def _train(self) -> None:
        """This frame's training: a requested step, or the speed's worth while playing."""
        trainer = self.trainer
        if self._step_unit:
            left, stepping = self._goal(self._step_unit, 1), True
            self._step_unit = None
        elif self.playing and not self._fresh:
            left, stepping = self._play_goal(), False
        else:
            return
        generation = self._generation
        deadline = time.perf_counter() + SLICE_SECONDS
        while trainer.state == READY and (wanted := left()):
            # As many mini-batches as fit in what is left of the slice, by the estimate.
            budget = deadline - time.perf_counter()
            began, steps, epoch = time.perf_counter(), trainer.step_count, trainer.epoch_count
            trainer.steps(max(1, min(wanted, int(budget / self._batch_seconds))))
            self._at_record = trainer.epoch_count != epoch  # a run that closes a pass ends there
            done = max(1, trainer.step_count - steps)
            self._batch_seconds = max(1e-7, (time.perf_counter() - began) / done)
            if time.perf_counter() > deadline:
                await self._turns.take(answer=stepping)  # let other tabs have a turn
                # A reset stops the work; a pause, or a message the page waits to see
                # answered, ends a play frame's training here (a step's is finished).
                if generation != self._generation or not (stepping or self._playing_on()):
                    return
                deadline = time.perf_counter() + SLICE_SECONDS

    def _playing_on(self) -> bool:
        return self.playing and not self._answering()

    def _play_goal(self) -> Callable[[], int]:
        if self.epochs_per_frame >= 1:
            return self._goal("epoch", round(self.epochs_per_frame))
        batches = math.ceil(len(self.trainer.X_train) / self.trainer.config.batch_size)
        return self._goal("batch", max(1, round(self.epochs_per_frame * batches)))

    def _goal(self, unit: str, count: int) -> Callable[[], int]:
        """How many mini-batches are left until ``count`` more batches (or epochs) are done;
        for epochs, any large number: a run of steps stops where the pass ends."""
        trainer = self.trainer
        if unit == "epoch":
            target = trainer.epoch_count + count
            return lambda: 0 if trainer.epoch_count >= target else len(trainer.X_train)
        target = trainer.step_count + count
        return lambda: max(0, target - trainer.step_count)

    async def _after_training(self) -> None:
        """A diverged or early-stopped trainer pauses, and the banner says what to do."""
        state = self.trainer.state
        if state == READY:
            return
        self.playing = False
        if not self._banner_shown:
            await self.send_banner(*notice(self.trainer))

    # The frame

    def _frame(self) -> bytes:
        trainer, config = self.trainer, self.trainer.config
        snapshot = trainer.maps(OUTPUT_RESOLUTION, NEURON_RESOLUTION)
        pair = self.pair
        plane = content.has_plane(config.features, pair)
        self.frame_number += 1
        records = trainer.history if self._fresh else trainer.history[self._history_sent :]
        header: dict[str, Any] = {
            "type": "frame",
            "frame": self.frame_number,
            "epoch": trainer.epoch_count,
            "step": trainer.step_count,
            "playing": self.playing,
            "state": trainer.state,
            "reset": self._fresh,
            "problem": config.problem,
            "output_range": list(content.output_range(config)),
            **content.scores(self._current_record(), config.problem == "classification"),
            "history": content.history(records),
            "network": content.network(trainer),
            "representation": content.representation_header(pair, plane),
        }
        if self._config_changed:
            header["config"] = config.model_dump()
        if config.dropout > 0:
            header["dropped"] = content.dropped(trainer.network)
        arrays = content.maps(trainer, snapshot)
        data_key = tuple(getattr(config, key) for key in DATA_KEYS)
        if data_key != self._sent_data:
            arrays += content.data_arrays(trainer, snapshot)
        if data_key != self._sent_data or pair != self._sent_pair:
            arrays.append(content.representation_points(trainer, pair))
        if plane:
            output = arrays[0]
            arrays.append(content.representation_output(trainer, output, pair, OUTPUT_RESOLUTION))
        self._sent_data, self._sent_pair = data_key, pair
        self._history_sent = len(trainer.history)
        self._owed = self._fresh = self._config_changed = False
        return encode_frame(header, arrays, self._compress)

    def _current_record(self) -> Any:
        """Scores of the network as drawn: the last record if it still holds, else measured."""
        trainer = self.trainer
        if self._at_record:
            return trainer.history[-1] if trainer.history else None
        return trainer.evaluate()
