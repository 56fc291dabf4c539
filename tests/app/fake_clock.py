"""Sessions on a fake clock, without a socket: tests assert on what happened
(which frames went, when on the fake clock, how much work ran), never on how
long it took, and every wait is bounded by turns of the event loop."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

from fastapi.templating import Jinja2Templates

from app.fragments import Fragments
from app.protocol import parse_message
from app.session import Session
from app.settings import Settings
from engine.config import ExperimentConfig
from tests.app.conftest import Inflater

BATCH_SECONDS = 1e-4  # the work time one mini-batch takes on the fake clock


class FakeClock:
    """Scheduling time that moves only when the test calls ``advance``, and work
    time that moves by ``BATCH_SECONDS`` per mini-batch trained (``Recorder``)."""

    def __init__(self) -> None:
        self.time = 0.0
        self.work = 0.0
        self._moved = asyncio.Event()

    def now(self) -> float:
        return self.time

    def work_time(self) -> float:
        return self.work

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        deadline = self.time + timeout
        while not event.is_set() and self.time < deadline:
            waiters = [asyncio.ensure_future(e.wait()) for e in (event, self._moved)]
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()

    def advance(self, seconds: float) -> None:
        self.time += seconds
        self._moved.set()
        self._moved = asyncio.Event()


class Recorder:
    """One session on the fake clock; keeps what it sends, and when."""

    def __init__(
        self, clock: FakeClock, config: dict | None = None, max_fps: float = 1000.0
    ) -> None:
        env = Jinja2Templates(directory=Settings().templates_dir).env
        self.clock = clock
        self.sent: list[str | bytes] = []
        self.sent_at: list[float] = []  # the fake time of each frame
        self._inflate, self._headers = Inflater(), []
        self.session = Session(
            ExperimentConfig.parse(config or {}),
            Fragments(env),
            self._send,
            max_fps=max_fps,
            clock=clock,
        )
        self.pump = self.session.pump
        trainer = self.session.trainer
        steps = trainer.steps

        def timed(n_batches: int) -> Any:
            before = trainer.step_count
            result = steps(n_batches)
            clock.work += BATCH_SECONDS * max(1, trainer.step_count - before)
            return result

        trainer.steps = timed

    async def _send(self, data: str | bytes) -> None:
        self.sent.append(data)
        if isinstance(data, bytes):
            self.sent_at.append(self.clock.now())

    @property
    def frames(self) -> list[bytes]:
        return [m for m in self.sent if isinstance(m, bytes)]

    @property
    def texts(self) -> list[str]:
        return [m for m in self.sent if isinstance(m, str)]

    def header(self, index: int = -1) -> dict:
        """The JSON header of a sent frame (the last by default)."""
        frames = self.frames
        while len(self._headers) < len(frames):  # a stream reads in order, once
            frame = frames[len(self._headers)]
            length = int.from_bytes(frame[6:10], "little")  # docs/protocol.md
            self._headers.append(json.loads(self._inflate(frame)[1][:length]))
        return self._headers[index]

    async def message(self, kind: str, **fields: object) -> None:
        await self.session.handle(parse_message(json.dumps({"type": kind, **fields})))

    async def ack(self) -> None:
        await self.message("ack", frame=self.pump.frame_number)


async def settle(passes: int = 200) -> None:
    """Give every ready task ``passes`` turns of the event loop: a pump that has a
    frame to send sends it, so a test sees what was not sent."""
    for _ in range(passes):
        await asyncio.sleep(0)


async def until(condition: Callable[[], bool], passes: int = 20_000) -> int:
    """Run the event loop until ``condition()`` holds; fail after ``passes`` turns.
    Returns how many turns it took."""
    for done in range(passes):
        if condition():
            return done
        await asyncio.sleep(0)
    raise AssertionError(f"still not so after {passes} turns of the event loop")


def run(scenario: Callable[..., Any]) -> None:
    """Run ``await scenario(start)``, where ``start(config, max_fps)`` starts a
    session's pump on one shared fake clock (``start.clock``); every pump is
    cancelled at the end."""

    async def main() -> None:
        clock, pumps = FakeClock(), []

        def start(*args: Any, **kwargs: Any) -> Recorder:
            recorder = Recorder(clock, *args, **kwargs)
            pumps.append(asyncio.create_task(recorder.pump.run()))
            return recorder

        start.clock = clock
        try:
            await scenario(start)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)

    asyncio.run(main())
