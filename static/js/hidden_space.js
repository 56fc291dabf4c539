// The hidden-space view (docs/protocol.md, `hidden_space`): the data mapped through
// a chosen hidden layer, on two of its neurons or its first two principal
// components, with the network's output over that plane and the line where the
// output crosses its threshold (the decision boundary). Redrawn every frame, so
// the spiral untangles as it trains.

import { RepresentationChart } from "./charts.js";
import { tabShown } from "./side_tabs.js";

const CONTOUR = {
  type: "contour",
  z: [[0]],
  showscale: false,
  hoverinfo: "skip",
  contours: { coloring: "none", start: 0, end: 0, size: 1 },
  line: { color: "#202124", width: 2 },
};

export class HiddenSpace {
  /** panel: #hidden-space; send(message): to the server. */
  constructor(panel, send) {
    this.panel = panel;
    this.send = send;
    this.$ = (id) => panel.querySelector(`#${id}`);
    this.chart = null; // made when first shown: Plotly needs a visible element
    this.sizes = "";
    this.showTest = false;
    for (const id of ["hidden-layer", "hidden-projection", "hidden-neuron-x", "hidden-neuron-y"]) {
      this.$(id).addEventListener("change", () => this.choose());
    }
  }

  /** The layer menus follow the network's shape. */
  syncLayers(sizes) {
    const key = sizes.join(",");
    if (key === this.sizes) return;
    this.sizes = key;
    const menu = this.$("hidden-layer");
    const chosen = menu.value;
    const options = [new Option("off", "")];
    sizes.slice(1, -1).forEach((width, layer) => {
      options.push(new Option(`${layer + 1} (${width} neuron${width === 1 ? "" : "s"})`, String(layer)));
    });
    menu.replaceChildren(...options);
    menu.value = options.some((o) => o.value === chosen) ? chosen : "";
    this.syncNeurons(sizes);
  }

  syncNeurons(sizes) {
    const layer = this.$("hidden-layer").value;
    const width = layer === "" ? 0 : sizes[Number(layer) + 1];
    ["x", "y"].forEach((axis, k) => {
      const menu = this.$(`hidden-neuron-${axis}`);
      const old = menu.value;
      const options = [...Array(width).keys()].map((j) => new Option(`${Number(layer) + 1}.${j + 1}`, String(j)));
      menu.replaceChildren(...options);
      menu.value = old && Number(old) < width ? old : String(Math.min(k, width - 1));
    });
  }

  /** A new session knows nothing of the view: tell it again, if one is on. */
  resend() {
    if (this.$("hidden-layer").value !== "") this.choose();
  }

  choose() {
    const layer = this.$("hidden-layer").value;
    const projection = this.$("hidden-projection").value;
    this.syncNeurons(this.sizes.split(",").map(Number));
    this.$("hidden-neurons").hidden = layer === "" || projection !== "neurons";
    const neurons = [this.$("hidden-neuron-x").value, this.$("hidden-neuron-y").value].map(Number);
    if (neurons[0] === neurons[1]) neurons[1] = neurons[0] === 0 ? 1 : 0;
    this.send({
      type: "hidden_view",
      layer: layer === "" ? null : Number(layer),
      projection,
      neurons,
    });
  }

  async draw(header, arrays, points) {
    this.syncLayers(header.network.sizes);
    const view = header.hidden_space;
    // A hidden tab is not drawn (Plotly needs a visible element); the next frame is.
    if (view === undefined || !tabShown(this.panel)) return;
    if (view === null) {
      // The server switched it off (a rebuild took the layer away).
      this.panel.dataset.layer = "";
      this.$("hidden-space-frame").hidden = true;
      return;
    }
    this.$("hidden-space-frame").hidden = false;
    if (!this.chart) {
      this.chart = new RepresentationChart(this.$("hidden-space-chart"));
      await this.chart.ready;
      await Plotly.addTraces(this.chart.el, [CONTOUR]);
      if (this.showTest) await this.chart.setShowTest(true);
    }
    const chart = this.chart;
    this.panel.dataset.layer = String(view.layer);
    this.panel.dataset.projection = view.projection;
    const axis = (k) =>
      view.projection === "pca"
        ? `PC${k + 1} (${Math.round(view.explained[k] * 100)}% of the variance)`
        : `neuron ${view.layer + 1}.${view.neurons[k] + 1}`;
    const [lo, hi] = view.output_range;
    const output = arrays.hidden_output;
    // The picture takes bytes over the output's range; the contour, the floats.
    const bytes = Uint8Array.from(output.data, (v) => Math.round(((v - lo) / (hi - lo)) * 255));
    const map = { bytes, range: [lo, hi], centre: (lo + hi) / 2, scale: (hi - lo) / 2 };
    const drawn = [
      chart.setAxes(axis(0), axis(1), view.x_range, view.y_range),
      chart.setMap(map, view.x_range, view.y_range),
      this.boundary(view, output, (lo + hi) / 2),
    ];
    if (points) drawn.push(chart.setMovedPoints(arrays.hidden_points, points, header.output_range));
    this.$("hidden-space-note").textContent = view.exact
      ? "The layer has 2 neurons: this plane is all it knows, and the line is the exact decision boundary."
      : "A plane through the layer's space: the line is where the output crosses its threshold on this plane.";
    await Promise.all(drawn);
  }

  /** The contour at the output's threshold over the plane's grid. */
  boundary(view, output, threshold) {
    const g = output.shape[0];
    const axis = ([a, b]) => [...Array(g).keys()].map((i) => a + ((b - a) * i) / (g - 1));
    const z = [];
    for (let r = 0; r < g; r++) z.push(Array.from(output.data.subarray(r * g, (r + 1) * g)));
    const update = {
      z: [z],
      x: [axis(view.x_range)],
      y: [axis(view.y_range)],
      "contours.start": threshold,
      "contours.end": threshold,
    };
    return Plotly.restyle(this.chart.el, update, [4]);
  }

  setShowTest(show) {
    this.showTest = show;
    return this.chart?.setShowTest(show);
  }
}
