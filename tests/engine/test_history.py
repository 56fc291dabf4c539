"""A history stays bounded however long a run plays, and keeps its newest record."""

from engine import Trainer
from engine.history import History


def test_past_its_limit_a_history_keeps_every_other_record_and_the_newest():
    history = History(limit=10)
    for epoch in range(1, 12):
        history.append(epoch)
    assert list(history) == [1, 3, 5, 7, 9, 11] and history.version == 1
    for epoch in range(12, 1000):
        history.append(epoch)
        assert len(history) <= 10 and history[-1] == epoch
    assert history == sorted(history) and history.version > 1


def test_a_trainer_that_plays_for_hours_holds_a_bounded_history():
    trainer = Trainer.from_config({"n_points": 20, "batch_size": 10, "hidden": [2]})
    trainer.history.limit = 50
    for _ in range(400):
        trainer.epoch()
    assert len(trainer.history) <= 50
    assert trainer.history[-1].epoch == 400
    assert trainer.history[0].epoch == 1  # the shape of the whole run, from its start
