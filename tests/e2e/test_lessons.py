"""The lessons menu: a step is a fresh experiment with its sentence, question and
controls; the lesson and step live in the URL; [ and ] move between steps."""

import pytest
from playwright.sync_api import expect

from app.lessons import built_in_lessons

pytestmark = pytest.mark.e2e


def choose_step(page, lesson: str, number: int) -> None:
    page.click("#lessons summary")
    page.click(f"[data-lesson='{lesson}'][data-step='{number}']")


def step(lesson: str, number: int):
    return built_in_lessons()[lesson].steps[number - 1]


def expect_card(page, lesson: str, number: int) -> None:
    shown = step(lesson, number)
    expect(page.locator("#lesson-step-title")).to_have_text(shown.title)
    expect(page.locator("#lesson-say")).to_have_text(shown.say)
    expect(page.locator("#lesson-ask")).to_have_text(shown.ask)
    expect(page.locator("#lesson-number")).to_have_text(str(number))
    page.wait_for_function(
        "q => window.location.search.startsWith(q)", arg=f"?lesson={lesson}&step={number}"
    )


def test_choosing_a_step_after_training_another_starts_it_afresh_with_its_card(playground):
    page = playground.open().page
    choose_step(page, "learning-rate", 1)
    expect_card(page, "learning-rate", 1)
    playground.wait_for_epoch(3)  # the step plays by itself
    resets = playground.resets
    # Step 2 differs from step 1 only in the learning rate, a live key: still a reset.
    choose_step(page, "learning-rate", 2)
    expect_card(page, "learning-rate", 2)
    page.wait_for_function("n => Number(document.getElementById('playground').dataset.resets) > n",
                           arg=resets)  # fmt: skip
    assert {"type": "open", "lesson": "learning-rate", "step": 2} in playground.sent
    page.click("#pause")
    playground.wait_until_paused()
    # Opening the same step again restarts it.
    page.click("#reset")  # (so the epoch below is the step's own start, not a coincidence)
    page.keyboard.press("Shift+ArrowRight")
    playground.wait_for_epoch(1)
    resets = playground.resets
    choose_step(page, "learning-rate", 2)
    page.wait_for_function("n => Number(document.getElementById('playground').dataset.resets) > n",
                           arg=resets)  # fmt: skip
    assert page.locator("#lesson-card").is_visible()


def test_next_and_previous_by_button_and_by_key_and_the_url_survives_a_reload(playground):
    page = playground.open().page
    choose_step(page, "overfitting", 1)
    expect_card(page, "overfitting", 1)
    expect(page.locator("#lesson-previous")).to_be_disabled()
    page.click("#lesson-next")
    expect_card(page, "overfitting", 2)
    page.wait_for_function("window.location.search.includes('dropout') === false")
    page.keyboard.press("]")
    expect_card(page, "overfitting", 3)
    page.keyboard.press("[")
    expect_card(page, "overfitting", 2)
    expect(page.locator("#speed")).to_have_value("1")
    # A change within the step goes into the URL beside the step, and a reload keeps both.
    page.click("#pause")
    playground.wait_until_paused()
    page.select_option("select[name='learning_rate']", "0.01")
    page.wait_for_function("window.location.search.includes('learning_rate=0.01')")
    page.reload()
    playground.wait_for_frame_after(0)
    expect_card(page, "overfitting", 2)
    expect(page.locator("select[name='learning_rate']")).to_have_value("0.01")
    expect(page.locator("[data-config='dropout']")).to_have_value("0.3")
    assert playground.epoch == 0


