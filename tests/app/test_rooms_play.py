"""The leader's play state, which a lecturer who reconnects resumes (app/rooms/play.py)."""

import pytest

from app.pump import Pump
from app.rooms.play import Play
from engine.trainer import DIVERGED, Trainer


def pump(trainer: Trainer) -> Pump:
    async def nothing(*_: object) -> None:
        return None

    return Pump(trainer, lambda: b"", nothing, nothing, nothing)


def test_play_goes_through_json_and_onto_a_new_pump():
    saved = Play(playing=True, epochs_per_frame=0.25)
    assert Play.load(saved.dump()) == saved
    fresh = pump(Trainer.from_config({}, kernels=False))
    Play.load(saved.dump().encode()).resume(fresh)  # Redis hands back bytes
    assert fresh.playing and fresh.epochs_per_frame == 0.25
    assert Play.of(fresh) == saved


@pytest.mark.parametrize(
    "stored", [None, b"", b"not json", b"[1, 2]", b'{"epochs_per_frame": "x"}']
)
def test_nothing_or_something_unreadable_stored_is_paused_at_1x(stored):
    assert Play.load(stored) == Play()


def test_a_trainer_that_cannot_train_resumes_paused_at_its_speed():
    trainer = Trainer.from_config({}, kernels=False)
    trainer.state = DIVERGED
    fresh = pump(trainer)
    Play(playing=True, epochs_per_frame=4).resume(fresh)
    assert not fresh.playing and fresh.epochs_per_frame == 4
