"""A session's data and model from the person: drawn points, uploads, an opened model.

The draw messages (``add_point``, ``remove_point``) edit the points under a network
that keeps learning; an upload replaces them and starts a fresh network; an opened
model file replaces the whole trainer. Anything refused leaves the session's data
and model as they were (the engine checks before it changes anything).
"""

import secrets
from dataclasses import replace

import numpy as np

from app.custom_data import KEY
from app.frame_builder import Moment, PageState
from app.frame_extras import Extra
from app.protocol import AddPoint, RemovePoint
from app.session_core import SessionCore
from engine.config import CUSTOM
from engine.datasets import MAX_CUSTOM_POINTS
from engine.errors import InputError
from engine.trainer import Trainer

Array = np.ndarray


class SessionData:
    """``_on_<type>`` for the draw messages, and the upload and model-file actions."""

    def __init__(self, session: SessionCore) -> None:
        self._session = session
        # Binds the tab's uploads and downloads (app/routes/files.py) to this session;
        # sent in its page's reset frames only, never to a room's followers.
        self.token = secrets.token_urlsafe(18)

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
        if self._session.trainer.config.problem == "classification" and m.label not in (-1, 1):
            raise InputError(KEY, f"add_point: a class label is 1 or -1; got {m.label:g}")
        self._draw(np.vstack([X, [[m.x1, m.x2]]]), np.append(y, m.label))

    def _on_remove_point(self, m: RemovePoint) -> None:
        self._session.apply_config()
        X, y = self.points()
        nearest = int(np.argmin(((X - [m.x1, m.x2]) ** 2).sum(axis=1)))
        self._draw(np.delete(X, nearest, axis=0), np.delete(y, nearest))

    def _draw(self, X: Array, y: Array) -> None:
        self._session.trainer.use_points(X, y)
        self._session.pump.owe()

    def load_points(self, X: Array, y: Array) -> None:
        """Train a fresh network on uploaded points (the dataset becomes custom)."""
        session = self._session
        session.apply_config()
        session.trainer.use_points(X, y)
        session.trainer.reset()
        session.pump.restart()
        session.pump.wake()

    def swap_trainer(self, trainer: Trainer, epoch: int = 0) -> None:
        """Put an opened model's trainer in place of the session's, paused, at the
        epoch the file was saved at (its history is not in the file)."""
        trainer.epoch_count = epoch
        session = self._session
        session.trainer = session.pump.trainer = trainer
        session.drop_pending()
        session.views.clear()
        session.page.data_version = None  # a new trainer counts its data from 1 again
        session.pump.playing = False
        session.pump.restart()
        session.pump.at_record = False  # no history: the frame measures the opened network
        session.pump.wake()