def test_a_step_hides_and_locks_its_controls_and_free_play_shows_them_again(playground):
    page = playground.open().page
    choose_step(page, "overfitting", 1)  # hides dropout and regularization, locks the data
    expect_card(page, "overfitting", 1)
    for name in ("dropout", "regularization", "regularization_rate", "early_stopping"):
        expect(page.locator(f"[data-control='{name}']")).to_be_hidden()
    for name in ("dataset", "noise", "train_fraction"):
        control = page.locator(f"[data-control='{name}']")
        expect(control).to_be_visible()
        expect(control).to_have_class("slider-field lesson-locked" if name != "dataset"
                                       else "datasets lesson-locked")  # fmt: skip
        assert control.evaluate("el => el.inert")
    # A locked control takes no clicks: the dataset stays.
    page.click("[data-dataset='xor']", force=True)
    expect(page.locator("[data-dataset='circle']")).to_have_attribute("aria-pressed", "true")
    assert not any(m.get("dataset") == "xor" for m in playground.sent)
    page.click("#lessons summary")
    page.click("[data-lesson='']")
    expect(page.locator("#lesson-card")).to_be_hidden()
    page.wait_for_function("!window.location.search.includes('lesson=')")
    assert page.locator(".lesson-hidden, .lesson-locked, [inert]").count() == 0
    expect(page.locator("[data-control='dropout']")).to_be_visible()


def test_a_step_that_hides_the_layers_keeps_its_network_drawn(playground):
    page = playground.open().page
    choose_step(page, "representation", 1)  # hides the layer buttons
    expect_card(page, "representation", 1)
    expect(page.locator("#representation-chart")).to_have_attribute("data-pair", "r,theta")
    expect(page.locator("#add-layer")).to_be_hidden()
    page.wait_for_function("parseFloat(document.getElementById('test-accuracy').textContent) >= 95")
    # Hiding the features hides the choice; the inputs fed in stay, with their links.
    choose_step(page, "perceptron", 1)
    expect_card(page, "perceptron", 1)
    fed = page.locator(".feature-tile[aria-pressed='true']")
    expect(fed.first).to_be_visible()
    expect(page.locator(".feature-tile[aria-pressed='false']").first).to_be_hidden()
    assert page.locator("#links .link-hit").count() == fed.count()


def test_a_step_that_diverges_shows_its_banner_and_the_page_fits_a_projector(playground):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 720})
    playground.open()
    choose_step(page, "learning-rate", 4)
    expect_card(page, "learning-rate", 4)
    page.select_option("#speed", "10")
    expect(page.locator("#banner")).to_contain_text("diverged", timeout=15_000)
    expect(page.locator("#playground")).to_have_attribute("data-state", "diverged")
    losses = page.evaluate("document.getElementById('loss-chart').data[0].y")
    finite = [v for v in losses if v is not None]
    assert finite[-1] > 1e6 * finite[0]
    # Banner, card and all, the page fits the projector without scrolling.
    assert page.evaluate("document.documentElement.scrollHeight") <= 720


def test_the_early_stopping_menu_stops_training_with_an_info_banner(playground):
    page = playground.open("?dataset=gauss&noise=0.5&n_points=100&hidden=8,8").page
    page.select_option("select[name='early_stopping']", "10")
    page.wait_for_function("window.location.search.includes('early_stopping=10')")
    page.select_option("#speed", "10")
    page.click("#play")
    banner = page.locator("#banner")
    expect(banner).to_have_class("banner banner-info", timeout=20_000)
    expect(banner).to_contain_text("stop")
    expect(page.locator("#playground")).to_have_attribute("data-state", "stopped")
    page.select_option("select[name='early_stopping']", "")
    page.wait_for_function("!window.location.search.includes('early_stopping')")


def test_screenshot_of_a_lesson_step_on_a_projector(playground, screenshots):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 720})
    playground.open()
    choose_step(page, "learning-rate", 3)
    expect_card(page, "learning-rate", 3)
    playground.wait_for_epoch(40)
    page.click("#pause")
    playground.wait_until_paused()
    page.mouse.move(0, 700)  # no hover card over the picture
    page.screenshot(path=screenshots / "lesson.png")
    assert page.evaluate("document.documentElement.scrollHeight") <= 720
