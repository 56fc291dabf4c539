"""The message budget: one warning per flood, acks that count and acks that must
not be lost, messages dropped before they are parsed, and a flood that goes on
closing its tab. Time is the test's (``manual_time``), so counts are exact."""

import asyncio

import pytest

from app.protocol import parse_message as parse
from app.rate_limit import FLOOD_SECONDS, Flood, MessageBudget
from app.routes import ws
from app.settings import Settings
from tests.app.fake_clock import FakeClock, Recorder

FAST = {"max_frames_per_second": 1000.0}


def warnings_in(texts: list[str]) -> int:
    return sum("too many messages" in text for text in texts)


@pytest.mark.parametrize("settings", [Settings(max_messages_per_second=5, **FAST)])
def test_a_flood_gets_one_warning_however_long_it_lasts(connect, manual_time):
    tab = connect()
    first = tab.frame(ack=False)
    for _ in range(100):  # 25 to 50 a second (a reading or two each), for seconds
        tab.send("view", pair="r,theta")
    tab.send("ack", frame=first.header["frame"])
    second = tab.frame(ack=False)  # every message before the ack has been read
    assert warnings_in(tab.texts) == 1
    manual_time.now += 2.0  # a quiet while: the bucket is full, the flood is over
    tab.texts.clear()
    for _ in range(10):
        tab.send("view", pair="x1,x2")
    tab.send("ack", frame=second.header["frame"])
    tab.frame()
    assert warnings_in(tab.texts) == 1  # a new flood, a new warning


@pytest.mark.parametrize("settings", [Settings(max_messages_per_second=5, **FAST)])
def test_invalid_acks_count_against_the_rate(connect, manual_time):
    manual_time.step = 0.0  # no refills during the test
    tab = connect()
    first = tab.frame(ack=False)
    tab.send("view", pair="r,theta")  # owes a frame, sent once the first is acked
    for _ in range(30):
        tab.send("ack", frame=99)
    tab.send("ack", frame=first.header["frame"])
    assert tab.frame().header["representation"]["pair"] == ["r", "theta"]
    errors = [text for text in tab.texts if "never sent" in text]
    assert len(errors) <= 5 and warnings_in(tab.texts) == 1


@pytest.mark.parametrize(
    "settings", [Settings(max_messages_per_second=5, max_frames_per_second=20.0)]
)
def test_acks_beyond_twice_the_frame_rate_are_a_flood_and_valid_ones_still_count(
    connect, manual_time
):
    manual_time.step = 0.0
    tab = connect()
    first = tab.frame(ack=False)
    tab.send("view", pair="r,theta")
    for _ in range(100):  # stale acks are valid, and 40 a second is the most that make sense
        tab.send("ack", frame=0)
    tab.send("ack", frame=first.header["frame"])  # beyond the budget, and still honoured
    assert tab.frame().header["representation"]["pair"] == ["r", "theta"]
    assert warnings_in(tab.texts) == 1


def test_a_flood_starts_once_goes_on_and_is_sustained_after_its_seconds(manual_time):
    manual_time.step = 0.0
    budget = MessageBudget(rate=5, ack_rate=40)
    assert all(budget.admit() and budget.allow() for _ in range(5))
    assert budget.admit() and not budget.allow()  # read, and over the budget
    assert budget.overflow() is Flood.STARTED
    sustained = int(FLOOD_SECONDS * 45)
    assert {budget.overflow() for _ in range(sustained - 1)} == {Flood.GOING_ON}
    assert budget.overflow() is Flood.SUSTAINED
    manual_time.now += 1.0  # a quiet second: every bucket is full, the flood is over
    assert budget.admit() and budget.allow()
    assert all(budget.admit() and budget.allow() for _ in range(4))
    assert budget.admit() and not budget.allow() and budget.overflow() is Flood.STARTED


def test_past_reading_and_answering_rates_messages_are_dropped_unread(manual_time):
    manual_time.step = 0.0
    budget = MessageBudget(rate=5, ack_rate=40)
    assert sum(budget.admit() for _ in range(100)) == 45


FLOOD = Settings(max_messages_per_second=5, max_frames_per_second=20.0)


@pytest.mark.parametrize("settings", [FLOOD])
def test_a_flood_is_dropped_before_parsing_and_closes_the_tab_with_a_banner(
    connect, manual_time, monkeypatch
):
    manual_time.step = 0.0
    parsed = []
    monkeypatch.setattr(ws, "parse_message", lambda text: parsed.append(text) or parse(text))
    tab = connect()
    tab.frame()
    for _ in range(400):
        tab.send("view", pair="r,theta")
    texts, code = tab.until_closed()
    assert code == 1008
    assert len(parsed) <= 45  # a second's worth of reading; the rest were dropped unread
    assert warnings_in(texts) == 1
    banner = next(text for text in texts if "banner" in text)
    assert "banner-error" in banner and "sent more messages than the server accepts" in banner
    assert "(5 a second)" in banner and "disconnected" in banner


def test_the_reader_yields_to_other_tasks_at_every_message():
    """Queued messages are read without suspending: the loop must yield itself."""

    class QueuedSocket:
        def __init__(self, texts: list[str]) -> None:
            self.events = [{"type": "websocket.receive", "text": t} for t in texts]
            self.events.append({"type": "websocket.disconnect"})

        async def receive(self) -> dict:
            return self.events.pop(0)

    async def scenario() -> int:
        passes = 0

        async def other_tab() -> None:
            nonlocal passes
            while True:
                passes += 1
                await asyncio.sleep(0)

        other = asyncio.create_task(other_tab())
        await asyncio.sleep(0)
        tab = Recorder(FakeClock())
        socket = QueuedSocket(['{"type": "speed", "epochs_per_frame": 2}'] * 100)
        await ws.receive(socket, tab.session, Settings(max_messages_per_second=1000.0))
        other.cancel()
        return passes

    assert asyncio.run(scenario()) >= 100
