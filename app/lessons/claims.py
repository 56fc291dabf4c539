"""A step's claims: what its sentence says, written so a test can check it.

One claim is one line of plain words over the epochs the page reaches::

    test_accuracy >= 0.95 from 100 to 300     every epoch from 100 to 300
    train_loss <= 0.01 at 200                 at epoch 200
    test_loss rises from 50 to 300            steadily: each fifth of the span
                                              averages higher than the one before
    train_loss falls from 50 to 300           (likewise, lower)
    train_loss spread <= 0.01 from 10 to 300  flat: highest minus lowest
    train_loss jumps >= 0.1 from 100 to 300   jumpy: the mean change from epoch to epoch
    diverged from 100 to 300                  a yes/no measure, true throughout

The measures are those of app/lessons/measures.py. ``check`` trains the step's
own config from its seed, as the page does when the step opens, and says
which claims fail.
"""

import itertools
import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from app.lessons.measures import MEASURES, Moment
from engine.config import ExperimentConfig
from engine.trainer import Trainer

# Claims reach at most this far: a few minutes of playing at 1× on the page.
MAX_EPOCH = 2000
TREND_PARTS = 5  # "rises" compares the means of this many consecutive parts

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
TRENDS = {"rises": operator.gt, "falls": operator.lt}
STATISTICS: dict[str, Callable[[np.ndarray], float]] = {
    "spread": lambda values: float(np.ptp(values)),
    "jumps": lambda values: float(np.abs(np.diff(values)).mean()),
}

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_GRAMMAR = re.compile(
    rf"""
    (?P<measure>\w+)
    (?:\s+(?P<statistic>{"|".join(STATISTICS)}))?
    (?:\s+(?P<op>{"|".join(map(re.escape, COMPARISONS))})\s*(?P<value>{_NUMBER})
      |\s+(?P<trend>{"|".join(TRENDS)}))?
    \s+(?:at\s+(?P<at>\d+)|from\s+(?P<first>\d+)\s+to\s+(?P<last>\d+))
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Claim:
    text: str  # as the lesson wrote it, for messages
    measure: str
    first: int  # epochs, inclusive
    last: int
    op: str | None = None
    value: float | None = None
    statistic: str | None = None  # over the whole span, instead of every epoch
    trend: str | None = None

    @property
    def epochs(self) -> range:
        return range(self.first, self.last + 1)

    def judge(self, values: Sequence[float]) -> str | None:
        """None when ``values`` (the measure at each epoch of the span) bear the
        claim out, else what was seen instead."""
        series = np.asarray(values, dtype=float)
        if self.trend:
            parts = [float(p.mean()) for p in np.array_split(series, TREND_PARTS)]
            steady = all(TRENDS[self.trend](b, a) for a, b in itertools.pairwise(parts))
            return None if steady else f"the means of its fifths were {_numbers(parts)}"
        if self.statistic:
            seen = STATISTICS[self.statistic](series)
            return None if _holds(self.op, seen, self.value) else f"it was {seen:.4g}"
        if self.op is None:  # a flag
            misses = [e for e, v in zip(self.epochs, series, strict=True) if v != 1.0]
            return None if not misses else f"not at epoch {misses[0]}"
        misses = [
            (e, v)
            for e, v in zip(self.epochs, series, strict=True)
            if not _holds(self.op, v, self.value)
        ]
        return None if not misses else f"at epoch {misses[0][0]} it was {misses[0][1]:.4g}"


def _holds(op: str | None, seen: float, value: float | None) -> bool:
    assert op is not None and value is not None
    return math.isfinite(seen) and COMPARISONS[op](seen, value)


def _numbers(values: Iterable[float]) -> str:
    return ", ".join(f"{v:.4g}" for v in values)


def parse_claim(text: str) -> Claim:
    """The claim a line states; ValueError says what is wrong with it."""
    match = _GRAMMAR.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"cannot read claim {text!r}; write e.g. 'test_accuracy >= 0.9 from 100 to 300' "
            "or 'test_loss rises from 50 to 300'"
        )
    parts = match.groupdict()
    measure = MEASURES.get(parts["measure"])
    if measure is None:
        raise ValueError(
            f"unknown measure {parts['measure']!r} in {text!r}; choose from {', '.join(MEASURES)}"
        )
    first = int(parts["at"] or parts["first"])
    last = int(parts["at"] or parts["last"])
    if not 1 <= first <= last <= MAX_EPOCH:
        raise ValueError(f"epochs must run forwards within 1 … {MAX_EPOCH}; got {text!r}")
    compared = parts["op"] is not None
    if measure.flag and (compared or parts["trend"] or parts["statistic"]):
        raise ValueError(f"{measure.name} is yes or no: write '{measure.name} from A to B'")
    if not measure.flag and not (compared or parts["trend"]):
        raise ValueError(f"say how {measure.name} compares, e.g. '>= 0.5' or 'rises'")
    if parts["statistic"] and not compared:
        raise ValueError(f"{parts['statistic']} needs a comparison, e.g. 'spread <= 0.01'")
    if (parts["trend"] or parts["statistic"]) and last - first + 1 < TREND_PARTS:
        raise ValueError(f"a trend or spread needs at least {TREND_PARTS} epochs; got {text!r}")
    return Claim(
        text=text,
        measure=measure.name,
        first=first,
        last=last,
        op=parts["op"],
        value=float(parts["value"]) if compared else None,
        statistic=parts["statistic"],
        trend=parts["trend"],
    )


def check(config: ExperimentConfig, claims: Sequence[Claim]) -> list[str]:
    """Train ``config`` from its seed and return the claims that fail, each with what was seen."""
    values = measure_run(config, claims)
    failures = []
    for claim in claims:
        problem = claim.judge([values[claim.measure, e] for e in claim.epochs])
        if problem:
            failures.append(f"{claim.text!r} ({MEASURES[claim.measure].meaning}): {problem}")
    return failures


def measure_run(config: ExperimentConfig, claims: Sequence[Claim]) -> dict[tuple[str, int], float]:
    """Each claim's measure at each epoch of its span, from one run of the trainer.

    Once training ends by itself (diverged, early-stopped) the page shows the
    last state for good, so later epochs measure that state.
    """
    wanted: dict[int, set[str]] = {}
    for claim in claims:
        for epoch in claim.epochs:
            wanted.setdefault(epoch, set()).add(claim.measure)
    trainer = Trainer.from_config(config)
    initial = trainer.network.params.copy()
    values: dict[tuple[str, int], float] = {}
    for epoch in range(1, max(wanted, default=0) + 1):
        record = trainer.epoch() or trainer.evaluate()
        moment = Moment(trainer, record, initial)
        for name in wanted.get(epoch, ()):
            values[name, epoch] = float(MEASURES[name].read(moment))
    return values
