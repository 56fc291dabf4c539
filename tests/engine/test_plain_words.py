"""Pydantic's error types as sentences, with the setting's human name and its limits."""

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from engine.plain_words import NAMES, SENTENCES, Bounds, bounds_of, name_of, say


class Sample(BaseModel):
    batch_size: int = Field(10, ge=1, le=250)
    learning_rate: float = Field(0.03, gt=0, le=10)
    dropout: float = Field(0.0, ge=0.0, le=0.9)
    batch_norm: bool = False
    unit: Literal["batch", "epoch"] = "epoch"
    frame: Annotated[int, Field(ge=0)]


def sentence(**data) -> str:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate({"frame": 0, **data})
    error = caught.value.errors()[0]
    key = str(error["loc"][0])
    return say(error, name_of(key), Sample.model_fields[key])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"batch_size": "ten"}, "Batch size must be a whole number from 1 to 250 (you gave “ten”)"),
        ({"batch_size": 2.5}, "Batch size must be a whole number from 1 to 250 (you gave “2.5”)"),
        ({"batch_size": 0}, "Batch size must be a whole number from 1 to 250 (you gave “0”)"),
        ({"batch_size": 900}, "Batch size must be a whole number from 1 to 250 (you gave “900”)"),
        ({"learning_rate": "x"}, "Learning rate must be a number above 0 and at most 10"),
        ({"learning_rate": 0}, "Learning rate must be a number above 0 and at most 10"),
        ({"dropout": 1}, "Dropout must be a number from 0 to 0.9 (you gave “1”)"),
        ({"batch_norm": "maybe"}, "Batch norm must be on or off (true or false)"),
        ({"unit": "year"}, "The step's unit must be batch or epoch (you gave “year”)"),
        ({"frame": -1}, "The acknowledged frame must be a whole number of 0 or more"),
    ],
)
def test_each_error_type_reads_as_a_sentence(data, words):
    assert sentence(**data).startswith(words)


def test_a_missing_value_names_the_setting_and_nothing_else():
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate({})
    error = caught.value.errors()[0]
    assert say(error, name_of("frame"), Sample.model_fields["frame"]) == (
        "The acknowledged frame is missing"
    )


def test_the_registry_covers_the_common_error_types():
    common = {"int_parsing", "float_parsing", "less_than_equal", "greater_than_equal"}
    assert common | {"missing", "literal_error", "bool_parsing"} <= set(SENTENCES)


def test_a_message_may_name_its_own_field():
    assert name_of("value", "set_bias") == "The bias"
    assert name_of("value", "set_weight") == "The weight"
    assert name_of("noise") == NAMES["noise"] == "Noise"
    assert name_of("colour") == "colour"


def test_bounds_read_from_the_field():
    assert bounds_of(Sample.model_fields["learning_rate"]) == Bounds(0, 10, strict=True)
    assert str(Bounds(-1000.0, 1000.0)) == " from −1000 to 1000"
    assert str(Bounds(0)) == " of 0 or more"
    assert str(Bounds()) == ""
