"""One tab's session: its Trainer, and what the tab's messages do to it.

The websocket route feeds ``handle()`` parsed control messages; each changes the
trainer or the play state and tells the pump (app/pump.py), which trains and sends
the frames app/frame_builder.py makes for this tab's page (errors: app/notices.py).
"""

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from app import protocol
from app.error_slots import GENERAL
from app.fragments import Fragments, notice
from app.frame_builder import Moment, PageState, build_frame
from app.frames import FrameStream
from app.lessons import Lesson, find_step
from app.notices import Notices
from app.page_views import PageViews
from app.pump import Pump, Send
from app.session_data import SessionData
from engine.config import MAX_SEED, ExperimentConfig
from engine.errors import InputError
from engine.trainer import READY, Trainer
from engine.weights import set_bias, set_weight


class Session:
    """A Trainer driven by one tab's messages; ``send`` writes to its websocket."""

    def __init__(
        self,
        config: ExperimentConfig,
        fragments: Fragments,
        send: Send,
        *,
        compress: bool = True,
        lessons: Mapping[str, Lesson] = MappingProxyType({}),
        trainer: Trainer | None = None,
        **pacing: Any,  # the pump's max_fps, turns and clock (app/pump.py)
    ) -> None:
        # A room's leader keeps its trainer across reconnects; a fork starts from a copy.
        self.trainer = trainer or Trainer.from_config(config)
        self.lessons = lessons  # the steps ``open`` may start (the app's, app/main.py)
        self.fragments = fragments
        self.notices = Notices(fragments, send)
        self._compress = compress
        # What this tab's page has been sent; its frames are one zlib stream.
        # A tab's page starts at 1× as its session does, and says so if it differs.
        self.page = PageState(stream=FrameStream() if compress else None, speed=1.0)
        self.pump = Pump(self.trainer, self._frame, send, self._prepare, self._stopped, **pacing)
        self._pending: dict[str, Any] = {}  # config changes accepted, not yet in force
        # Called with every moment this session draws: a room streams it to followers.
        self.watchers: list[Callable[[Moment], None]] = []
        self.views = PageViews(self)  # step-through, hidden space, batch highlight
        self.data = SessionData(self)  # drawn and uploaded points, opened model files

    # Control messages

    async def handle(self, message: protocol.Message) -> None:
        """Apply one message; a bad one gets an error fragment and changes nothing."""
        try:
            name = f"_on_{message.type}"
            owner = next(o for o in (self, self.data, self.views) if hasattr(o, name))
            getattr(owner, name)(message)
        except InputError as exc:
            await self.report(exc)
            return
        except ValueError as exc:  # the engine refusing something the models let through
            await self.report(InputError(GENERAL, str(exc)))
            return
        self.views.after(message)
        self.pump.wake()
        if isinstance(message, protocol.Ack):
            return
        # A valid message clears its own error slot; a valid config, every config
        # slot (the frame brings the controls back in line with the config).
        stale = {GENERAL, message.slot}
        if isinstance(message, protocol.Config):
            stale |= set(ExperimentConfig.model_fields)
        await self.notices.clear(stale)
        if self.notices.banner_shown and self.trainer.state == READY:
            await self.send_banner()

    def is_valid_ack(self, message: protocol.Message | InputError | None) -> bool:
        """The ack of the frame the page draws: one lost would stall the tab."""
        return isinstance(message, protocol.Ack) and message.frame == self.pump.unacked

    async def report(self, error: InputError) -> None:
        await self.notices.report(error)

    async def send_banner(self, level: str = "info", text: str = "") -> None:
        await self.notices.banner(level, text)

    # One handler per message type, named ``_on_<type>``, here or for the optional
    # views in PageViews (tests/app check every type has one).

    def _on_config(self, message: protocol.Config) -> None:
        # Checked now, so an error shows at once; applied when the pump next works,
        # so configs that queue up meanwhile cost one rebuild, the last one winning.
        changes = {**self._pending, **message.changes}
        self.trainer.config.updated(changes)
        self._pending = changes
        self.pump.owe()

    def apply_config(self) -> None:
        """Put the accepted config changes in force (the pump calls it before it trains
        and before it builds a frame; messages that depend on the config, first)."""
        changes, self._pending = self._pending, {}
        if changes and self.trainer.configure(changes):
            self.pump.restart()

    def drop_pending(self) -> None:
        """Forget config changes not yet in force (a model file brings its own config)."""
        self._pending = {}

    def _on_play(self, _: protocol.Message) -> None:
        self.apply_config()
        # A diverged or early-stopped trainer cannot train; its banner says why.
        self.pump.playing = self.trainer.state == READY
        if not self.pump.playing:
            self.notices.banner_shown = False
        self.pump.owe()

    def _on_pause(self, _: protocol.Message) -> None:
        self.pump.playing = False
        self.pump.owe()

    def _on_step(self, message: protocol.Step) -> None:
        self.apply_config()
        self.pump.step(message.unit)

    def _on_reset(self, _: protocol.Message) -> None:
        self.trainer.reset()
        self.pump.restart()

    def _on_regenerate(self, _: protocol.Regenerate) -> None:
        seed = self.trainer.config.updated(self._pending).seed
        self._pending = {**self._pending, "seed": seed + 1 if seed < MAX_SEED else 0}
        self.pump.owe()

    def _on_speed(self, message: protocol.Speed) -> None:
        self.pump.epochs_per_frame = message.epochs_per_frame

    def _on_ack(self, message: protocol.Ack) -> None:
        self.pump.ack(message.frame)

    def _on_set_weight(self, m: protocol.SetWeight) -> None:
        self._edit(set_weight, m.layer, m.source, m.target, m.value)

    def _on_set_bias(self, m: protocol.SetBias) -> None:
        self._edit(set_bias, m.layer, m.neuron, m.value)

    def _edit(self, setter: Callable[..., None], *args: float) -> None:
        self.apply_config()
        try:
            setter(self.trainer.network, *args)
        except ValueError as exc:
            raise InputError(GENERAL, f"cannot edit the network: {exc}") from None
        self.pump.at_record = False
        self.pump.owe()

    def _on_open(self, message: protocol.Open) -> None:
        step = find_step(self.lessons, message.lesson, message.step)
        self._pending = {}  # the step's config replaces any not yet in force
        # A step is a fresh experiment: from its seed even when only live keys (or
        # nothing) differ, which ``configure`` alone would apply to the old weights.
        if not self.trainer.configure(step.config.model_dump()):
            self.trainer.reset()
        self.views.chosen_pair = None  # each step is seen in its own default view
        self.pump.epochs_per_frame = step.speed
        self.pump.playing = step.play
        self.pump.restart()

    # What the pump calls back

    def _frame(self) -> bytes:
        pump = self.pump
        moment = Moment(
            self.trainer,
            pump.frame_number,
            pump.playing,
            pump.run_number,
            self.views.pair(self.trainer),
            pump.at_record,
            (*self.views.extras(self.trainer), *self.data.extras()),
            pump.epochs_per_frame,
        )
        frame = build_frame(self.data.with_token(moment, self.page), self.page, self._compress)
        for watch in self.watchers:
            watch(moment)
        return frame

    async def _prepare(self) -> None:
        try:
            self.apply_config()
        except InputError as exc:  # what only the trainer checks (a custom dataset's size)
            await self.report(exc)
        if self.notices.banner_shown and self.trainer.state == READY:  # a rebuild: training again
            await self.send_banner()

    async def _stopped(self) -> None:
        level, text = notice(self.trainer)
        # Sent once, or again when its words change (a waiting trainer counts the points).
        if not self.notices.banner_shown or text != self.notices.banner_text:
            await self.send_banner(level, text)
