"""The presets are steps of the built-in lessons, so their sentences are the
lessons' and are checked with the lessons' claims (tests/app/test_lessons.py)."""

import pytest

from app.lessons import built_in_lessons
from app.presets import PRESETS, STEPS


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_is_a_lesson_step_with_its_sentence_and_whole_config(name):
    lesson, number = STEPS[name]
    step = built_in_lessons()[lesson].steps[number - 1]
    preset = PRESETS[name]
    assert (preset.name, preset.title, preset.watch, preset.config) == (
        name,
        step.title,
        step.say,
        step.config,
    )
    assert step.expect  # the sentence is checked


def test_a_preset_sentence_is_one_sentence_for_the_card():
    for preset in PRESETS.values():
        assert preset.watch.endswith(".") and preset.watch.count(". ") == 0, preset.name
