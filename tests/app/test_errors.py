"""Bad input over the websocket: each gets a fragment naming the problem, placed
beside its control (``error-KEY``) or in the general slot, and the session keeps
its last good state and goes on working."""

import html
import re

import pytest

from app.settings import Settings

FAST = {"max_frames_per_second": 1000.0}


def only_session(app):
    (session,) = app.state.sessions
    return session


def error_slot(fragment: str) -> tuple[str, str]:
    """(key, message) of an ``_error.html`` fragment, the message unescaped."""
    match = re.fullmatch(
        r'<span id="error-([\w]+)" class="field-error" role="alert" hx-swap-oob="true">(.*)</span>',
        fragment,
        re.S,
    )
    assert match, fragment
    return match.group(1), html.unescape(match.group(2))


def assert_alive(tab) -> None:
    """The tab still gets frames for its messages."""
    frame = tab.roundtrip("step", unit="batch")
    assert frame.header["state"] == "ready"


BAD_MESSAGES = [
    ("not json", "general", "not JSON"),
    ('["a", "list"]', "general", "JSON object"),
    ('{"type": "dance"}', "general", "unknown message type 'dance'"),
    ('{"kind": "play"}', "general", "unknown message type None"),
    ('{"type": "step", "unit": "year"}', "general", "unit"),
    ('{"type": "speed", "epochs_per_frame": "fast"}', "epochs_per_frame",
     "from 0.1 to 100 (you gave “fast”)"),
    ('{"type": "speed", "epochs_per_frame": 500}', "epochs_per_frame", "Speed must be a number"),
    ('{"type": "speed", "epochs_per_frame": 2.5}', "epochs_per_frame",
     "whole number of epochs above 1"),
    ('{"type": "set_weight", "layer": "a", "source": 0, "target": 0, "value": 1}', "general",
     "layer"),
    ('{"type": "set_weight", "layer": 0, "source": 0, "target": 0}', "general",
     "The weight is missing"),
    ('{"type": "set_weight", "layer": 9, "source": 0, "target": 0, "value": 1}', "general",
     "layer must be 0 … 2"),
    ('{"type": "set_bias", "layer": 0, "neuron": 7, "value": 1}', "general", "neuron must be"),
    ('{"type": "set_bias", "layer": 0, "neuron": 0, "value": "Infinity"}', "general",
     "The bias must be a number"),
    ('{"type": "set_bias", "layer": 0, "neuron": 0, "value": 1e9}', "general",
     "from −1000 to 1000"),
    ('{"type": "view", "pair": "r"}', "general", "axes must be two feature names"),
    ('{"type": "view", "pair": ["r", "banana"]}', "general", "unknown feature"),
    ('{"type": "ack", "frame": 99}', "general", "never sent"),
    ('{"type": "ack", "frame": -1}', "general", "frame"),
    ('{"type": "ack", "frame": ' + "1" * 5000 + "}", "general", "a number with 5000 digits"),
    ('{"type": "set_bias", "layer": 0, "neuron": 0, "value": -' + "9" * 4301 + "}", "general",
     "a number with 4301 digits"),
    ("[" * 1000 + "]" * 1000, "general", "nested more than 32 levels deep"),
    ('{"type": "config", "hidden": ' + "[" * 1000 + "]" * 1000 + "}", "general",
     "nested more than 32 levels deep"),
    ('{"type": "config", "note": "' + "[" * 1000 + '", "noise": "9"}', "noise",
     "Noise must be a number"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "slot", "says"), BAD_MESSAGES)
def test_a_malformed_message_is_named_and_the_session_lives(tab, app, text, slot, says):
    weights = only_session(app).trainer.network.params.copy()
    tab.socket.send_text(text)
    key, message = error_slot(tab.text())
    assert key == slot and says in message
    assert (only_session(app).trainer.network.params == weights).all()
    assert_alive(tab)


