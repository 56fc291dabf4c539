"""Opening a lesson step over the websocket: always a fresh experiment from the
step's config and seed, with the step's speed and play, in its default view."""

import html
import textwrap

import pytest

from app.settings import Settings
from tests.app.conftest import FAST

# Two steps that differ from the defaults, and from each other, only in live keys.
RATES = """
    title = "Rates"
    about = "Two learning rates."

    [[steps]]
    title = "Default"
    say = "The defaults."
    ask = "What happens?"

    [[steps]]
    title = "Faster"
    say = "Ten times the rate."
    ask = "What changes?"
    config = { learning_rate = 0.3 }
    play = true
    speed = 5
"""


@pytest.fixture
def settings(tmp_path) -> Settings:
    (tmp_path / "01-rates.toml").write_text(textwrap.dedent(RATES), encoding="utf-8")
    return Settings(**FAST, lessons=tmp_path)


def trained(tab, epochs: int = 3):
    for _ in range(epochs):
        frame = tab.roundtrip("step", unit="epoch")
    assert frame.header["epoch"] == epochs
    return frame


def network(frame):
    return frame.header["network"]["weights"], frame.header["network"]["biases"]


def test_a_step_differing_only_in_the_learning_rate_starts_like_a_fresh_session(connect, tab):
    trained(tab)
    opened = tab.roundtrip("open", lesson="rates", step=2)
    header = opened.header
    assert header["reset"] is True and header["epoch"] == 0 and header["step"] == 0
    assert header["config"]["learning_rate"] == 0.3
    assert header["history"]["epoch"] == []
    fresh = connect("learning_rate=0.3").frame()
    assert network(opened) == network(fresh)
    assert network(opened) == network(tab.first)  # same seed, same start


def test_a_step_plays_at_its_own_speed(tab):
    opened = tab.roundtrip("open", lesson="rates", step=2)
    assert opened.header["playing"] is True
    epochs = [tab.frame().header["epoch"] for _ in range(3)]
    assert all(epoch % 5 == 0 for epoch in epochs) and epochs[-1] >= 5


def test_opening_the_same_step_again_restarts_it(tab):
    first = tab.roundtrip("open", lesson="rates", step=1)
    assert first.header["playing"] is False
    trained(tab)
    again = tab.roundtrip("open", lesson="rates", step=1)
    assert again.header["reset"] is True and again.header["epoch"] == 0
    assert again.header["history"]["epoch"] == []
    assert network(again) == network(first)


def test_opening_a_step_shows_it_in_its_default_view(tab):
    assert tab.roundtrip("view", pair="r,theta").header["representation"]["pair"] == ["r", "theta"]
    opened = tab.roundtrip("open", lesson="rates", step=1)
    assert opened.header["representation"]["pair"] == ["x1", "x2"]


def test_view_without_a_pair_goes_back_to_the_default(connect):
    tab = connect("features=x1,r,theta")
    assert tab.frame().header["representation"]["pair"] == ["r", "theta"]
    assert tab.roundtrip("view", pair="x1,r").header["representation"]["pair"] == ["x1", "r"]
    assert tab.roundtrip("view", pair=None).header["representation"]["pair"] == ["r", "theta"]


@pytest.mark.parametrize(
    ("lesson", "step", "says"),
    [("nope", 1, "no lesson 'nope'; choose from rates"), ("rates", 3, "rates has steps 1 … 2")],
)
def test_an_unknown_lesson_or_step_is_an_error_and_changes_nothing(tab, lesson, step, says):
    trained(tab, 1)
    tab.send("open", lesson=lesson, step=step)
    error = tab.text()
    assert 'id="error-general"' in error and says in html.unescape(error)
    assert tab.roundtrip("pause").header["epoch"] == 1
