"""The optional views a tab has asked for, and what they add to its frames.

The representation's chosen axes. The step-through (engine/stepthrough.py),
which lives here between its stages: any message that changes the network,
the data or the play state ends it (the trainer is untouched until the update
stage, so nothing is half done). The hidden-space view, which keeps its last
PCA basis, so the picture keeps its orientation from frame to frame.
"""

import numpy as np

from app.frame_content import default_pair
from app.frame_extras import Extra
from app.hidden_space_content import HiddenChoice, batch_extra, hidden_space_extra, hidden_space_of
from app.protocol import Ack, HiddenView, Message, ShowBatch, Stepper, View
from app.session_core import SessionCore
from app.stepper_content import stepper_extra
from engine.stepthrough import StepThrough
from engine.trainer import Trainer

# Messages that leave a step-through where it is: they change no training state.
KEEP_STEPPING = (Ack, View, Stepper, HiddenView, ShowBatch)


class PageViews:
    """One tab's optional views; ``_on_<type>`` handles the messages that choose them."""

    def __init__(self, session: SessionCore) -> None:
        self._session = session
        self.chosen_pair: list[str] | None = None  # the representation's axes, if chosen
        self.stepper: StepThrough | None = None
        self.hidden: HiddenChoice | None = None
        self.show_batch = False
        self._basis: np.ndarray | None = None  # the hidden space's last plane

    def pair(self, trainer: Trainer) -> list[str]:
        """The representation view's axes: the tab's choice, else the default."""
        return self.chosen_pair or default_pair(trainer.config.features)

    def _on_view(self, message: View) -> None:
        self.chosen_pair = message.pair
        self._session.pump.owe()

    def _on_stepper(self, message: Stepper) -> None:
        session, trainer = self._session, self._session.trainer
        session.apply_config()
        session.pump.playing = False
        epoch = trainer.epoch_count
        if self.step_through(trainer, message.action):  # the update trained
            session.pump.at_record = trainer.epoch_count != epoch
        session.pump.owe()

    def _on_hidden_view(self, m: HiddenView) -> None:
        self._session.apply_config()
        self.choose_hidden(self._session.trainer, m.layer, m.projection, m.neurons)
        self._session.pump.owe()

    def _on_show_batch(self, message: ShowBatch) -> None:
        self.show_batch = message.on
        self._session.pump.owe()

    def after(self, message: Message) -> None:
        """A message was applied: one that changes the training ends the step-through."""
        if not isinstance(message, KEEP_STEPPING):
            self.stepper = None

    def clear(self) -> None:
        """Back to the plain views (a new trainer: its layers may differ)."""
        self.stepper, self.hidden, self._basis = None, None, None

    def step_through(self, trainer: Trainer, action: str) -> bool:
        """``next``: show the next stage, starting the next mini-batch after an update;
        ``exit``: leave the mode. Returns whether the trainer trained (the update)."""
        if action == "exit":
            self.stepper = None
            return False
        if self.stepper is None or self.stepper.done:
            self.stepper = StepThrough(trainer)
        self.stepper.advance()
        return self.stepper.done

    def choose_hidden(
        self, trainer: Trainer, layer: int | None, projection: str, neurons: list[int]
    ) -> None:
        """Switch the hidden-space view (layer None: off); a choice the network cannot
        show is refused with a ValueError saying why."""
        choice = None if layer is None else HiddenChoice(layer, projection, tuple(neurons))
        if choice is not None:
            hidden_space_of(trainer, choice, None)  # raises ValueError saying what is wrong
        self.hidden, self._basis = choice, None

    def extras(self, trainer: Trainer) -> tuple[Extra, ...]:
        extras = []
        if self.stepper is not None:
            extras.append(stepper_extra(self.stepper))
        if self.hidden is not None:
            extras.append(self._hidden_extra(trainer, self.hidden))
        if self.show_batch:
            extras.append(batch_extra(trainer))
        return tuple(extras)

    def _hidden_extra(self, trainer: Trainer, choice: HiddenChoice) -> Extra:
        try:
            space = hidden_space_of(trainer, choice, self._basis)
        except ValueError:  # a rebuild made the layer go away: the view switches off
            self.hidden = None
            return Extra({"hidden_space": None})
        self._basis = space.plane.basis
        return hidden_space_extra(trainer, choice, space)