BATCH_250 = "Batch size must be a whole number from 1 to 250 — the training set has 250 points"
LEARNING_RATE_50 = "Learning rate must be a number above 0 and at most 10 (you gave “50”)"
BAD_CONFIG = [
    ({"learning_rate": "fast"}, "learning_rate", "above 0 and at most 10 (you gave “fast”)"),
    ({"learning_rate": "50"}, "learning_rate", LEARNING_RATE_50),
    ({"noise": 2}, "noise", "Noise must be a number from 0 to 0.8 (you gave “2”)"),
    ({"hidden": "4,99"}, "hidden", "1 … 16 neurons"),
    ({"hidden": "a,b"}, "hidden", "Hidden layers"),
    ({"features": "x1,nope"}, "features", "unknown"),
    ({"activation": "swish"}, "activation", "Activation must be one of"),
    ({"dataset": "plane"}, "dataset", "set the problem type to regression"),
    ({"batch_size": 400}, "batch_size", BATCH_250),
    ({"batch_norm": "maybe"}, "batch_norm", "Batch norm must be on or off"),
    ({"colour": "red"}, "general", "colour: there is no setting called colour"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "slot", "says"), BAD_CONFIG)
def test_a_bad_config_value_is_shown_beside_its_control_and_changes_nothing(
    tab, app, changes, slot, says
):
    before = only_session(app).trainer.config
    tab.send("config", **changes)
    key, message = error_slot(tab.text())
    assert key == slot and says in message
    assert only_session(app).trainer.config == before
    assert_alive(tab)


def test_a_valid_change_clears_the_error_beside_its_control(tab):
    tab.send("config", learning_rate="50")
    assert error_slot(tab.text()) == ("learning_rate", LEARNING_RATE_50)
    tab.send("config", learning_rate="0.1")
    assert error_slot(tab.text()) == ("learning_rate", "")
    assert tab.frame().header["config"]["learning_rate"] == 0.1


def test_any_valid_config_clears_the_errors_of_earlier_rejected_changes(tab):
    tab.send("config", noise="9")
    assert error_slot(tab.text())[0] == "noise"
    tab.send("config", dataset="xor")
    assert error_slot(tab.text()) == ("noise", "")
    tab.frame()
    tab.send("speed", epochs_per_frame="0")
    assert error_slot(tab.text())[0] == "epochs_per_frame"
    tab.send("speed", epochs_per_frame="2")
    assert error_slot(tab.text()) == ("epochs_per_frame", "")


def test_the_general_error_clears_on_the_next_valid_message(tab):
    tab.socket.send_text("{")
    assert error_slot(tab.text())[0] == "general"
    tab.send("view", pair="x1,x2")
    assert error_slot(tab.text()) == ("general", "")
    tab.frame()


def test_binary_messages_are_refused(tab):
    tab.socket.send_bytes(b"\x00\x01")
    key, message = error_slot(tab.text())
    assert key == "general" and "binary messages are not accepted" in message
    assert_alive(tab)


def test_an_oversized_message_is_refused_unread(connect, app):
    tab = connect()
    tab.frame()
    limit = app.state.settings.max_message_bytes
    tab.send("config", learning_rate="0.1", padding="x" * limit)
    key, message = error_slot(tab.text())
    assert key == "general" and f"the limit is {limit}" in message
    assert only_session(app).trainer.config.learning_rate == 0.03
    assert_alive(tab)


@pytest.mark.parametrize("settings", [Settings(max_messages_per_second=5, **FAST)])
def test_a_message_flood_is_cut_with_one_warning_and_acks_still_count(connect, app):
    tab = connect()
    first = tab.frame(ack=False)
    for _ in range(20):
        tab.send("view", pair="r,theta")
    tab.send("ack", frame=first.header["frame"])  # beyond the budget, and still honoured
    assert tab.frame().header["representation"]["pair"] == ["r", "theta"]
    warnings = [text for text in tab.texts if "too many messages" in text]
    assert len(warnings) == 1 and error_slot(warnings[0])[0] == "general"
