"""The pump on a fake clock: flow control, the frame rate cap, answers that go at
once, and slicing of long work. ``settle()`` lets the pump run until it waits
for something, which is how a test sees that nothing was sent."""

import asyncio

from app.pump import SLICE_SECONDS
from tests.app.fake_clock import BATCH_SECONDS, run, settle, until

# 4500 training points, one per mini-batch, a wide network: 0.45 s of work an epoch
# on the fake clock, a hundred slices.
LONG_EPOCHS = {"n_points": 5000, "train_fraction": 0.9, "batch_size": 1, "hidden": [16] * 4}


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
        start.clock.advance(0.05)  # fifty frame intervals
        await settle()
        assert tab.session.trainer.step_count == steps and len(tab.frames) == 2

    run(scenario)


def test_frames_go_out_at_most_max_fps_times_a_second():
    async def scenario(start):
        tab = start(max_fps=20)
        await settle()
        await tab.message("play")
        for _ in range(100):  # 0.5 s, acking every frame at once
            await tab.ack()
            await settle()
            start.clock.advance(0.005)
        # The first frame, the answer to play, then one every 50 ms.
        assert tab.sent_at[:2] == [0.0, 0.0]
        gaps = [b - a for a, b in zip(tab.sent_at[1:], tab.sent_at[2:], strict=False)]
        assert all(gap >= 0.05 - 1e-9 for gap in gaps), gaps
        # 0.5 s at 20 frames/s: 10 frames, plus the first and one in flight.
        assert len(tab.frames) <= 12

    run(scenario)


def test_a_message_is_answered_at_once_not_at_the_next_turn():
    async def scenario(start):
        tab = start(max_fps=2)  # a turn every 0.5 s
        await settle()
        await tab.ack()
        await tab.message("config", learning_rate="0.1")
        await settle()
        # The answer went before the interval elapsed: the fake clock has not moved.
        assert len(tab.frames) == 2 and tab.sent_at == [0.0, 0.0]
        assert tab.header()["config"]["learning_rate"] == 0.1
        # One early frame per interval: the next answer waits for its turn.
        await tab.ack()
        await tab.message("config", learning_rate="0.3")
        await settle()
        assert len(tab.frames) == 2
        start.clock.advance(0.5)
        await settle()
        assert len(tab.frames) == 3 and tab.sent_at[-1] == 0.5

    run(scenario)


def test_messages_do_not_raise_the_frame_rate():
    async def scenario(start):
        tab = start(max_fps=20)
        await settle()
        await tab.message("play")
        rate = 0
        for _ in range(100):  # 0.5 s of a message and an ack every 5 ms
            rate = 1 - rate
            await tab.message("config", learning_rate=str((0.03, 0.01)[rate]))
            await tab.ack()
            await settle()
            start.clock.advance(0.005)
        # 0.5 s at 20 frames/s: 10 frames, plus the first, one early, and one in flight.
        assert len(tab.frames) <= 13

    run(scenario)


def test_long_work_yields_to_the_event_loop_between_slices():
    async def scenario(start):
        tab = start(LONG_EPOCHS)
        await settle()
        await tab.message("play")
        await tab.ack()
        await until(lambda: len(tab.frames) == 2)  # the answer to play: one slice of training
        assert tab.session.trainer.epoch_count == 0 < tab.session.trainer.step_count
        await tab.ack()
        start.clock.advance(1.0)  # the next play frame is due
        work = start.clock.work
        turns = await until(lambda: len(tab.frames) == 3)
        assert tab.session.trainer.epoch_count == 1
        # The rest of the epoch was ~100 slices of work, and the event loop (this
        # test's own task among others) ran between every two.
        slices = (start.clock.work - work) / SLICE_SECONDS
        assert turns > slices > 90

    run(scenario)


async def _a_long_play_frame_under_way(start):
    """A tab playing at 100 epochs a frame whose play frame is training."""
    tab = start(LONG_EPOCHS)
    await settle()
    await tab.message("speed", epochs_per_frame=100)
    await tab.message("play")
    await tab.ack()
    await until(lambda: len(tab.frames) == 2)  # the answer to play
    await tab.ack()
    start.clock.advance(1.0)  # the next play frame is due
    steps = tab.session.trainer.step_count
    await until(lambda: tab.session.trainer.step_count > steps + 100)  # a few slices in
    return tab


def test_a_reset_during_long_work_stops_it_and_sends_the_fresh_network():
    async def scenario(start):
        tab = await _a_long_play_frame_under_way(start)
        await tab.message("reset")
        await until(lambda: len(tab.frames) == 3)
        assert tab.session.trainer.step_count == 0 and tab.session.trainer.epoch_count == 0
        assert tab.header()["reset"] is True

    run(scenario)


def test_a_step_during_long_play_work_pauses_and_still_steps():
    async def scenario(start):
        tab = await _a_long_play_frame_under_way(start)
        await tab.message("step", unit="batch")
        await until(lambda: len(tab.frames) == 3)  # the play frame, cut short
        steps = tab.session.trainer.step_count
        await tab.ack()
        await settle()
        assert len(tab.frames) == 4 and tab.session.trainer.step_count == steps + 1
        assert tab.pump.playing is False

    run(scenario)


def test_a_message_cuts_a_long_play_frame_short():
    async def scenario(start):
        tab = await _a_long_play_frame_under_way(start)
        work = start.clock.work
        await tab.message("config", learning_rate="0.1")
        await until(lambda: len(tab.frames) == 3)
        # The slice under way finished, and no other began.
        assert start.clock.work - work <= SLICE_SECONDS + BATCH_SECONDS
        assert tab.header()["config"]["learning_rate"] == 0.1
        assert tab.session.trainer.epoch_count < 100 and tab.pump.playing

    run(scenario)


def test_a_cancelled_pump_ends_at_once():
    async def scenario(start):
        tab = await _a_long_play_frame_under_way(start)
        task = next(t for t in asyncio.all_tasks() if t.get_coro().__qualname__ == "Pump.run")
        task.cancel()
        await until(task.done)
        assert task.cancelled() and len(tab.frames) == 2

    run(scenario)
