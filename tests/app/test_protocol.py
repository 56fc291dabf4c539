"""Control messages as the page sends them: JSON, values as strings from htmx."""

import json

import pytest

from app.error_slots import place
from app.json_depth import nests_deeper_than
from app.protocol import (
    MESSAGES,
    Ack,
    Config,
    InputError,
    Open,
    SetWeight,
    Speed,
    Step,
    View,
    parse_message,
)
from app.url_state import query_to_changes


def test_htmx_form_values_are_coerced_and_its_headers_ignored():
    message = parse_message(
        '{"type": "set_weight", "layer": "1", "source": "0", "target": "2", "value": "-0.5",'
        ' "HEADERS": {"HX-Request": "true"}}'
    )
    assert message == SetWeight(type="set_weight", layer=1, source=0, target=2, value=-0.5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "step"}', Step(type="step", unit="epoch")),
        ('{"type": "step", "unit": "batch"}', Step(type="step", unit="batch")),
        (
            '{"type": "speed", "epochs_per_frame": ".25"}',
            Speed(type="speed", epochs_per_frame=0.25),
        ),
        ('{"type": "speed", "epochs_per_frame": "20"}', Speed(type="speed", epochs_per_frame=20)),
        ('{"type": "ack", "frame": "12"}', Ack(type="ack", frame=12)),
        ('{"type": "view", "pair": "r,theta"}', View(type="view", pair=["r", "theta"])),
        ('{"type": "view", "pair": ["x1", "x1^2"]}', View(type="view", pair=["x1", "x1^2"])),
        ('{"type": "view", "pair": null}', View(type="view", pair=None)),
        (
            '{"type": "open", "lesson": "overfitting", "step": "2"}',
            Open(type="open", lesson="overfitting", step=2),
        ),
    ],
)
def test_each_message_type_parses(text, expected):
    assert parse_message(text) == expected


def test_config_lists_arrive_as_arrays_or_comma_strings_and_empty_means_none():
    message = parse_message(
        '{"type": "config", "hidden": "8, 8", "features": ["x1", "r"], "n_points": "",'
        ' "learning_rate": "0.1", "HEADERS": {}}'
    )
    assert isinstance(message, Config)
    assert message.changes == {
        "hidden": ["8", "8"],
        "features": ["x1", "r"],
        "n_points": None,
        "learning_rate": "0.1",
    }
    assert parse_message('{"type": "config", "hidden": ""}').changes == {"hidden": []}


@pytest.mark.parametrize(
    ("text", "key", "says"),
    [
        ("{", "general", "not JSON"),
        ("3", "general", "JSON object"),
        ('{"type": 3}', "general", "unknown message type 3"),
        (
            '{"type": "speed", "epochs_per_frame": 0.05}',
            "epochs_per_frame",
            "Speed must be a number from 0.1 to 100",
        ),
        ('{"type": "ack"}', "general", "The acknowledged frame is missing"),
    ],
)
def test_bad_messages_raise_an_error_naming_the_slot_and_the_problem(text, key, says):
    with pytest.raises(InputError) as error:
        parse_message(text)
    assert error.value.key == key and says in error.value.message


def test_every_message_type_is_listed_once_in_union_order():
    assert list(MESSAGES) == ["config", "play", "pause", "step", "reset", "regenerate",
                              "speed", "ack", "set_weight", "set_bias", "view", "open",
                              "stepper", "hidden_view", "show_batch", "add_point",
                              "remove_point", "clear_points"]  # fmt: skip
    with pytest.raises(InputError) as error:
        parse_message('{"type": "dance"}')
    assert error.value.message.endswith("expected one of " + ", ".join(MESSAGES))


@pytest.mark.parametrize("text", ["hidden=8, 8", "8,8,", " 8 , 8"])
def test_comma_lists_split_the_same_from_a_url_and_a_message(text):
    value = text.removeprefix("hidden=")
    assert query_to_changes({"hidden": value}) == {"hidden": ["8", "8"]}
    assert parse_message(json.dumps({"type": "config", "hidden": value})).changes == {
        "hidden": ["8", "8"]
    }


@pytest.mark.parametrize(
    ("key", "slot", "message"),
    [("learning_rate", "learning_rate", "bad"), ("epochs_per_frame", "epochs_per_frame", "bad"),
     ("general", "general", "bad"), ("colour", "general", "colour: bad")],
)  # fmt: skip
def test_an_error_goes_to_its_controls_slot_or_to_the_general_one(key, slot, message):
    assert place(InputError(key, "bad")) == (slot, message)


@pytest.mark.parametrize(
    ("text", "deep"),
    [("[" * 32 + "]" * 32, False), ("[" * 33 + "]" * 33, True), ("{}" * 100, False),
     ('{"a": "' + "[" * 99 + '"}', False), ('{"a": "\\"' + "[" * 99 + '"}', False),
     ('[{"a": [[' + "{" * 40, True)],
)  # fmt: skip
def test_nesting_is_counted_outside_strings_before_parsing(text, deep):
    assert nests_deeper_than(text, 32) is deep


@pytest.mark.parametrize(
    "text",
    ['{"type":"ack","frame":0}', '{"type":"ack","frame":4127}', '{"frame": 4127, "type": "ack"}'],
)
def test_an_ack_reads_the_same_as_the_page_writes_it_or_otherwise(text):
    ack = parse_message(text)
    assert isinstance(ack, Ack) and ack.frame == json.loads(text)["frame"]


@pytest.mark.parametrize(
    "text",
    ['{"type":"ack","frame":007}', '{"type":"ack","frame":-1}', '{"type":"ack","frame":1.5}'],
)
def test_an_ack_that_is_not_plain_json_or_not_a_frame_number_is_refused(text):
    with pytest.raises(InputError):
        parse_message(text)
