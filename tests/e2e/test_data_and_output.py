"""The data panel and the output options: problem type, regenerate, speed, views."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def chart_data(page, chart: str, expression: str):
    return page.evaluate(f"document.getElementById('{chart}').{expression}")


def test_switching_to_regression_picks_a_regression_dataset(playground):
    page = playground.open().page
    page.select_option("select[name=problem]", "regression")
    page.wait_for_function("window.location.search.includes('problem=regression')")
    assert "dataset=plane" in page.url
    expect(page.locator("[data-dataset=plane]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("tr.accuracy")).to_be_hidden()


def test_regenerate_draws_new_data_from_the_next_seed(playground):
    page = playground.open().page
    before = chart_data(page, "output-chart", "data[1].x")
    playground.press("regenerate")
    expect(page.locator("#seed")).to_have_text("2")
    assert "seed=2" in page.url
    assert chart_data(page, "output-chart", "data[1].x") != before


def test_a_faster_speed_trains_more_epochs_per_frame(playground):
    page = playground.open().page
    page.select_option("#speed", "10")
    page.click("#play")
    playground.wait_for_epoch(20)
    page.click("#pause")
    playground.wait_until_paused()
    # Every frame while playing closed ten epochs.
    assert playground.epoch % 10 == 0
    expect(page.locator("#loss-chart")).to_have_attribute("data-points", str(playground.epoch))


def test_show_test_data_and_discretize_change_the_output_chart(playground):
    page = playground.open().page
    assert chart_data(page, "output-chart", "data[2].visible") is False
    page.check("#show-test")
    page.wait_for_function("document.getElementById('output-chart').data[2].visible === true")
    assert len(chart_data(page, "output-chart", "data[2].x")) == 250

    page.check("#discretize")
    page.wait_for_function(
        "document.getElementById('output-chart').data[0].colorscale.length === 4"
    )


def test_log_scale_switches_the_loss_axis(playground):
    page = playground.open().page
    page.check("#log-scale")
    page.wait_for_function("document.getElementById('loss-chart').layout.yaxis.type === 'log'")


def test_choosing_the_representation_axes_replots_the_data_in_them(playground):
    page = playground.open().page
    chart = page.locator("#representation-chart")
    expect(chart).to_have_attribute("data-pair", "x1,x2")
    page.select_option("#pair-x", "r")
    expect(chart).to_have_attribute("data-pair", "r,x2")
    page.select_option("#pair-y", "theta")
    expect(chart).to_have_attribute("data-pair", "r,theta")
    xs = chart_data(page, "representation-chart", "data[1].x")
    assert min(xs) >= 0  # r is never negative
    # The inputs are still x1, x2, so there is no boundary to draw in (r, θ).
    assert chart_data(page, "representation-chart", "layout.images[0].visible") is False
    expect(page.locator("#representation-note")).to_contain_text("No boundary")
