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
    expect(page.locator("#preset-note")).to_contain_text("straight line")
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


def test_every_preset_applies_its_config(playground):
    page = playground.open().page
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


def test_learning_rate_too_high_on_regression_diverges_with_a_banner(playground):
    page = playground.open().page
    choose_preset(page, "lr-too-high-regression")
    page.wait_for_function("window.location.search.includes('learning_rate=3')")
    page.click("#play")
    banner = page.locator("#banner")
    expect(banner).to_contain_text("diverged", timeout=15_000)
    expect(page.locator("#playground")).to_have_attribute("data-state", "diverged")
    expect(page.locator("#play")).to_be_visible()
