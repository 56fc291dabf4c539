// The network's output under the pointer on the output chart: the frame's output
// map read at the nearest grid cell (a 48 × 48 grid over [-6, 6]², rows along
// x₂ ascending, engine/grid.py), shown in a small readout beside the pointer.

const EXTENT = 6;

export class OutputReadout {
  /** chart: the output chart (a Plotly div); box: the readout element. */
  constructor(chart, box) {
    this.chart = chart;
    this.box = box;
    this.output = null; // the latest output FrameArray
    this.pointer = null; // [clientX, clientY] while over the chart
    chart.addEventListener("mousemove", (event) => {
      this.pointer = [event.clientX, event.clientY];
      this.show();
    });
    chart.addEventListener("mouseleave", () => {
      this.pointer = null;
      this.show();
    });
  }

  /** A frame's output map; the readout follows it. */
  set(output) {
    this.output = output;
    if (this.pointer) this.show();
  }

  show() {
    const at = this.pointer && this.output && this.at(...this.pointer);
    // Only over the plot, and only while the chart shows the output (not a neuron).
    this.box.hidden = !at || this.chart.dataset.showing !== "output";
    if (this.box.hidden) return;
    const { x, y, value } = at;
    this.box.textContent = `output ${value.toFixed(3)} at x₁ ${x.toFixed(1)}, x₂ ${y.toFixed(1)}`;
    const frame = this.box.offsetParent?.getBoundingClientRect() ?? { left: 0, top: 0 };
    this.box.style.left = `${this.pointer[0] - frame.left + 12}px`;
    this.box.style.top = `${this.pointer[1] - frame.top + 12}px`;
  }

  /** The point under client (px, py) and the output at its nearest cell, or null.
   * The map's image spans exactly [-6, 6]² (charts.js, sizing "stretch"). */
  at(px, py) {
    const image = this.chart.querySelector(".imagelayer image");
    const box = image?.getBoundingClientRect();
    if (!box?.width) return null;
    const fx = (px - box.left) / box.width;
    const fy = (box.bottom - py) / box.height; // x₂ grows upwards
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return null;
    const size = this.output.shape.at(-1);
    const cell = (f) => Math.round(f * (size - 1));
    const code = this.output.data[cell(fy) * size + cell(fx)];
    const [lo, hi] = this.output.rangeOf();
    const value = lo + (code / 255) * (hi - lo);
    return { x: -EXTENT + 2 * EXTENT * fx, y: -EXTENT + 2 * EXTENT * fy, value };
  }
}
