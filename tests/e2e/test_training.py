"""Play, pause, step and reset, as a learner drives them (buttons and keys)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_play_advances_the_epoch_and_changes_the_output_then_pause_stops(playground):
    page = playground.open().page
    before = playground.output_image()
    page.click("#play")
    playground.wait_for_epoch(3)
    assert playground.output_image() != before
    expect(page.locator("#pause")).to_be_visible()

    page.click("#pause")
    playground.wait_until_paused()
    expect(page.locator("#play")).to_be_visible()
    steps = playground.step
    # A step after the pause moves exactly one batch from where the pause left it:
    # nothing trained in between.
    playground.press("step")
    assert playground.step == steps + 1


def test_step_trains_exactly_one_mini_batch_and_shift_finishes_the_epoch(playground):
    page = playground.open().page
    playground.press("step")
    assert (playground.epoch, playground.step) == (0, 1)
    assert page.locator("#loss-chart").get_attribute("data-points") == "0"

    before = playground.frame
    page.click("#step", modifiers=["Shift"])
    playground.wait_for_frame_after(before)
    # Circle: 250 training points in batches of 10 make 25 steps an epoch.
    assert (playground.epoch, playground.step) == (1, 25)
    expect(page.locator("#loss-chart")).to_have_attribute("data-points", "1")


def test_reset_returns_to_epoch_zero_with_the_same_initial_weights(playground):
    page = playground.open().page
    initial = playground.weights()
    page.click("#play")
    playground.wait_for_epoch(2)
    page.click("#pause")
    playground.wait_until_paused()
    assert playground.weights() != initial

    playground.press("reset")
    assert (playground.epoch, playground.step) == (0, 0)
    assert playground.weights() == initial
    assert page.locator("#loss-chart").get_attribute("data-points") == "0"


def test_keys_play_pause_step_and_reset(playground):
    page = playground.open().page
    page.keyboard.press("s")
    page.wait_for_function("document.getElementById('step-count').textContent === '1'")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.getElementById('step-count').textContent === '2'")

    # A box ticked with the mouse does not keep space for itself (it would untick).
    page.check("#show-test")
    page.keyboard.press("Space")
    playground.wait_for_epoch(1)
    page.keyboard.press("Space")
    playground.wait_until_paused()
    assert page.is_checked("#show-test")

    page.keyboard.press("r")
    page.wait_for_function("document.getElementById('step-count').textContent === '0'")
    assert playground.epoch == 0
