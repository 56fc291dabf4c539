"""Presenter mode: readable from the back row at 1280×720 and at a zoom of 150%
(issue 11, item 4)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import blocking_violations

pytestmark = pytest.mark.e2e

KEY_TEXTS = [
    "#epoch",
    "#train-loss",
    "#test-loss",
    "#network-heading",
    ".neuron-count",
    "label[data-control=learning_rate] .label",
    "select[name=activation]",
]


def px(page, selector: str, prop: str) -> float:
    return page.eval_on_selector(selector, "(el, p) => parseFloat(getComputedStyle(el)[p])", prop)


def output_map_is_on_screen(page) -> bool:
    return page.evaluate(
        """() => {
          const box = document.getElementById('output-chart').getBoundingClientRect();
          return box.width > 200 && box.left >= 0 && box.top >= 0
            && box.right <= innerWidth && box.bottom <= innerHeight;
        }"""
    )


def test_presenter_mode_is_big_folded_and_fits_1280_by_720(playground, screenshots):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 720})
    playground.open()
    page.keyboard.press("p")
    expect(page.locator("#playground")).to_have_class("playground present")
    expect(page.locator("#present")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("window.location.search.includes('present=1')")
    for selector in KEY_TEXTS:
        assert px(page, selector, "fontSize") >= 18, selector
    tile = page.locator(".neuron-tile").first.bounding_box()
    assert tile["width"] >= 48 and tile["height"] >= 48
    assert px(page, "#links .link", "strokeWidth") >= 2
    for folded in ("#representation-chart", ".data-panel", "#side-tabs", "[data-feature=x1x2]"):
        expect(page.locator(folded)).to_be_hidden()
    page.wait_for_timeout(300)  # the charts follow the new layout on the resize event
    assert output_map_is_on_screen(page)
    page.click("#play")
    playground.wait_for_epoch(30)
    page.click("#pause")
    playground.wait_until_paused()
    page.screenshot(path=str(screenshots / "presenter.png"))
    assert blocking_violations(page) == []

    page.keyboard.press("p")
    expect(page.locator("#playground")).not_to_have_class("playground present")
    page.wait_for_function("!window.location.search.includes('present')")


def test_presenter_mode_comes_back_from_the_url_and_fits_at_a_zoom_of_150_percent(browser, server):
    # 1280×720 device pixels at 150%: 853×480 CSS pixels.
    context = browser.new_context(viewport={"width": 853, "height": 480}, device_scale_factor=1.5)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/?present=1&dataset=xor")
        page.wait_for_function("Number(document.getElementById('playground').dataset.frame) > 0")
        expect(page.locator("#playground")).to_have_class("playground present")
        page.wait_for_function("window.location.search.includes('dataset=xor')")
        assert "present=1" in page.url
        page.wait_for_timeout(300)
        assert output_map_is_on_screen(page)
    finally:
        context.close()


def test_presenter_mode_in_a_class_keeps_the_bar_on_one_row_and_the_output_on_screen(
    browser, server, screenshots
):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/?dataset=xor")
        page.click("#start-class")
        page.wait_for_selector("#room-count:has-text('0 students')")
        page.keyboard.press("p")
        expect(page.locator("#playground")).to_have_class("playground present")
        page.wait_for_timeout(300)  # the charts follow the new layout on the resize event
        assert px(page, "#room-code", "fontSize") >= 30
        assert px(page, "#room-release", "fontSize") >= 16
        assert page.locator("#room").bounding_box()["height"] < 60  # one row
        expect(page.locator("#room-panel")).to_be_hidden()  # folded, as the side tabs are
        assert output_map_is_on_screen(page)
        page.screenshot(path=str(screenshots / "presenter-room.png"))
    finally:
        context.close()
