"""The leader's state as bytes (engine/trainer_state.py): what a fork or a resuming
lecturer on another process starts from; it must train exactly like the leader."""

import io

import numpy as np
import pytest

from engine import trainer_state
from engine.trainer import Trainer


def _trained(config: dict) -> Trainer:
    leader = Trainer.from_config(config, kernels=False)
    for _ in range(3):
        leader.epoch()
    leader.steps(5)  # mid-epoch: the shuffle position and random streams must carry over
    return leader


@pytest.mark.parametrize(
    "config",
    [
        {"dataset": "spiral", "optimizer": "adam"},
        {"dataset": "xor", "optimizer": "momentum", "batch_norm": True, "dropout": 0.2},
        {"dataset": "circle", "optimizer": "rmsprop", "early_stopping": True},
    ],
)
def test_a_fork_from_the_stored_state_trains_exactly_like_the_leader(config):
    leader = _trained(config)
    fork = trainer_state.load(trainer_state.dump(leader), kernels=False)
    assert fork.history == leader.history and fork.epoch_count == leader.epoch_count
    for _ in range(2):
        assert fork.epoch() == leader.epoch()
    np.testing.assert_array_equal(fork.network.params, leader.network.params)


def test_custom_points_travel_with_the_state():
    rng = np.random.default_rng(1)
    points = rng.uniform(-5, 5, (40, 2))
    labels = np.where(points[:, 0] > 0, 1.0, -1.0)
    leader = Trainer.from_config({"dataset": "custom"}, (points, labels), kernels=False)
    leader.epoch()
    fork = trainer_state.load(trainer_state.dump(leader), kernels=False)
    np.testing.assert_array_equal(fork.X_test, leader.X_test)
    assert fork.epoch() == leader.epoch()


def test_pickled_arrays_and_garbage_are_refused():
    blob = trainer_state.dump(Trainer.from_config({}, kernels=False))
    length = int.from_bytes(blob[:4], "big")
    hostile = io.BytesIO()
    np.savez(hostile, params=np.array([object()], dtype=object))
    with pytest.raises(ValueError):
        trainer_state.load(blob[: 4 + length] + hostile.getvalue())
    for junk in (b"", b"\x00\x00\x00\x05{}", blob[:-20]):
        with pytest.raises(ValueError):
            trainer_state.load(junk)
