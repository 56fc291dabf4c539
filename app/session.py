"""One tab's session: its Trainer, and what the tab's messages do to it.

The websocket route feeds ``handle()`` parsed control messages; each changes
the trainer or the play state and tells the pump (app/pump.py), which trains
and sends the frames that ``build_frame`` (app/frame_builder.py) makes for
this tab's page. Errors go beside the control they concern, the banner says
why training stopped by itself.
"""

from collections.abc import Callable, Mapping
from types import MappingProxyType

from app.clock import Clock
from app.error_slots import GENERAL, place
from app.fragments import Fragments, notice
from app.frame_builder import Moment, PageState, build_frame
from app.hidden_space_content import HiddenChoice
from app.lessons import Lesson
from app.lessons import Step as LessonStep
from app.page_views import PageViews
from app.protocol import (
    Ack,
    Config,
    HiddenView,
    Message,
    Open,
    Regenerate,
    SetBias,
    SetWeight,
    ShowBatch,
    Speed,
    Step,
    Stepper,
    View,
)
from app.pump import Pump, Send
from app.turns import Turns
from engine.config import ExperimentConfig
from engine.errors import InputError
from engine.trainer import READY, Trainer
from engine.weights import set_bias, set_weight

MAX_SEED = 2**32 - 1


class Session:
    """A Trainer driven by one tab's messages; ``send`` writes to its websocket."""

    def __init__(
        self,
        config: ExperimentConfig,
        fragments: Fragments,
        send: Send,
        *,
        max_fps: float = 20.0,
        turns: Turns | None = None,
        compress: bool = True,
        clock: Clock | None = None,
        lessons: Mapping[str, Lesson] = MappingProxyType({}),
        trainer: Trainer | None = None,
    ) -> None:
        # A room's leader keeps its trainer across the lecturer's reconnects, and a
        # student's fork starts from a copy of it: both hand one in.
        self.trainer = trainer or Trainer.from_config(config)
        self.lessons = lessons  # the steps ``open`` may start (the app's, app/main.py)
        self.fragments = fragments
        self._send = send
        self._compress = compress
        self.page = PageState()  # what this tab's page has been sent
        self.pump = Pump(
            self.trainer,
            self._frame,
            send,
            self._stopped,
            max_fps=max_fps,
            turns=turns,
            clock=clock,
        )
        self._chosen_pair: list[str] | None = None
        self._shown_errors: set[str] = set()
        self._banner_shown = False
        # Called with every moment this session draws: a room streams it to followers.
        self.watchers: list[Callable[[Moment], None]] = []
        self.views = PageViews()  # step-through, hidden space, batch highlight

    @property
    def pair(self) -> list[str]:
        """The representation view's axes: the tab's choice, else r and θ when both are
        inputs, else the first two inputs (x1, x2 for a single input)."""
        features = self.trainer.config.features
        if self._chosen_pair:
            return self._chosen_pair
        if {"r", "theta"} <= set(features):
            return ["r", "theta"]
        return features[:2] if len(features) > 1 else ["x1", "x2"]

    # Control messages

    async def handle(self, message: Message) -> None:
        """Apply one message; a bad one gets an error fragment and changes nothing."""
        try:
            getattr(self, f"_on_{message.type}")(message)
        except InputError as exc:
            await self.report(exc)
            return
        except ValueError as exc:  # the engine refusing something the models let through
            await self.report(InputError(GENERAL, str(exc)))
            return
        self.views.after(message)
        self.pump.wake()
        if isinstance(message, Ack):
            return
        # A valid message clears its own error slot; a valid config, every config
        # slot (the frame brings the controls back in line with the config).
        stale = {GENERAL, message.slot}
        if isinstance(message, Config):
            stale |= set(ExperimentConfig.model_fields)
        for key in sorted(stale & self._shown_errors):
            self._shown_errors.discard(key)
            await self._send(self.fragments.error(key))
        if self._banner_shown and self.trainer.state == READY:
            await self.send_banner()

    async def report(self, error: InputError) -> None:
        """Show an error beside the control it concerns, or in the general slot."""
        key, message = place(error)
        self._shown_errors.add(key)
        await self._send(self.fragments.error(key, message))

    async def send_banner(self, level: str = "info", text: str = "") -> None:
        """Show the page-wide banner; no text hides it."""
        self._banner_shown = bool(text)
        await self._send(self.fragments.banner(level, text))

    # One handler per message type, named ``_on_<type>`` (tests/app check every type has one).

    def _on_config(self, message: Config) -> None:
        if self.trainer.configure(message.changes):
            self.pump.restart()
        self.pump.owe()

    def _on_play(self, _: Message) -> None:
        # A diverged or early-stopped trainer cannot train; its banner says why.
        self.pump.playing = self.trainer.state == READY
        if not self.pump.playing:
            self._banner_shown = False
        self.pump.owe()

    def _on_pause(self, _: Message) -> None:
        self.pump.playing = False
        self.pump.owe()

    def _on_step(self, message: Step) -> None:
        self.pump.step(message.unit)

    def _on_reset(self, _: Message) -> None:
        self.trainer.reset()
        self.pump.restart()

    def _on_regenerate(self, _: Regenerate) -> None:
        seed = self.trainer.config.seed
        self.trainer.configure({"seed": seed + 1 if seed < MAX_SEED else 0})
        self.pump.restart()

    def _on_speed(self, message: Speed) -> None:
        self.pump.epochs_per_frame = message.epochs_per_frame

    def _on_ack(self, message: Ack) -> None:
        self.pump.ack(message.frame)

    def _on_set_weight(self, m: SetWeight) -> None:
        self._edit(set_weight, m.layer, m.source, m.target, m.value)

    def _on_set_bias(self, m: SetBias) -> None:
        self._edit(set_bias, m.layer, m.neuron, m.value)

    def _edit(self, setter: Callable[..., None], *args: float) -> None:
        try:
            setter(self.trainer.network, *args)
        except ValueError as exc:
            raise InputError(GENERAL, f"cannot edit the network: {exc}") from None
        self.pump.at_record = False
        self.pump.owe()

    def _on_view(self, message: View) -> None:
        self._chosen_pair = message.pair
        self.pump.owe()

    def _on_open(self, message: Open) -> None:
        step = self._lesson_step(message.lesson, message.step)
        # A step is a fresh experiment: from its seed even when only live keys (or
        # nothing) differ, which ``configure`` alone would apply to the old weights.
        if not self.trainer.configure(step.config.model_dump()):
            self.trainer.reset()
        self._chosen_pair = None  # each step is seen in its own default view
        self.pump.epochs_per_frame = step.speed
        self.pump.playing = step.play
        self.pump.restart()

    def _lesson_step(self, name: str, number: int) -> LessonStep:
        lesson = self.lessons.get(name)
        if lesson is None:
            raise InputError(GENERAL, f"no lesson {name!r}; choose from {', '.join(self.lessons)}")
        if number > len(lesson.steps):
            raise InputError(GENERAL, f"{name} has steps 1 … {len(lesson.steps)}; got {number}")
        return lesson.steps[number - 1]

    def _on_stepper(self, message: Stepper) -> None:
        self.pump.playing = False
        if message.action == "exit":
            self.views.stepper = None
        else:
            epoch = self.trainer.epoch_count
            if self.views.next_stage(self.trainer).done:  # the update trained the batch
                self.pump.at_record = self.trainer.epoch_count != epoch
        self.pump.owe()

    def _on_hidden_view(self, m: HiddenView) -> None:
        choice = None if m.layer is None else HiddenChoice(m.layer, m.projection, tuple(m.neurons))
        self.views.choose_hidden(self.trainer, choice)
        self.pump.owe()

    def _on_show_batch(self, message: ShowBatch) -> None:
        self.views.show_batch = message.on
        self.pump.owe()

    # What the pump calls back

    def _frame(self) -> bytes:
        pump = self.pump
        moment = Moment(
            self.trainer,
            pump.frame_number,
            pump.playing,
            pump.run_number,
            self.pair,
            pump.at_record,
            self.views.extras(self.trainer),
        )
        frame = build_frame(moment, self.page, self._compress)
        for watch in self.watchers:
            watch(moment)
        return frame

    async def _stopped(self) -> None:
        if not self._banner_shown:
            await self.send_banner(*notice(self.trainer))
