"""Keyboard use and an automated accessibility check (axe-core, injected by the
test only: tests/e2e/vendor/README.md) (issue 11, item 6)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


def blocking_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as it is, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document).then(r => r.violations)")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def test_the_default_page_has_no_serious_accessibility_violations(playground):
    page = playground.open().page
    assert blocking_violations(page) == []


def test_arrows_on_a_focused_slider_move_it_and_never_step_the_network(playground):
    page = playground.open().page
    slider = page.locator("input[type=range][name=noise]")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("window.location.search.includes('noise=0.15')")
    expect(slider).to_be_focused()
    expect(slider).to_have_value("0.15")
    assert playground.step == 0
    assert not [m for m in playground.sent if m["type"] == "step"]


def test_every_weight_is_reachable_by_keyboard_and_enter_opens_its_editor_beside_it(playground):
    page = playground.open().page
    links = page.locator("#links .link-hit")
    assert links.count() == 2 * 4 + 4 * 2 + 2 * 1
    first = links.first
    first.focus()
    expect(first).to_have_attribute(
        "aria-label", re.compile(r"^Weight -?\d\.\d{3}, x₁ → neuron 1\.1$")
    )
    expect(page.locator("#hovercard")).to_be_visible()
    page.keyboard.press("Enter")
    editor = page.locator("#weight-editor")
    expect(editor).to_be_visible()
    expect(page.locator("#weight-editor-label")).to_contain_text("Weight (x₁ → neuron 1.1)")
    page.keyboard.press("Escape")
    expect(first).to_be_focused()

    tile = page.locator(".neuron-tile").nth(2)
    tile.focus()
    page.keyboard.press("Enter")
    expect(editor).to_be_visible()
    expect(page.locator("#weight-editor-label")).to_contain_text("Bias (bias of neuron 1.3)")
    tile_box, editor_box = tile.bounding_box(), editor.bounding_box()
    assert 0 <= editor_box["x"] - (tile_box["x"] + tile_box["width"]) <= 40
    assert abs(editor_box["y"] - tile_box["y"]) <= 40
    page.keyboard.type("0.5")
    page.keyboard.press("Enter")
    expect(editor).to_be_hidden()
    sent = [m for m in playground.sent if m["type"] == "set_bias"]
    assert [(m["layer"], m["neuron"], float(m["value"])) for m in sent] == [(0, 2, 0.5)]


def test_the_charts_say_their_numbers_in_words(playground):
    page = playground.open().page
    page.click("#play")
    playground.wait_for_epoch(1)
    label = page.locator("#loss-chart").get_attribute("aria-label")
    assert label.startswith("Loss over the epochs: test loss 0.") and "training loss 0." in label
    output = page.locator("#output-chart").get_attribute("aria-label")
    assert "test accuracy" in output and "%" in output


def test_a_lesson_step_has_no_serious_accessibility_violations(playground):
    page = playground.open("?lesson=perceptron&step=2").page
    expect(page.locator("#lesson-card")).to_be_visible()
    assert blocking_violations(page) == []
