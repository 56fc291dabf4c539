"""The URL carries the view too: test data, discretize, log scale, the
representation's axes and the speed, restored on load (issue 11, item 8)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_view_goes_into_the_url_and_comes_back_on_load(playground):
    page = playground.open("?dataset=xor").page
    for box in ("#show-test", "#discretize", "#log-scale"):
        page.check(box)
    page.select_option("#speed", "10")
    page.select_option("#pair-x", "x1x2")
    page.wait_for_function(
        "document.getElementById('representation-chart').dataset.pair === 'x1x2,x2'"
    )
    for part in ("show_test=1", "discretize=1", "log_scale=1", "speed=10", "pair=x1x2,x2"):
        page.wait_for_function("p => window.location.search.includes(p)", arg=part)
    assert "dataset=xor" in page.url

    link = page.url
    playground.sent.clear()
    page.goto("about:blank")
    playground.open(link.removeprefix(playground.base_url + "/"))
    for box in ("#show-test", "#discretize", "#log-scale"):
        expect(page.locator(box)).to_be_checked()
    expect(page.locator("#speed")).to_have_value("10")
    page.wait_for_function(
        "document.getElementById('representation-chart').dataset.pair === 'x1x2,x2'"
    )
    assert {"type": "speed", "epochs_per_frame": "10"} in playground.sent
    assert page.evaluate("document.getElementById('output-chart').data.length") > 0
    # The view stays in the URL while the config changes.
    page.select_option("select[name=activation]", "relu")
    page.wait_for_function("window.location.search.includes('activation=relu')")
    assert "show_test=1" in page.url and "pair=x1x2,x2" in page.url

    page.uncheck("#show-test")
    page.wait_for_function("!window.location.search.includes('show_test')")
