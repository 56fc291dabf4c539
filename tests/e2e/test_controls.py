"""The controls: live changes keep training, shape changes reset, bad input is named."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def wait_for_url_param(page, text: str) -> None:
    """The URL follows the server's config, so a parameter there means the change applied."""
    page.wait_for_function("t => window.location.search.includes(t)", arg=text)


def test_changing_the_learning_rate_keeps_training_without_a_reset(playground):
    page = playground.open().page
    page.click("#play")
    playground.wait_for_epoch(2)
    resets = playground.resets
    page.select_option("select[name=learning_rate]", "0.1")
    wait_for_url_param(page, "learning_rate=0.1")
    at_change = playground.epoch
    playground.wait_for_epoch(at_change + 2)
    assert playground.resets == resets


def test_changing_the_activation_resets_the_network(playground):
    page = playground.open().page
    page.click("#play")
    playground.wait_for_epoch(2)
    page.click("#pause")
    playground.wait_until_paused()
    resets = playground.resets
    page.select_option("select[name=activation]", "relu")
    wait_for_url_param(page, "activation=relu")
    page.wait_for_function(
        "n => Number(document.getElementById('playground').dataset.resets) > n", arg=resets
    )
    assert playground.epoch == 0
    assert page.locator("#loss-chart").get_attribute("data-points") == "0"


def test_adding_a_layer_and_a_neuron_changes_the_diagram_and_the_frames(playground):
    page = playground.open().page
    diagram = page.locator("#diagram")
    assert diagram.get_attribute("data-neuron-shape") == "6,20,20"

    page.click("#add-layer")
    expect(diagram).to_have_attribute("data-sizes", "2,4,2,2,1")
    expect(diagram).to_have_attribute("data-neuron-shape", "8,20,20")
    expect(page.locator(".hidden-layer")).to_have_count(3)
    expect(page.locator("#layer-count")).to_have_text("3")

    page.click(".hidden-layer[data-layer='0'] [data-message='add-neuron']")
    expect(diagram).to_have_attribute("data-sizes", "2,5,2,2,1")
    expect(diagram).to_have_attribute("data-neuron-shape", "9,20,20")
    expect(page.locator(".neuron-tile[data-layer='0']")).to_have_count(5)
    assert len(playground.weights()) == 2 * 5 + 5 * 2 + 2 * 2 + 2
    assert "hidden=5,2,2" in page.url


def test_toggling_a_feature_adds_an_input(playground):
    page = playground.open().page
    page.click(".feature-tile[data-feature='x1^2']")
    expect(page.locator("#diagram")).to_have_attribute("data-sizes", "3,4,2,1")
    expect(page.locator(".feature-tile[data-feature='x1^2']")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_an_out_of_range_value_shows_an_error_beside_it_and_training_continues(playground):
    page = playground.open().page
    page.click("#play")
    playground.wait_for_epoch(1)
    box = page.locator("input.value-box[name=batch_size]")
    box.fill("300")
    box.press("Enter")
    error = page.locator("#error-batch_size")
    expect(error).to_contain_text("Batch size must be a whole number from 1 to 250")
    expect(error).to_be_visible()
    at_error = playground.epoch
    playground.wait_for_epoch(at_error + 2)
    assert "batch_size" not in page.url

    box.fill("20")
    box.press("Enter")
    wait_for_url_param(page, "batch_size=20")
    expect(error).to_be_empty()


def test_editing_a_weight_changes_the_output_map(playground):
    page = playground.open().page
    before = playground.output_image()
    # The last links (into the output) are drawn last, so nothing covers their middle.
    page.locator("#links .link-hit").last.click()
    editor = page.locator("#weight-editor")
    expect(editor).to_be_visible()
    frame = playground.frame
    editor.locator("input[name=value]").fill("4")
    editor.locator("input[name=value]").press("Enter")
    playground.wait_for_frame_after(frame)
    expect(editor).to_be_hidden()
    assert playground.weights()[-1] == 4
    assert playground.output_image() != before


def test_editing_the_output_bias(playground):
    page = playground.open().page
    before = playground.output_image()
    page.click("#output-tile")
    editor = page.locator("#weight-editor")
    expect(editor).to_contain_text("bias of the output")
    frame = playground.frame
    editor.locator("input[name=value]").fill("-0.8")
    editor.locator("input[name=value]").press("Enter")
    playground.wait_for_frame_after(frame)
    assert playground.output_image() != before


def test_hovering_a_neuron_shows_its_map_in_the_output_chart(playground):
    page = playground.open().page
    chart = page.locator("#output-chart")
    output = playground.output_image()
    page.hover(".neuron-tile[data-layer='0'][data-neuron='1']")
    expect(chart).to_have_attribute("data-showing", "neuron:0,1")
    expect(page.locator("#hovercard")).to_contain_text("bias of neuron 1.2")
    assert playground.output_image() != output
    page.hover(".feature-tile[data-feature='r']")
    expect(chart).to_have_attribute("data-showing", "feature:r")
    page.mouse.move(0, 0)
    expect(chart).to_have_attribute("data-showing", "output")
    assert playground.output_image() == output


def test_dropout_dims_the_neurons_it_dropped(playground):
    page = playground.open("?dropout=0.5&hidden=8,8").page
    playground.press("step")
    dropped = page.locator(".neuron-tile.dropped")
    assert 0 < dropped.count() < 16


def test_batch_norm_checkbox_sends_true_and_false(playground):
    page = playground.open().page
    page.check("input[name=batch_norm]")
    wait_for_url_param(page, "batch_norm=true")
    page.uncheck("input[name=batch_norm]")
    page.wait_for_function("!window.location.search.includes('batch_norm')")


def test_layer_buttons_stop_at_the_pages_limits(playground):
    page = playground.open("?hidden=8,8,8,8,8,8").page
    page.click("#add-layer")
    page.click(".hidden-layer[data-layer='0'] [data-message='add-neuron']")
    page.click("#remove-layer")
    expect(page.locator("#diagram")).to_have_attribute("data-sizes", "2,8,8,8,8,8,1")
    assert playground.sent == [{"type": "config", "hidden": [8, 8, 8, 8, 8]}]
