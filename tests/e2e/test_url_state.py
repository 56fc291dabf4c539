"""The URL holds the whole config: opening one restores it, and a reconnect reads it."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

QUERY = "?dataset=spiral&hidden=8,8&learning_rate=0.1&activation=relu&noise=0.2&batch_norm=true"


def test_a_url_with_a_config_restores_controls_and_first_frame(playground):
    page = playground.open(QUERY).page
    expect(page.locator("select[name=learning_rate]")).to_have_value("0.1")
    expect(page.locator("select[name=activation]")).to_have_value("relu")
    expect(page.locator("input[type=range][name=noise]")).to_have_value("0.2")
    expect(page.locator("input[name=batch_norm]")).to_be_checked()
    expect(page.locator("[data-dataset=spiral]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#diagram")).to_have_attribute("data-sizes", "2,8,8,1")
    assert playground.epoch == 0
    assert "hidden=8,8" in page.url


def test_the_same_url_gives_the_same_data_and_initial_weights(playground, browser):
    page = playground.open(QUERY).page
    weights = playground.weights()
    points = page.evaluate("document.getElementById('output-chart').data[1].x")
    other = browser.new_page()
    other.goto(page.url)
    other.wait_for_function("Number(document.getElementById('playground').dataset.frame) > 0")
    assert other.evaluate("document.getElementById('output-chart').data[1].x") == points
    assert (
        other.eval_on_selector_all(
            "#links .link-hit", "ps => ps.map(p => Number(p.dataset.weight))"
        )
        == weights
    )
    other.close()


def test_the_url_follows_the_controls_and_copy_link_copies_it(playground):
    page = playground.open().page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("[data-dataset=xor]")
    page.wait_for_function("window.location.search.includes('dataset=xor')")
    page.select_option("select[name=regularization]", "l2")
    page.wait_for_function("window.location.search.includes('regularization=l2')")
    page.click("#copy-link")
    expect(page.locator("#copy-link")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    assert "dataset=xor" in copied and "regularization=l2" in copied


def test_a_lost_connection_shows_a_banner_and_reconnects_with_the_urls_config(page, own_server):
    page.goto(f"{own_server.url}/?dataset=xor")
    page.wait_for_function("Number(document.getElementById('playground').dataset.frame) > 0")
    page.click("[data-dataset=gauss]")
    page.wait_for_function("window.location.search.includes('dataset=gauss')")

    own_server.stop()
    banner = page.locator("#connection-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("reconnecting")

    own_server.start()
    expect(banner).to_be_hidden(timeout=15_000)
    expect(page.locator("#playground")).to_have_attribute("data-connected", "true")
    # The new session was built from the URL: gauss, not the xor the page loaded with.
    expect(page.locator("[data-dataset=gauss]")).to_have_attribute("aria-pressed", "true")
    assert "dataset=gauss" in page.url
    # No ack for a frame of the old connection reached the new session.
    expect(page.locator("#error-general")).to_be_empty()


def test_reconnecting_after_an_idle_disconnect_clears_the_idle_banner(page, impatient_server):
    page.goto(f"{impatient_server.url}/?dataset=xor")
    root = page.locator("#playground")
    expect(root).to_have_attribute("data-connected", "false", timeout=15_000)
    expect(page.locator("#banner")).to_contain_text("idle")
    page.click("#reconnect")
    expect(root).to_have_attribute("data-connected", "true")
    expect(page.locator("#banner")).to_be_empty()
    expect(page.locator("[data-dataset=xor]")).to_have_attribute("aria-pressed", "true")
