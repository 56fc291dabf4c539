"""A multi-class problem on the page: K output nodes, the output map coloured by
class, and the confusion matrix in its side panel."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FOUR_ARMS = (
    "?dataset=spiral_k&classes=4&loss=cross_entropy&hidden=8,8,8&optimizer=adam&batch_size=25"
)

# The share of the output picture's pixels nearest each class colour (palette.js
# CLASS_COLOURS) among the clearly tinted ones: a 4-class map shows all four.
CLASS_SHARES = """async (classes) => {
  const source = document.getElementById("output-chart").layout.images[0].source;
  const image = new Image();
  image.src = source;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const rgb = classes.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const counts = classes.map(() => 0);
  for (let p = 0; p < data.length; p += 4) {
    const distance = rgb.map((c) => Math.hypot(...c.map((v, i) => v - data[p + i])));
    const best = distance.indexOf(Math.min(...distance));
    if (distance[best] < 60) counts[best] += 1;
  }
  return counts.map((n) => n / (data.length / 4));
}"""
OKABE_ITO = ["#e69f00", "#56b4e9", "#009e73", "#cc79a7"]


def test_a_four_class_spiral_trains_to_four_coloured_regions(playground, screenshots):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 720})
    playground.open(f"{FOUR_ARMS}&learning_rate=0.01")
    expect(page.locator("#diagram .class-node")).to_have_count(4)
    expect(page.locator("[data-control=classes] select")).to_have_value("4")
    page.select_option("#speed", "10")
    page.click("#play")
    playground.wait_for_epoch(150)
    page.click("#pause")
    playground.wait_until_paused()
    assert float(page.locator("#test-accuracy").inner_text().rstrip("%")) >= 90
    # The confusion matrix: a header row and one row per class.
    expect(page.locator("#confusion tr")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollHeight") <= 720
    shares = page.evaluate(CLASS_SHARES, OKABE_ITO)
    assert all(share > 0.08 for share in shares), shares
    page.screenshot(path=screenshots / "four-class-spiral.png")


def test_more_classes_on_a_binary_dataset_are_refused_naming_the_key(playground):
    page = playground.open().page
    page.select_option("[data-control=classes] select", "3")
    expect(page.locator("#error-classes")).to_contain_text("circle has 2 classes")
