"""A Session on its own event loop, without a socket: flow control, the frame
rate cap, slicing of long work, divergence. ``settle()`` lets the pump run
until it waits for something, which is how a test sees that nothing was sent."""

import asyncio
import json
import time

import pytest
from fastapi.templating import Jinja2Templates

from app.fragments import Fragments, notice
from app.protocol import parse_message
from app.session import Session
from app.settings import Settings
from engine.config import ExperimentConfig


class Recorder:
    """Runs one session's pump and keeps what it sends."""

    def __init__(self, config: dict | None = None, max_fps: float = 1000.0) -> None:
        env = Jinja2Templates(directory=Settings().templates_dir).env
        self.sent: list[str | bytes] = []
        self.session = Session(
            ExperimentConfig.parse(config or {}), Fragments(env), self._send, max_fps=max_fps
        )

    async def _send(self, data: str | bytes) -> None:
        self.sent.append(data)

    @property
    def frames(self) -> list[bytes]:
        return [m for m in self.sent if isinstance(m, bytes)]

    @property
    def texts(self) -> list[str]:
        return [m for m in self.sent if isinstance(m, str)]

    async def message(self, kind: str, **fields: object) -> None:
        await self.session.handle(parse_message(json.dumps({"type": kind, **fields})))

    async def ack(self) -> None:
        await self.message("ack", frame=self.session.frame_number)


def header(frame: bytes) -> dict:
    length = int.from_bytes(frame[5:9], "little")
    return json.loads(frame[9 : 9 + length])


async def settle(turns: int = 200) -> None:
    """Give every ready task many turns of the event loop, and the 1 ms rate timer time."""
    for pause in (0.01, 0):
        await asyncio.sleep(pause)
        for _ in range(turns):
            await asyncio.sleep(0)


def run(scenario) -> None:
    """Run ``scenario(recorder_factory)`` with pumps that are cancelled at the end."""

    async def main() -> None:
        pumps = []

        def start(*args, **kwargs) -> Recorder:
            recorder = Recorder(*args, **kwargs)
            pumps.append(asyncio.create_task(recorder.session.run()))
            return recorder

        try:
            await scenario(start)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)

    asyncio.run(main())


def test_nothing_more_is_sent_or_trained_until_the_frame_is_acked():
    async def scenario(start):
        tab = start()
        await settle()
        assert len(tab.frames) == 1
        await tab.message("play")
        await tab.message("step", unit="epoch")
        await tab.message("reset")
        await settle()
        assert len(tab.frames) == 1
        assert tab.session.trainer.step_count == 0  # no training ahead of the page
        await tab.ack()
        await settle()
        assert len(tab.frames) == 2

    run(scenario)


def test_a_playing_tab_that_stops_acking_stops_training():
    async def scenario(start):
        tab = start()
        await settle()
        await tab.message("play")
        await tab.ack()
        await settle()
        steps = tab.session.trainer.step_count
        await asyncio.sleep(0.05)
        await settle()
        assert tab.session.trainer.step_count == steps and len(tab.frames) == 2

    run(scenario)


def test_frames_go_out_at_most_max_fps_times_a_second():
    async def scenario(start):
        tab = start(max_fps=20)
        await settle()
        await tab.message("play")
        began = time.monotonic()
        while time.monotonic() - began < 0.5:
            await tab.ack()
            await asyncio.sleep(0.005)
        # 0.5 s at 20 frames/s: 10 frames, plus the first and one in flight.
        assert len(tab.frames) <= 12

    run(scenario)


def test_a_message_is_answered_at_once_not_at_the_next_turn():
    async def scenario(start):
        tab = start(max_fps=2)  # a turn every 0.5 s
        await settle()
        await tab.ack()
        began = time.monotonic()
        await tab.message("config", learning_rate="0.1")
        await settle()
        assert len(tab.frames) == 2 and time.monotonic() - began < 0.25
        assert header(tab.frames[-1])["config"]["learning_rate"] == 0.1
        # One early frame per interval: the next answer waits for its turn.
        await tab.ack()
        await tab.message("config", learning_rate="0.3")
        await settle()
        assert len(tab.frames) == 2
        await asyncio.sleep(0.5)
        await settle()
        assert len(tab.frames) == 3

    run(scenario)


def test_messages_do_not_raise_the_frame_rate():
    async def scenario(start):
        tab = start(max_fps=20)
        await settle()
        await tab.message("play")
        began, rate = time.monotonic(), 0
        while time.monotonic() - began < 0.5:
            rate = 1 - rate
            await tab.message("config", learning_rate=str((0.03, 0.01)[rate]))
            await tab.ack()
            await asyncio.sleep(0.005)
        # 0.5 s at 20 frames/s: 10 frames, plus the first, one early, and one in flight.
        assert len(tab.frames) <= 13

    run(scenario)


LONG_EPOCHS = {"n_points": 5000, "train_fraction": 0.9, "batch_size": 1, "hidden": [16] * 4}


