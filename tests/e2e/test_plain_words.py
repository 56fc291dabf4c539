"""Errors in plain words, and a refused value never stays on screen (issue 11, item 5)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_refused_batch_size_is_said_plainly_and_the_box_shows_the_last_good_value(playground):
    page = playground.open().page
    box = page.locator("input.value-box[name=batch_size]")
    box.fill("300")
    box.press("Enter")
    expect(page.locator("#error-batch_size")).to_have_text(
        "Batch size must be a whole number from 1 to 250 — the training set has 250 points"
    )
    expect(box).to_have_value("10")
    expect(page.locator("input[type=range][name=batch_size]")).to_have_value("10")


def test_a_refused_menu_choice_snaps_back(playground):
    page = playground.open("?problem=regression&dataset=plane").page
    page.select_option("select[name=loss]", "cross_entropy")
    expect(page.locator("#error-loss")).to_have_text(
        "Cross-entropy loss needs a classification problem"
    )
    expect(page.locator("select[name=loss]")).to_have_value("squared")


def test_choosing_regression_under_cross_entropy_switches_the_loss_too(playground):
    page = playground.open("?loss=cross_entropy").page
    page.select_option("select[name=problem]", "regression")
    page.wait_for_function("window.location.search.includes('problem=regression')")
    assert "cross_entropy" not in page.url
    expect(page.locator("select[name=problem]")).to_have_value("regression")
    expect(page.locator("select[name=loss]")).to_have_value("squared")
    expect(page.locator("#error-loss")).to_be_empty()
    expect(page.locator("#error-general")).to_be_empty()
