"""Your own data and model in the browser (issue 13): drawing points with the mouse,
uploading a CSV, saving the model file and opening it again. Screenshots go where
the ``screenshots`` fixture says (docs/drawn-data.png, docs/imported-model.png)."""

import pytest

pytestmark = pytest.mark.e2e

SMALL_CSV = "x1,x2,label\n-3,-3,blue\n3,3,orange\n"
# Two clusters, drawn with the mouse: (x1, x2, class).
DRAWN = [(x, y, 1) for x in (2, 3, 4) for y in (1.5, 3, 4.5)] + [
    (x, y, -1) for x in (-4, -3, -2) for y in (-4.5, -3, -1.5)
]


def to_screen(page, x1: float, x2: float) -> tuple[float, float]:
    """The pixel of plot point (x1, x2) on the output chart (Plotly's axes give it)."""
    return page.evaluate(
        """([x, y]) => {
            const el = document.getElementById('output-chart');
            const l = el._fullLayout, box = el.getBoundingClientRect();
            return [box.left + l.xaxis._offset + l.xaxis.l2p(x),
                    box.top + l.yaxis._offset + l.yaxis.l2p(y)];
        }""",
        [x1, x2],
    )


def n_points(page) -> int:
    return page.evaluate(
        "(() => { const d = document.getElementById('output-chart').data;"
        " return d[1].x.length + d[2].x.length; })()"
    )


def expect_refusal(playground, status: int) -> None:
    """Chromium logs every 4xx answer; the one this test asked for is not an error."""
    logged = f"status of {status}"
    playground.console_errors[:] = [e for e in playground.console_errors if logged not in e]


def upload(playground, path) -> None:
    before = playground.resets
    playground.page.set_input_files("#open-file", str(path))
    playground.page.wait_for_function(
        "n => Number(document.getElementById('playground').dataset.resets) > n", arg=before
    )


def test_points_drawn_with_the_mouse_are_trained_on(playground, screenshots, tmp_path):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 720})
    playground.open()
    csv = tmp_path / "two.csv"
    csv.write_text(SMALL_CSV)
    upload(playground, csv)
    assert n_points(page) == 2
    page.click("#draw")
    for x1, x2, label in DRAWN:
        if page.get_attribute("#draw-class", "value") != str(label):
            page.click("#draw-class")  # the brush flips between +1 and -1
        before = playground.frame
        page.mouse.click(*to_screen(page, x1, x2))
        playground.wait_for_frame_after(before)
    page.wait_for_function("n => { const d = document.getElementById('output-chart').data;"
                           " return d[1].x.length + d[2].x.length === n; }", arg=20)  # fmt: skip
    # Shift-click removes the nearest point.
    page.keyboard.down("Shift")
    page.mouse.click(*to_screen(page, 3.9, 4.4))
    page.keyboard.up("Shift")
    page.wait_for_function("() => { const d = document.getElementById('output-chart').data;"
                           " return d[1].x.length + d[2].x.length === 19; }")  # fmt: skip
    playground.press("play")
    playground.wait_for_epoch(30)
    playground.press("pause")
    assert float(page.locator("#train-accuracy").inner_text().rstrip("%")) > 90
    page.check("#show-test")  # the picture shows every drawn point
    page.screenshot(path=str(screenshots / "drawn-data.png"))
    assert page.evaluate("document.documentElement.scrollHeight") <= 720


def test_a_bad_upload_says_which_line_and_keeps_the_data(playground, tmp_path):
    page = playground.open().page
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,a\n3,abc,b\n")
    page.set_input_files("#open-file", str(bad))
    error = page.locator("#error-custom_data")
    error.wait_for(state="visible")
    assert "line 3, column 2" in error.inner_text()
    assert n_points(page) == 500  # the circle, as before
    expect_refusal(playground, 400)


def test_points_outside_the_plot_are_rescaled_when_asked(playground, tmp_path):
    page = playground.open().page
    wide = tmp_path / "wide.csv"
    wide.write_text("100,0,a\n-100,40,b\n0,-20,a\n20,20,b\n")
    page.set_input_files("#open-file", str(wide))
    page.locator("#rescale-prompt").wait_for(state="visible")
    before = playground.resets
    page.click("#rescale-yes")
    page.wait_for_function(
        "n => Number(document.getElementById('playground').dataset.resets) > n", arg=before
    )
    assert n_points(page) == 4
    expect_refusal(playground, 409)


def test_a_saved_model_opens_again_with_the_same_output_map(playground, screenshots, tmp_path):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 720})
    playground.open("?dataset=circle")
    playground.press("play")
    playground.wait_for_epoch(40)
    playground.press("pause")
    playground.wait_until_paused()
    epoch = playground.epoch
    trained = playground.output_image()
    with page.expect_download() as saving:
        page.select_option("#download", "model")
    saved = tmp_path / "model.json"
    saving.value.save_as(saved)
    assert saving.value.suggested_filename == "nn_playground_model.json"
    playground.press("reset")
    assert playground.output_image() != trained
    before = playground.resets
    page.set_input_files("#open-file", str(saved))
    page.wait_for_function(
        "n => Number(document.getElementById('playground').dataset.resets) > n", arg=before
    )
    assert playground.output_image() == trained
    assert playground.epoch == epoch  # and its scores are measured, not blank
    assert page.locator("#test-loss").inner_text() != "–"
    assert page.evaluate("document.documentElement.scrollHeight") <= 720
    page.screenshot(path=str(screenshots / "imported-model.png"))
