"""A Session on its own event loop and a fake clock, without a socket: what its
messages do, divergence and early stopping, and that every message type has a
handler. The pump's flow control is in test_pump.py."""

import pytest

from app.fragments import notice
from app.lessons import load_lessons
from app.page_views import PageViews
from app.protocol import MESSAGES
from app.session import Session
from app.session_data import SessionData
from tests.app.fake_clock import FakeClock, Recorder, run, settle

MAX_FRAMES = 500  # far more than any of these scenarios needs


def test_every_message_type_has_a_handler():
    for kind in MESSAGES:
        owners = (Session, SessionData, PageViews)
        assert any(callable(getattr(owner, f"_on_{kind}", None)) for owner in owners), kind


async def play_until_stopped(start, tab) -> None:
    """Ack frames until the trainer stops by itself (bounded)."""
    for _ in range(MAX_FRAMES):
        if tab.session.trainer.state != "ready":
            return
        await tab.ack()
        start.clock.advance(1.0)
        await settle()
    raise AssertionError(f"still training after {MAX_FRAMES} frames")


DIVERGING = {"problem": "regression", "dataset": "plane", "activation": "linear",
             "learning_rate": 3}  # fmt: skip


def test_a_diverging_network_pauses_and_the_banner_says_what_to_change():
    async def scenario(start):
        tab = start(DIVERGING)
        await settle()
        await tab.message("play")
        await play_until_stopped(start, tab)
        await tab.ack()
        await settle()
        assert tab.pump.playing is False
        banner = tab.texts[-1]
        assert 'class="banner banner-error"' in banner
        assert "diverged at epoch" in banner and "learning rate (now 3) to 0.3 or less" in banner
        frames = len(tab.frames)
        await tab.message("play")  # cannot train: stays paused, says so again
        await tab.ack()
        await settle()
        assert tab.pump.playing is False and "diverged" in tab.texts[-1]
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
    recorder = Recorder(FakeClock(), {"learning_rate": rate})
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
        await play_until_stopped(start, tab)
        await tab.ack()
        await settle()
        assert tab.pump.playing is False
        assert "banner-info" in tab.texts[-1] and "Early stopping" in tab.texts[-1]

    run(scenario)


def count_rebuilds(trainer) -> list[dict]:
    """Record every config change the trainer applies that rebuilds it."""
    rebuilds, configure = [], trainer.configure

    def counted(changes):
        rebuilt = configure(changes)
        if rebuilt:
            rebuilds.append(dict(changes))
        return rebuilt

    trainer.configure = counted
    return rebuilds


def test_config_messages_that_queue_up_are_applied_once_the_last_winning():
    async def scenario(start):
        tab = start()
        await settle()  # the first frame, not acked yet
        rebuilds = count_rebuilds(tab.session.trainer)
        for i in range(30):  # a flood of rebuilds of the biggest network
            await tab.message("config", hidden=[16] * 8 if i % 2 else [15] * 8, n_points=5000)
        await settle()
        assert rebuilds == [] and len(tab.frames) == 1
        await tab.ack()
        await settle()
        assert len(rebuilds) == 1 and tab.header()["config"]["hidden"] == [16] * 8
        assert tab.header()["reset"] is True and "train_points" in header_arrays(tab)

    run(scenario)


def test_a_message_after_a_queued_config_sees_that_config_in_force():
    async def scenario(start):
        tab = start()
        await settle()
        await tab.message("config", hidden=[5])
        await tab.message("set_weight", layer=0, source=0, target=4, value=2.5)  # 5 neurons now
        await tab.message("step", unit="batch")
        assert not tab.texts  # no error: the edit found the new layer
        await tab.ack()
        await settle()
        network = tab.header()["network"]
        assert network["sizes"] == [2, 5, 1] and tab.header()["step"] == 1

    run(scenario)


def header_arrays(tab) -> set[str]:
    return {entry["name"] for entry in tab.header()["arrays"]}


def test_opening_a_step_drops_config_changes_not_yet_in_force(tmp_path):
    (tmp_path / "01-one.toml").write_text(
        'title = "One"\nabout = "One step."\n\n[[steps]]\ntitle = "Slow"\nsay = "Slow."\n'
        'ask = "Why?"\nconfig = { learning_rate = 0.3 }\n',
        encoding="utf-8",
    )

    async def scenario(start):
        tab = start()
        tab.session.lessons = load_lessons(tmp_path)
        await settle()  # the first frame, not acked yet: the next config is held
        await tab.message("config", learning_rate="3")
        await tab.message("open", lesson="one", step=1)
        await tab.ack()
        await settle()
        assert tab.header()["config"]["learning_rate"] == 0.3
        assert tab.session.trainer.config.learning_rate == 0.3

    run(scenario)
