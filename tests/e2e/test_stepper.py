"""Step-through, hidden space, the batch while training, predict-then-reveal: as a
learner drives them in the browser. Screenshots go where the ``screenshots`` fixture
says (``NNP_SCREENSHOTS=docs`` refreshes the docs' pictures)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

STAGES = ["batch", "forward", "loss", "backward", "update"]


def _open_stepper(playground):
    playground.page.click('#side-tabs [data-tab="stepper"]')
    expect(playground.page.locator("#stepper-next")).to_be_visible()


def _next_stage(playground, stage):
    playground.press("stepper-next")
    expect(playground.page.locator("#stepper")).to_have_attribute("data-stage", stage)


def test_one_batch_in_five_stages_with_formulas_on_hover(playground, screenshots):
    page = playground.open("?dataset=xor").page
    page.set_viewport_size({"width": 1280, "height": 720})
    _open_stepper(playground)
    for stage in STAGES:
        _next_stage(playground, stage)
        page.mouse.move(0, 0)
        page.screenshot(path=str(screenshots / f"stepthrough-{stage}.png"))
        if stage == "batch":
            rings = page.evaluate("document.getElementById('output-chart').data[3].x.length")
            assert rings == 10
        if stage == "forward":
            assert page.locator(".neuron-tile .stepper-dots").count() == 6
            page.hover(".neuron-tile >> nth=0")
            card = page.locator("#hovercard")
            expect(card).to_contain_text("z = Σ w·x + b")
            expect(card).to_contain_text("a = tanh(")
            page.screenshot(path=str(screenshots / "stepthrough-forward-hover.png"))
        if stage == "loss":
            expect(page.locator("#stepper-numbers")).to_contain_text("+ penalty")
            assert page.locator("#stepper-table tr").count() == 11
        if stage == "backward":
            page.locator("#links .link-hit").first.hover(force=True)
            expect(page.locator("#hovercard")).to_contain_text("∂L/∂w")
            page.screenshot(path=str(screenshots / "stepthrough-backward-hover.png"))
    # The update trained the batch: one step, and the next click starts batch two.
    assert playground.step == 1
    expect(page.locator("#stepper-after")).to_be_visible()
    page.locator("#links .link-hit").first.hover(force=True)
    expect(page.locator("#hovercard")).to_contain_text("old → new")
    page.screenshot(path=str(screenshots / "stepthrough-update-hover.png"))
    page.keyboard.press("n")
    expect(page.locator("#stepper")).to_have_attribute("data-stage", "batch")
    expect(page.locator("#stepper-numbers")).to_contain_text("Step 2")


def test_play_leaves_the_step_through(playground):
    page = playground.open("?dataset=xor").page
    # The key needs no open tab: the first stage brings the step-through forward.
    page.keyboard.press("n")
    expect(page.locator("#stepper")).to_have_attribute("data-stage", "batch")
    expect(page.locator("#stepper-next")).to_be_visible()
    _next_stage(playground, "forward")
    page.click("#play")
    expect(page.locator("#stepper")).to_have_attribute("data-stage", "")
    assert page.locator(".stepper-dots").count() == 0
    page.click("#pause")
    playground.wait_until_paused()
    _next_stage(playground, "batch")
    steps = playground.step
    playground.press("stepper-exit")
    expect(page.locator("#stepper")).to_have_attribute("data-stage", "")
    assert playground.step == steps  # leaving trains nothing


def test_the_spiral_untangles_in_hidden_space(playground, screenshots):
    page = playground.open("?dataset=spiral&hidden=8,2&features=x1,x2,r,sin_x1,sin_x2").page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.click('#side-tabs [data-tab="hidden-space"]')
    page.select_option("#hidden-layer", "1")
    expect(page.locator("#hidden-space")).to_have_attribute("data-layer", "1")
    page.select_option("#hidden-projection", "neurons")
    expect(page.locator("#hidden-space")).to_have_attribute("data-projection", "neurons")
    expect(page.locator("#hidden-space-note")).to_contain_text("exact decision boundary")
    page.select_option("#speed", "10")
    page.click("#play")
    playground.wait_for_epoch(200)
    page.click("#pause")
    playground.wait_until_paused()
    chart = "document.getElementById('hidden-space-chart')"
    assert page.evaluate(f"{chart}.data[1].x.length") == 250
    assert page.evaluate(f"{chart}.data[4].type") == "contour"
    assert page.evaluate("document.documentElement.scrollHeight") <= 720
    page.mouse.move(0, 0)
    page.screenshot(path=str(screenshots / "hidden-space.png"))
    page.select_option("#hidden-layer", "0")
    page.select_option("#hidden-projection", "pca")
    expect(page.locator("#hidden-space-chart")).to_contain_text("PC1")


def test_the_mini_batch_is_ringed_while_training_slowly(playground):
    page = playground.open("?dataset=xor&batch_size=7").page
    page.check("#show-batch")
    page.select_option("#speed", "0.1")
    page.click("#play")
    page.wait_for_function("document.getElementById('output-chart').dataset.batch === '7'")
    before = page.evaluate("document.getElementById('output-chart').data[3].x.join()")
    page.wait_for_function(
        "b => document.getElementById('output-chart').data[3].x.join() !== b", arg=before
    )
    page.click("#pause")
    page.uncheck("#show-batch")
    page.wait_for_function("document.getElementById('output-chart').data[3].x.length === 0")


def test_predict_then_reveal_scores_the_painting(playground):
    page = playground.open("?dataset=gauss").page
    page.click("#predict")
    canvas = page.locator(".predict-canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    # Paint the whole plot with one class by dragging row by row.
    page.check('input[name="predict-brush"][value="1"]')
    for k in range(12):
        y = box["y"] + (k + 0.5) * box["height"] / 12
        page.mouse.move(box["x"] + 2, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] - 2, y, steps=8)
        page.mouse.up()
    page.click("#play")
    score = page.locator("#predict-score")
    expect(score).to_contain_text("agreement")
    page.click("#pause")
    playground.wait_until_paused()
    share = float(score.get_attribute("data-score"))
    painted = int(re.search(r"(\d+)% painted", score.inner_text()).group(1))
    # One class (nearly) everywhere agrees with the network only where it says +1.
    assert painted >= 80 and 0.05 < share < painted / 100
