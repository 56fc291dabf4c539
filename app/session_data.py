"""A session's data and model from the person: drawn points, uploads, an opened model.

The draw messages (``add_point``, ``remove_point``, ``clear_points``) edit the points
under a network that keeps learning; too few to train on leave the trainer waiting
(engine/trainer.py, ``WAITING``) with its banner saying what to draw, and training
resumes by itself once there are enough, if it was playing when the points were
cleared. An upload replaces the points and starts a fresh network (with as many
outputs as the file has classes); an opened model file replaces the whole trainer.
Anything refused leaves the session's data and model as they were (the engine
checks before it changes anything).
"""

import secrets
from dataclasses import replace

import numpy as np

from app.custom_data import KEY
from app.frame_builder import Moment, PageState
from app.frame_extras import Extra
from app.protocol import AddPoint, ClearPoints, RemovePoint
from app.session_core import SessionCore
from engine.config import CUSTOM
from engine.datasets import MAX_CUSTOM_POINTS, class_labels
from engine.errors import InputError
from engine.trainer import READY, WAITING, Trainer

Array = np.ndarray


class SessionData:
    """``_on_<type>`` for the draw messages, and the upload and model-file actions."""

    def __init__(self, session: SessionCore) -> None:
        self._session = session
        # Binds the tab's uploads and downloads (app/routes/files.py) to this session;
        # sent in its page's reset frames only, never to a room's followers.
        self.token = secrets.token_urlsafe(18)
        # The uploaded file's label texts, one per class, while its classes are drawn
        # on; the frames carry them for the page to name the classes.
        self.class_names: tuple[str, ...] | None = None
        self._resume = False  # training played when the points were cleared

    def with_token(self, moment: Moment, page: PageState) -> Moment:
        """The moment as this tab's page sees it: a reset frame carries the token (again)."""
        if page.run == moment.run:
            return moment
        return replace(moment, extras=(*moment.extras, Extra({"token": self.token})))

    def points(self) -> tuple[Array, Array]:
        """The points being drawn on: the custom ones, else the generated dataset's
        (so drawing on the circle edits the circle)."""
        trainer = self._session.trainer
        if trainer.config.dataset == CUSTOM and trainer.custom_data is not None:
            return trainer.custom_data
        return (
            np.concatenate([trainer.X_train, trainer.X_test]),
            np.concatenate([trainer.y_train, trainer.y_test]),
        )

    def _on_add_point(self, m: AddPoint) -> None:
        self._session.apply_config()
        X, y = self.points()
        if len(X) >= MAX_CUSTOM_POINTS:
            raise InputError(KEY, f"the data has {MAX_CUSTOM_POINTS:,} points, the most it can")
        config = self._session.trainer.config
        if config.problem == "classification" and m.label not in class_labels(config.classes):
            raise InputError(KEY, f"add_point: {_label_rule(config.classes)}; got {m.label:g}")
        self._draw(np.vstack([X, [[m.x1, m.x2]]]), np.append(y, m.label))

    def _on_remove_point(self, m: RemovePoint) -> None:
        self._session.apply_config()
        X, y = self.points()
        if not len(X):
            raise InputError(KEY, "there are no points to remove")
        nearest = int(np.argmin(((X - [m.x1, m.x2]) ** 2).sum(axis=1)))
        self._draw(np.delete(X, nearest, axis=0), np.delete(y, nearest))

    def _on_clear_points(self, _: ClearPoints) -> None:
        self._session.apply_config()
        # The pump pauses a waiting trainer; the first trainable drawing plays again.
        self._resume = self._session.pump.playing
        self._draw(np.zeros((0, 2)), np.zeros(0))

    def _draw(self, X: Array, y: Array) -> None:
        trainer, pump = self._session.trainer, self._session.pump
        if trainer.config.dataset != CUSTOM:
            self.class_names = None  # another dataset since the upload: its names are gone
        waited = trainer.state == WAITING
        trainer.use_points(X, y)
        if waited and trainer.state == READY and self._resume:
            pump.playing, self._resume = True, False
        pump.owe()

    def load_points(self, X: Array, y: Array, class_names: tuple[str, ...] = ()) -> None:
        """Train a fresh network on uploaded points (the dataset becomes custom); for
        classification, ``class_names`` are the label texts of classes ±1 (two) or
        0 … K−1, and the network gets one output per class for three or more."""
        session = self._session
        session.apply_config()
        classes = len(class_names) if session.trainer.config.problem == "classification" else None
        session.trainer.use_points(X, y, classes)
        session.trainer.reset()
        self.class_names = class_names or None
        session.pump.restart()
        session.pump.wake()

    @property
    def class_names_now(self) -> tuple[str, ...]:
        """The uploaded classes' names while the trainer still has those classes."""
        config = self._session.trainer.config
        names = self.class_names
        if names is None or config.dataset != CUSTOM or len(names) != config.classes:
            return ()
        return names

    def extras(self) -> tuple[Extra, ...]:
        """What a frame adds about the data: the uploaded classes' names."""
        names = self.class_names_now
        return (Extra({"class_names": list(names)}),) if names else ()

    def swap_trainer(
        self, trainer: Trainer, epoch: int = 0, class_names: tuple[str, ...] = ()
    ) -> None:
        """Put an opened model's trainer in place of the session's, paused, at the
        epoch the file was saved at (its history is not in the file)."""
        trainer.epoch_count = epoch
        session = self._session
        session.trainer = session.pump.trainer = trainer
        self.class_names = class_names or None
        session.drop_pending()
        session.views.clear()
        session.page.data_version = None  # a new trainer counts its data from 1 again
        session.pump.playing = False
        session.pump.restart()
        session.pump.at_record = False  # no history: the frame measures the opened network
        session.pump.wake()


def _label_rule(classes: int) -> str:
    if classes == 2:
        return "a class label is 1 or -1"
    return f"a class label is 0 … {classes - 1} ({classes} classes)"
