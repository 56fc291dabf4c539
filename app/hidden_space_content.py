"""What a frame says about the hidden-space view and the highlighted batch
(docs/protocol.md, ``hidden_space`` and ``batch``)."""

from dataclasses import dataclass

import numpy as np

from app.frame_content import output_range
from app.frame_extras import Extra
from app.frames import float_array
from engine.hidden_space import HiddenSpace, hidden_space
from engine.trainer import Trainer

HIDDEN_RESOLUTION = 40  # the output over the plane: a smooth enough boundary, a small map


@dataclass(frozen=True)
class HiddenChoice:
    layer: int  # hidden layer, 0 = the first
    projection: str  # "pca" or "neurons" (engine.hidden_space.PROJECTIONS)
    neurons: tuple[int, int]


def hidden_space_of(
    trainer: Trainer, choice: HiddenChoice, reference: np.ndarray | None
) -> HiddenSpace:
    """Training and test points (train first) through the chosen layer."""
    inputs = np.concatenate([trainer.inputs_train, trainer.inputs_test])
    if len(inputs) < 2:  # cleared points (draw mode): nothing to spread over a plane
        raise ValueError("the hidden space needs at least 2 points; draw some first")
    with np.errstate(all="ignore"):
        return hidden_space(
            trainer.network,
            inputs,
            choice.layer,
            choice.projection,
            choice.neurons,
            HIDDEN_RESOLUTION,
            reference,
        )


def hidden_space_extra(trainer: Trainer, choice: HiddenChoice, space: HiddenSpace) -> Extra:
    header = {
        "layer": choice.layer,
        "projection": choice.projection,
        "neurons": list(choice.neurons),
        "width": trainer.network.sizes[choice.layer + 1],
        "x_range": list(space.x_range),
        "y_range": list(space.y_range),
        "exact": space.exact,
        "explained": space.plane.explained,
        "output_range": list(output_range(trainer.config)),
    }
    arrays = [
        float_array("hidden_points", space.points),
        # Float, not a uint8 map: the boundary is a contour of it, and 64 shades
        # would make a straight line a staircase.
        float_array("hidden_output", space.output),
    ]
    return Extra({"hidden_space": header}, arrays)


def batch_extra(trainer: Trainer) -> Extra:
    """The last trained mini-batch's training-set indices."""
    return Extra({"batch": trainer.last_batch.tolist()})
