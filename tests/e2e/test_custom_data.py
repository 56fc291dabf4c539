"""Your own data and model in the browser (issue 13): drawing points with the mouse,
uploading a CSV, saving the model file and opening it again. Screenshots go where
the ``screenshots`` fixture says (docs/drawn-data.png, docs/imported-model.png,
docs/drawn-three-classes.png). Also: clearing the points, K classes drawn and
uploaded, and drawing with a touch screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Playground
from tests.e2e.test_multiclass import CLASS_SHARES, OKABE_ITO

pytestmark = pytest.mark.e2e

SMALL_CSV = "x1,x2,label\n-3,-3,no\n3,3,yes\n"  # sorted by name: no is −1, yes is +1
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


def wait_for_points(page, n: int) -> None:
    page.wait_for_function("n => { const d = document.getElementById('output-chart').data;"
                           " return d[1].x.length + d[2].x.length === n; }", arg=n)  # fmt: skip


def banner(page) -> str:
    return page.locator("#banner").inner_text()


def draw_points(playground, points) -> None:
    """Click each (x1, x2, label) on the output plot, the brush switched to its class."""
    page = playground.page
    for x1, x2, label in points:
        for _ in range(6):  # the brush steps through at most 6 classes
            if page.get_attribute("#draw-class", "value") == str(label):
                break
            page.click("#draw-class")
        before = playground.frame
        page.mouse.click(*to_screen(page, x1, x2))
        playground.wait_for_frame_after(before)


def test_clear_empties_the_plot_says_what_to_do_and_training_resumes_on_new_points(playground):
    page = playground.open("?dataset=gauss").page
    playground.press("play")
    page.click("#draw")
    page.click("#draw-clear")
    page.wait_for_function("document.getElementById('playground').dataset.state === 'waiting'")
    assert n_points(page) == 0
    playground.wait_until_paused()
    assert "No points yet — click on the plot to add some" in banner(page)
    assert playground.output_image()  # the network's map stays on the plot
    draw_points(playground, DRAWN[:1])
    assert "1 point so far" in banner(page)
    draw_points(playground, DRAWN[1:])
    wait_for_points(page, len(DRAWN))  # play frames may come before the last point's
    assert banner(page) == ""
    # It played when the points were cleared: it plays on the drawn ones by itself.
    page.wait_for_function("document.getElementById('playground').dataset.playing === 'true'")
    playground.wait_for_epoch(playground.epoch + 20)
    playground.press("pause")
    assert float(page.locator("#train-accuracy").inner_text().rstrip("%")) > 90


THREE_CLASS_CSV = "x1,x2,species\n" + "".join(
    f"{x + dx},{y + dy},{name}\n"
    for x, y, name in [(-3, -3, "<i>owl</i>"), (3, -3, "lark"), (0, 3, "wren & tit")]
    for dx in (-0.5, 0, 0.5)
    for dy in (-0.5, 0.5)
)


def test_an_uploaded_three_class_file_trains_three_coloured_regions(playground, tmp_path):
    page = playground.open("?learning_rate=0.3").page
    csv = tmp_path / "birds.csv"
    csv.write_text(THREE_CLASS_CSV)
    upload(playground, csv)
    assert n_points(page) == 18
    page.select_option("#speed", "10")
    playground.press("play")
    playground.wait_for_epoch(100)
    playground.press("pause")
    playground.wait_until_paused()
    expect(page.locator("#diagram .class-node")).to_have_count(3)
    # A 3 × 3 table: a header row and one row per class, named by the file, as text.
    expect(page.locator("#confusion tr")).to_have_count(4)
    heads = page.locator("#confusion tr").first.locator("th")
    assert heads.all_inner_texts()[1:] == ["<i>owl</i>", "lark", "wren & tit"]
    assert page.locator("#confusion i").count() == 0  # never read as HTML
    before = playground.output_image()
    page.check("#discretize")  # every cell in its class's full colour
    page.wait_for_function(
        "before => document.getElementById('output-chart').layout.images[0].source !== before",
        arg=before,
    )
    shares = page.evaluate(CLASS_SHARES, OKABE_ITO[:3])
    assert all(share > 0.1 for share in shares), shares


def test_three_classes_drawn_from_nothing(playground, screenshots):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 720})
    playground.open("?dataset=blobs&classes=3&loss=cross_entropy&hidden=6,4")
    page.click("#draw")
    page.click("#draw-clear")
    page.wait_for_function("document.getElementById('playground').dataset.state === 'waiting'")
    assert page.locator("#draw-class").inner_text().strip() == "class 0"
    clusters = [(-3.5, 3.5, 0), (3.5, 3.5, 1), (0, -3.5, 2)]
    draw_points(
        playground,
        [(x + dx, y + dy, k) for x, y, k in clusters for dx in (-1, 0, 1) for dy in (-0.8, 0.8)],
    )
    wait_for_points(page, 18)
    playground.press("play")
    playground.wait_for_epoch(80)
    playground.press("pause")
    playground.wait_until_paused()
    assert float(page.locator("#train-accuracy").inner_text().rstrip("%")) == 100
    expect(page.locator("#confusion tr")).to_have_count(4)
    page.check("#show-test")
    # The confusion table has its own panel in the side column: the page keeps to 720 px.
    assert page.evaluate("document.documentElement.scrollHeight") <= 720
    page.screenshot(path=str(screenshots / "drawn-three-classes.png"))


def test_a_tap_on_a_touch_screen_draws_a_point(browser, server):
    context = browser.new_context(has_touch=True, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        playground = Playground(page, server.url).open("?dataset=gauss")
        page.tap("#draw")
        page.tap("#draw-clear")
        page.wait_for_function("document.getElementById('playground').dataset.state === 'waiting'")
        before = playground.frame
        page.touchscreen.tap(*to_screen(page, 2, 3))
        playground.wait_for_frame_after(before)
        wait_for_points(page, 1)
        xs = page.evaluate(
            "(() => { const d = document.getElementById('output-chart').data;"
            " return [...d[1].x, ...d[2].x, ...d[1].y, ...d[2].y]; })()"
        )
        assert xs == pytest.approx([2, 3], abs=0.1)
        assert errors == []
    finally:
        context.close()
