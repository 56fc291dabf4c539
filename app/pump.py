"""The pump: trains a session's network and sends its frames under flow control.

At most one unacknowledged frame, at most ``max_fps`` frames a second on
average, and training only for a frame about to be sent, so a tab that stops
acking also stops training. A frame that answers a message goes as soon as the
page has acked the last one, without waiting out the interval, takes the
process's next turn (app/turns.py), and its training is cut short: a click
shows at once. Long work (big datasets, many epochs per frame) is sliced: a
tab takes a new turn every few milliseconds, so it never stalls the others.
"""

import asyncio
import math
from collections.abc import Awaitable, Callable

from app.clock import Clock, SystemClock
from app.error_slots import GENERAL
from app.turns import Turns
from engine.errors import InputError
from engine.trainer import READY, Trainer

SLICE_SECONDS = 0.004  # longest run of training between two yields to the event loop

Send = Callable[[str | bytes], Awaitable[None]]
Goal = Callable[[], int]  # how many mini-batches are left to train


class Pump:
    """One stream's schedule and training; ``build()`` makes the frame it sends, and
    ``prepare()`` puts what messages changed in force before work and before a frame."""

    def __init__(
        self,
        trainer: Trainer,
        build: Callable[[], bytes],
        send: Send,
        prepare: Callable[[], Awaitable[None]],
        stopped: Callable[[], Awaitable[None]],
        *,
        max_fps: float = 20.0,
        turns: Turns | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.trainer = trainer
        self._build, self._send = build, send
        self._prepare, self._stopped = prepare, stopped  # before work; when training stops
        self._interval = 1.0 / max_fps
        self._turns = turns or Turns()  # the process's, shared by its sessions
        self._clock = clock or SystemClock()
        self.playing = False
        self.epochs_per_frame = 1.0
        self.frame_number = 0
        self.unacked: int | None = None  # the frame the page has not acked yet
        self.run_number = 0  # bumped by every reset or rebuild, so training in flight stops
        self.at_record = True  # the network is the one the last history record measured
        self._owed = True  # a message changed what the page sees: answer it
        self._step_unit: str | None = None  # a step asked for and not yet trained
        self._shown_run: int | None = None  # the run the last frame showed
        self._wake = asyncio.Event()
        self._due = -math.inf  # when the next frame may go while playing
        self._batch_seconds = 1e-5  # the last measured time per mini-batch, to size runs

    # What messages ask of it

    def owe(self) -> None:
        """The page waits for a frame that shows what its message changed."""
        self._owed = True

    def step(self, unit: str) -> None:
        self.playing = False
        self._step_unit = unit
        self._owed = True

    def restart(self) -> None:
        """After a reset or rebuild: stop any work in flight, show the fresh network."""
        self.run_number += 1
        self._owed = self.at_record = True
        self._step_unit = None

    def ack(self, frame: int) -> None:
        if frame > self.frame_number:
            raise InputError(GENERAL, f"ack for frame {frame}, which was never sent")
        if frame == self.unacked:
            self.unacked = None

    def wake(self) -> None:
        """Something changed: look again at whether a frame is due."""
        self._wake.set()

    # The loop

    async def run(self) -> None:
        """Train and send frames until cancelled (the route cancels it on disconnect)."""
        while True:
            await self._frame_due()
            await self._turns.take(answer=self._answering())
            await self._prepare()
            await self._train()
            await self._prepare()  # what messages changed while it trained
            await self._after_training()
            self.frame_number += 1
            self._owed = False  # before building: a frame owed meanwhile is owed still
            frame = self._build()
            self.unacked, self._shown_run = self.frame_number, self.run_number
            # One frame per interval on average: a frame sent early (it answered a
            # message) pushes the next one back by what it took.
            self._due = max(self._due, self._clock.now()) + self._interval
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
                delay = due - self._clock.now()
                if delay <= 0:
                    return
                await self._clock.wait(self._wake, delay)
                continue
            await self._wake.wait()

    async def _train(self) -> None:
        """This frame's training: a requested step, or the speed's worth while playing
        (not before the page has seen a fresh network)."""
        trainer, clock = self.trainer, self._clock
        if self._step_unit:
            left, stepping = self._goal(self._step_unit, 1), True
            self._step_unit = None
        elif self.playing and self._shown_run == self.run_number:
            left, stepping = self._play_goal(), False
        else:
            return
        run = self.run_number
        deadline = clock.work_time() + SLICE_SECONDS
        while trainer.state == READY and (wanted := left()):
            # As many mini-batches as fit in what is left of the slice, by the estimate.
            budget = deadline - clock.work_time()
            began, steps, epoch = clock.work_time(), trainer.step_count, trainer.epoch_count
            trainer.steps(max(1, min(wanted, int(budget / self._batch_seconds))))
            self.at_record = trainer.epoch_count != epoch  # a run that closes a pass ends there
            done = max(1, trainer.step_count - steps)
            self._batch_seconds = max(1e-7, (clock.work_time() - began) / done)
            if clock.work_time() > deadline:
                await self._turns.take(answer=stepping)  # let other tabs have a turn
                # A reset stops the work; a pause, or a message the page waits to see
                # answered, ends a play frame's training here (a step's is finished).
                if run != self.run_number or not (stepping or self._playing_on()):
                    return
                deadline = clock.work_time() + SLICE_SECONDS

    def _playing_on(self) -> bool:
        return self.playing and not self._answering()

    def _play_goal(self) -> Goal:
        if self.epochs_per_frame >= 1:
            return self._goal("epoch", round(self.epochs_per_frame))
        batches = math.ceil(len(self.trainer.X_train) / self.trainer.config.batch_size)
        return self._goal("batch", max(1, round(self.epochs_per_frame * batches)))

    def _goal(self, unit: str, count: int) -> Goal:
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
        if self.trainer.state != READY:
            self.playing = False
            await self._stopped()