def test_long_work_yields_to_the_event_loop_between_slices():
    async def scenario(start):
        # 4500 training points, one per mini-batch, a wide network: tens of ms a frame.
        tab = start(LONG_EPOCHS)
        await settle()
        await tab.message("play")
        await tab.ack()
        while len(tab.frames) < 2:  # the answer to play: one slice of training
            await asyncio.sleep(0)
        assert tab.session.trainer.epoch_count == 0 < tab.session.trainer.step_count
        await tab.ack()
        turns = 0
        while len(tab.frames) < 3:
            await asyncio.sleep(0)
            turns += 1
        assert tab.session.trainer.epoch_count == 1
        assert turns > 5  # other tabs ran while this frame trained

    run(scenario)


def test_a_reset_during_long_work_stops_it_and_sends_the_fresh_network():
    async def scenario(start):
        tab = start(LONG_EPOCHS)
        await settle()
        await tab.message("speed", epochs_per_frame=100)
        await tab.message("play")
        await tab.ack()
        for _ in range(3):
            await asyncio.sleep(0)
        await tab.message("reset")
        while len(tab.frames) < 2:
            await asyncio.sleep(0)
        assert tab.session.trainer.step_count == 0 and tab.session.trainer.epoch_count == 0

    run(scenario)


def test_a_step_during_long_play_work_pauses_and_still_steps():
    async def scenario(start):
        tab = start(LONG_EPOCHS)
        await settle()
        await tab.message("speed", epochs_per_frame=100)
        await tab.message("play")
        await tab.ack()
        for _ in range(3):
            await asyncio.sleep(0)
        await tab.message("step", unit="batch")
        while len(tab.frames) < 2:  # the play frame, cut short
            await asyncio.sleep(0)
        steps = tab.session.trainer.step_count
        await tab.ack()
        await settle()
        assert len(tab.frames) == 3 and tab.session.trainer.step_count == steps + 1
        assert tab.session.playing is False

    run(scenario)


def test_a_message_cuts_a_long_play_frame_short():
    async def scenario(start):
        tab = start(LONG_EPOCHS)
        await settle()
        await tab.message("speed", epochs_per_frame=100)
        await tab.message("play")
        await tab.ack()
        while len(tab.frames) < 2:  # the answer to play
            await asyncio.sleep(0)
        await tab.ack()
        for _ in range(3):  # a play frame's training under way: 100 epochs, seconds
            await asyncio.sleep(0)
        began = time.monotonic()
        await tab.message("config", learning_rate="0.1")
        while len(tab.frames) < 3:
            await asyncio.sleep(0)
        assert time.monotonic() - began < 0.1
        assert header(tab.frames[-1])["config"]["learning_rate"] == 0.1
        assert tab.session.trainer.epoch_count < 100 and tab.session.playing

    run(scenario)


DIVERGING = {"problem": "regression", "dataset": "plane", "activation": "linear",
             "learning_rate": 3}  # fmt: skip


def test_a_diverging_network_pauses_and_the_banner_says_what_to_change():
    async def scenario(start):
        tab = start(DIVERGING)
        await settle()
        await tab.message("play")
        while tab.session.trainer.state == "ready":
            await tab.ack()
            await settle()
        await tab.ack()
        await settle()
        assert tab.session.playing is False
        banner = tab.texts[-1]
        assert 'class="banner banner-error"' in banner
        assert "diverged at epoch" in banner and "learning rate (now 3) to 0.3 or less" in banner
        frames = len(tab.frames)
        await tab.message("play")  # cannot train: stays paused, says so again
        await tab.ack()
        await settle()
        assert tab.session.playing is False and "diverged" in tab.texts[-1]
        await tab.message("config", learning_rate="0.001")  # live: still diverged
        await tab.ack()
        await settle()
        assert "diverged" in tab.texts[-1]
        await tab.message("reset")
        assert tab.texts[-1].endswith("></div>")  # the banner is cleared
        await tab.ack()
        await settle()
        assert len(tab.frames) > frames and tab.session.trainer.state == "ready"

    run(scenario)


@pytest.mark.parametrize(("rate", "advice"), [(10, "to 1 or less"), (0.03, "to 0.003 or less"),
                                              (0.5, "to 0.03 or less")])  # fmt: skip
def test_divergence_advice_names_a_round_smaller_learning_rate(rate, advice):
    recorder = Recorder({"learning_rate": rate})
    trainer = recorder.session.trainer
    trainer.state, trainer.diverged_epoch = "diverged", 4
    level, text = notice(trainer)
    assert level == "error" and "diverged at epoch 4" in text and advice in text


def test_early_stopping_pauses_with_an_info_banner():
    async def scenario(start):
        tab = start({"early_stopping": 1, "dataset": "xor", "noise": 0.5, "learning_rate": 1})
        await settle()
        await tab.message("speed", epochs_per_frame=20)
        await tab.message("play")
        while tab.session.trainer.state == "ready":
            await tab.ack()
            await settle()
        await tab.ack()
        await settle()
        assert tab.session.playing is False
        assert "banner-info" in tab.texts[-1] and "Early stopping" in tab.texts[-1]

    run(scenario)
