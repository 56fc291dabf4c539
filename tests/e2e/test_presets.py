"""The presets menu: one click sets a scenario and says what to watch."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def choose_preset(page, name: str) -> None:
    page.click("#presets summary")
    page.click(f"[data-preset='{name}']")


def test_polar_preset_shows_r_against_theta_and_separates_the_circle_without_hidden_layers(
    playground,
):
    page = playground.open().page
    choose_preset(page, "polar-circle")
    representation = page.locator("#representation-chart")
    expect(representation).to_have_attribute("data-pair", "r,theta")
    expect(page.locator("#diagram")).to_have_attribute("data-sizes", "2,1")
    # The whole sentence, not clipped: the note is as tall as its text, and on screen.
    note = page.locator("#preset-note")
    watch = page.locator("[data-preset='polar-circle']").get_attribute("data-watch")
    expect(note).to_have_text(watch)
    expect(page.locator("#preset-title")).to_have_text("Circle: polar vs Cartesian features")
    assert note.evaluate("n => n.scrollHeight <= n.clientHeight && n.scrollWidth <= n.clientWidth")
    box = note.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    titles = page.evaluate(
        "(() => { const l = document.getElementById('representation-chart').layout;"
        " return [l.xaxis.title.text, l.yaxis.title.text]; })()"
    )
    assert titles == ["r", "θ"]
    # With r and θ as the only inputs the boundary is drawn in their plane.
    assert page.evaluate("document.getElementById('representation-chart').layout.images[0].visible")

    page.click("#play")
    page.wait_for_function("parseFloat(document.getElementById('test-accuracy').textContent) >= 95")
    assert page.locator(".hidden-layer").count() == 0
    page.click("#watch-close")
    expect(page.locator("#watch")).to_be_hidden()


def test_every_preset_applies_its_config_and_its_own_view(playground):
    page = playground.open().page
    representation = page.locator("#representation-chart")
    page.select_option("#pair-x", "r")
    expect(representation).to_have_attribute("data-pair", "r,x2")
    expected = {
        "spiral-depth": "hidden=8,8,8,8",
        "lr-too-high-regression": "problem=regression",
        "overfitting-dropout": "dropout=0.3",
        "zero-init": "init=zeros",
        "pass-fail": "loss=cross_entropy",
    }
    for name, parameter in expected.items():
        choose_preset(page, name)
        page.wait_for_function("p => window.location.search.includes(p)", arg=parameter)
    assert playground.console_errors == []
    # The pair picked at first is not pass-fail's: it is seen in x1, x2 again, and in
    # its dataset's units.
    expect(representation).to_have_attribute("data-pair", "x1,x2")
    page.wait_for_function(
        "document.getElementById('output-chart').layout.xaxis.title.text === 'lectures attended'"
    )
    ticks = page.evaluate("document.getElementById('output-chart').layout.yaxis.ticktext")
    assert ticks == ["0", "3", "6", "9", "12"]


def test_learning_rate_too_high_on_regression_climbs_then_diverges_with_a_banner(playground):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 720})  # a projector
    playground.open()
    choose_preset(page, "lr-too-high-regression")
    page.wait_for_function("window.location.search.includes('learning_rate=3')")
    page.select_option("#speed", "10")  # ~65 epochs of climbing, in 7 frames
    page.click("#play")
    banner = page.locator("#banner")
    expect(banner).to_contain_text("diverged", timeout=15_000)
    expect(page.locator("#playground")).to_have_attribute("data-state", "diverged")
    expect(page.locator("#play")).to_be_visible()
    # The loss chart has the climb to show, not just the NaN.
    points = int(page.locator("#loss-chart").get_attribute("data-points"))
    assert points >= 30
    losses = page.evaluate("document.getElementById('loss-chart').data[0].y")
    finite = [v for v in losses if v is not None]
    assert finite[-1] > 1e6 * finite[0]
    # Banner, preset note and all, the page fits the projector without scrolling.
    assert page.evaluate("document.documentElement.scrollHeight") <= 720
