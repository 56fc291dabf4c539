"""Challenges: a goal the lecturer sets, checked on the server from each fork's own
history (never from what a page says), and the leaderboard it makes."""

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.datasets import DATASETS
from engine.trainer import Trainer


class Goal(BaseModel):
    """ "spiral, ≥ 95% test accuracy, ≤ 12 neurons, ≤ 500 epochs"."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    dataset: str
    metric: Literal["test_accuracy", "test_loss"] = "test_accuracy"
    threshold: float = Field(0.95, ge=0, le=10, allow_inf_nan=False)
    max_neurons: int | None = Field(None, ge=0, le=128)
    max_epochs: int | None = Field(None, ge=1, le=100_000)

    @field_validator("dataset")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in DATASETS:
            raise ValueError(f"unknown dataset; choose from {', '.join(DATASETS)}")
        return name

    def describe(self) -> str:
        target = (
            f"≥ {self.threshold:.0%} test accuracy"
            if self.metric == "test_accuracy"
            else f"test loss ≤ {self.threshold:g}"
        )
        parts = [self.dataset, target]
        if self.max_neurons is not None:
            parts.append(f"≤ {self.max_neurons} neurons")
        if self.max_epochs is not None:
            parts.append(f"≤ {self.max_epochs} epochs")
        return ", ".join(parts)


@dataclass(frozen=True, order=True)
class Result:
    """Sorts best first: goal met, then fewest parameters, then fewest epochs."""

    unmet: bool
    parameters: int
    epochs: int


def check(goal: Goal, trainer: Trainer) -> Result:
    """The first epoch of this run that met the goal, within its constraints."""
    config = trainer.config
    parameters = trainer.network.params.size
    fits = config.dataset == goal.dataset and (
        goal.max_neurons is None or sum(config.hidden) <= goal.max_neurons
    )
    if fits:
        for record in trainer.history:
            if goal.max_epochs is not None and record.epoch > goal.max_epochs:
                break
            if _meets(goal, getattr(record, goal.metric)):
                return Result(False, parameters, record.epoch)
    return Result(True, parameters, trainer.epoch_count)


def _meets(goal: Goal, value: float | None) -> bool:
    if value is None or value != value:  # not measured, or NaN
        return False
    return value >= goal.threshold if goal.metric == "test_accuracy" else value <= goal.threshold


def better(old: Result | None, new: Result) -> Result:
    """A student keeps their best answer, even after they change the network."""
    return new if old is None or new < old else old
