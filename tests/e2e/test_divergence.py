"""A diverged network: the page keeps its last good pictures and says what to do."""

import math

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# tanh at learning rate 3 on a regression set overflows inside the first epoch,
# so the last good maps are the ones drawn before play.
DIVERGES_AT_ONCE = "?problem=regression&dataset=plane&learning_rate=3"


def tile_pictures(page) -> list[str]:
    return page.eval_on_selector_all(
        ".neuron-tile canvas, #output-tile canvas", "cs => cs.map(c => c.toDataURL())"
    )


def test_a_diverged_frame_keeps_the_last_good_maps_under_a_note_until_reset(playground):
    page = playground.open(DIVERGES_AT_ONCE).page
    output, tiles, weights = playground.output_image(), tile_pictures(page), playground.weights()
    notes = page.locator(".diverged-note")
    expect(notes.first).to_be_hidden()

    page.click("#play")
    expect(page.locator("#playground")).to_have_attribute("data-state", "diverged")
    expect(page.locator("#banner")).to_contain_text("diverged")
    for panel in ("output-panel", "network-panel", "representation-panel"):
        note = page.locator(f".{panel} .diverged-note")
        expect(note).to_be_visible()
        expect(note).to_contain_text("Lower the learning rate")
    assert playground.output_image() == output
    assert tile_pictures(page) == tiles
    assert playground.weights() == weights and all(map(math.isfinite, weights))
    expect(page.locator("#train-loss")).to_have_text("NaN")
    # Every weight is NaN on the server: the diagram offers no editor for them.
    page.locator("#links .link-hit").last.click()
    expect(page.locator("#weight-editor")).to_be_hidden()

    playground.press("reset")
    expect(page.locator("#playground")).to_have_attribute("data-state", "ready")
    expect(notes.first).to_be_hidden()
    assert playground.output_image() == output  # same seed, same initial network
    expect(page.locator("#banner")).to_be_empty()

    # A rebuild clears it too.
    page.click("#play")
    expect(page.locator("#playground")).to_have_attribute("data-state", "diverged")
    page.click("#add-layer")
    expect(page.locator("#diagram")).to_have_attribute("data-sizes", "2,4,2,2,1")
    expect(page.locator("#playground")).to_have_attribute("data-state", "ready")
    expect(notes.first).to_be_hidden()
