"""Opening the page: everything comes from the page's own host, nothing complains."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_page_loads_without_console_errors_or_foreign_requests(playground):
    playground.open()
    expect(playground.page.locator("#playground")).to_have_attribute("data-connected", "true")
    own_host = urlsplit(playground.base_url).netloc
    foreign = [url for url in playground.requests if urlsplit(url).netloc not in (own_host, "")]
    assert foreign == []
    paths = [urlsplit(url).path for url in playground.requests]  # without ?v=<hash>
    assert any(path.endswith("/static/vendor/htmx.min.js") for path in paths)
    assert any(path.endswith("/static/vendor/plotly-cartesian.min.js") for path in paths)
    assert playground.console_errors == []


def test_first_frame_draws_points_tiles_and_an_empty_loss_chart(playground):
    page = playground.open().page
    assert page.locator("#diagram").get_attribute("data-sizes") == "2,4,2,1"
    assert len(playground.weights()) == 2 * 4 + 4 * 2 + 2
    n_train = page.evaluate("document.getElementById('output-chart').data[1].x.length")
    assert n_train == 250  # circle: 500 points, half of them train
    assert page.locator("#loss-chart").get_attribute("data-points") == "0"
    assert playground.epoch == 0


def test_keyboard_hint_is_visible(playground):
    page = playground.open().page
    expect(page.locator("#keys-hint")).to_be_visible()
    expect(page.locator("#keys-hint")).to_contain_text("play/pause")
