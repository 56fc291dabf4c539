"""What the pointer is over, read while the network trains: the output map's value
under the pointer, and a weight's hover card (issue 11, item 9)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

READOUT = re.compile(r"^output (-?\d\.\d{3}) at x₁ (-?\d+\.\d), x₂ (-?\d+\.\d)$")


def hover_plot_at(page, x: float, y: float) -> tuple[float, float, float]:
    """Hover the output chart's plot at data point (x, y); what the readout says."""
    plot = page.locator("#output-chart .imagelayer image").bounding_box()  # [-6, 6]²
    page.mouse.move(
        plot["x"] + (x + 6) / 12 * plot["width"], plot["y"] + (6 - y) / 12 * plot["height"]
    )
    readout = page.locator("#output-readout")
    expect(readout).to_be_visible()
    value, at_x, at_y = READOUT.match(readout.inner_text()).groups()
    return float(value), float(at_x), float(at_y)


def test_hovering_the_output_map_reads_the_networks_output_there(playground):
    page = playground.open("?learning_rate=0.1").page
    page.select_option("#speed", "10")
    page.click("#play")
    playground.wait_for_epoch(150)
    page.click("#pause")
    playground.wait_until_paused()
    # The circle dataset: blue (+1) inside, orange (−1) around it.
    inside, x, y = hover_plot_at(page, 0.0, 0.0)
    assert abs(x) <= 0.2 and abs(y) <= 0.2
    assert inside > 0.3
    outside, x, y = hover_plot_at(page, -5.5, 5.5)
    assert abs(x + 5.5) <= 0.2 and abs(y - 5.5) <= 0.2
    assert outside < -0.3
    page.mouse.move(5, 5)
    expect(page.locator("#output-readout")).to_be_hidden()


def test_the_weight_card_follows_the_weight_while_training(playground):
    page = playground.open().page
    page.hover("#links .link-hit >> nth=0")
    card = page.locator("#hovercard")
    expect(card).to_be_visible()
    before = card.inner_text()
    assert before.startswith("Weight ")
    page.keyboard.press(" ")  # play without moving the pointer off the link
    playground.wait_for_epoch(3)
    expect(card).not_to_have_text(before)
    expect(card).to_be_visible()
    expect(card).to_contain_text("x₁ → neuron 1.1")
