// The Plotly charts: the output heatmap with the data points, the loss curves,
// and the representation view (the data in the space of two features).

import { plotlyScale } from "./palette.js";

const EXTENT = 6;
const PLOT_CONFIG = { displayModeBar: false, responsive: true };
const FONT = { family: "system-ui, sans-serif", size: 13, color: "#333" };

function linspace(lo, hi, n) {
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
}

function pointTrace(name, outline) {
  return {
    type: "scatter",
    mode: "markers",
    name,
    x: [],
    y: [],
    marker: {
      size: 6,
      color: [],
      colorscale: plotlyScale(),
      cmin: -1,
      cmax: 1,
      line: { color: outline, width: 1 },
    },
    hovertemplate: `${name} point<br>(%{x:.2f}, %{y:.2f})<br>label %{marker.color:.2f}<extra></extra>`,
  };
}

function squareAxis(title, range) {
  return {
    range,
    title: { text: title, standoff: 4 },
    showgrid: false,
    zeroline: false,
    fixedrange: true,
    ticks: "outside",
    ticklen: 3,
  };
}

/** A heatmap of one map plus the train and test points on top. */
class MapWithPoints {
  constructor(el, { xTitle, yTitle, colorbar }) {
    this.el = el;
    this.discrete = false;
    this.range = [-1, 1];
    const heatmap = {
      type: "heatmap",
      z: [[0]],
      x: [0],
      y: [0],
      zmin: -1,
      zmax: 1,
      zsmooth: "best",
      colorscale: plotlyScale(),
      showscale: colorbar,
      colorbar: { thickness: 10, outlinewidth: 0, x: 1.02, xpad: 0, len: 1, tickfont: { size: 11 } },
      hovertemplate: "(%{x:.2f}, %{y:.2f})<br>output %{z:.3f}<extra></extra>",
    };
    const layout = {
      margin: { l: 44, r: colorbar ? 44 : 8, t: 6, b: 38 },
      xaxis: squareAxis(xTitle, [-EXTENT, EXTENT]),
      yaxis: { ...squareAxis(yTitle, [-EXTENT, EXTENT]), scaleanchor: "x" },
      showlegend: false,
      font: FONT,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#fafafa",
    };
    this.ready = Plotly.newPlot(
      el,
      [heatmap, pointTrace("training", "#ffffff"), { ...pointTrace("test", "#111111"), visible: false }],
      layout,
      PLOT_CONFIG,
    );
  }

  /** Show a (rows × cols) map over x_range × y_range, coloured over range. */
  setMap(rows, range, xRange = [-EXTENT, EXTENT], yRange = [-EXTENT, EXTENT]) {
    this.range = range;
    return Plotly.restyle(
      this.el,
      {
        z: [rows],
        x: [linspace(xRange[0], xRange[1], rows[0].length)],
        y: [linspace(yRange[0], yRange[1], rows.length)],
        zmin: [range[0]],
        zmax: [range[1]],
        visible: [true],
      },
      [0],
    );
  }

  hideMap() {
    return Plotly.restyle(this.el, { visible: [false] }, [0]);
  }

  /** Points as [xs, ys] with labels; labels coloured over the output's range. */
  setPoints(train, trainLabels, test, testLabels, range) {
    const [lo, hi] = range;
    return Plotly.restyle(
      this.el,
      {
        x: [train[0], test[0]],
        y: [train[1], test[1]],
        "marker.color": [Array.from(trainLabels), Array.from(testLabels)],
        "marker.cmin": [lo, lo],
        "marker.cmax": [hi, hi],
      },
      [1, 2],
    );
  }

  setShowTest(show) {
    return Plotly.restyle(this.el, { visible: [show] }, [2]);
  }

  setDiscrete(discrete) {
    this.discrete = discrete;
    return Plotly.restyle(this.el, { colorscale: [plotlyScale(discrete)] }, [0]);
  }

  setAxes(xTitle, yTitle, xRange = [-EXTENT, EXTENT], yRange = [-EXTENT, EXTENT]) {
    return Plotly.relayout(this.el, {
      "xaxis.title.text": xTitle,
      "yaxis.title.text": yTitle,
      "xaxis.range": xRange,
      "yaxis.range": yRange,
    });
  }
}

/** The network's output over [-6, 6]² (or a hovered neuron's map), with the data. */
export class OutputChart extends MapWithPoints {
  constructor(el) {
    super(el, { xTitle: "x₁", yTitle: "x₂", colorbar: true });
  }
}

/** The data in the space of two features, with the boundary when it is defined there. */
export class RepresentationChart extends MapWithPoints {
  constructor(el) {
    super(el, { xTitle: "", yTitle: "", colorbar: false });
  }
}

/** Training and test loss per epoch, linear or log scale. */
export class LossChart {
  constructor(el) {
    this.el = el;
    this.count = 0;
    const line = (name, color, dash) => ({
      type: "scatter",
      mode: "lines",
      name,
      x: [],
      y: [],
      line: { color, width: 2, dash },
      hovertemplate: `${name} %{y:.4f}<extra></extra>`,
    });
    const layout = {
      margin: { l: 52, r: 8, t: 20, b: 40 },
      xaxis: {
        title: { text: "epoch", standoff: 4 },
        automargin: true,
        fixedrange: true,
        zeroline: false,
        nticks: 6,
      },
      yaxis: { title: { text: "loss", standoff: 4 }, fixedrange: true, rangemode: "tozero", nticks: 4 },
      legend: { orientation: "h", x: 1, xanchor: "right", y: 1, yanchor: "bottom", font: { size: 11 } },
      hovermode: "x unified",
      font: FONT,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#fafafa",
    };
    this.ready = Plotly.newPlot(
      el,
      [line("training", "#7f7f7f", "solid"), line("test", "#111111", "dot")],
      layout,
      PLOT_CONFIG,
    );
  }

  /** Replace the curves with a whole history (on connect and on reset). */
  replace(history) {
    this.count = history.epoch.length;
    this.el.dataset.points = String(this.count);
    return Plotly.restyle(
      this.el,
      { x: [history.epoch, history.epoch], y: [history.train_loss, history.test_loss] },
      [0, 1],
    );
  }

  /** Add the new entries of a frame's history. */
  append(history) {
    if (!history.epoch.length) return Promise.resolve();
    this.count += history.epoch.length;
    this.el.dataset.points = String(this.count);
    return Plotly.extendTraces(
      this.el,
      { x: [history.epoch, history.epoch], y: [history.train_loss, history.test_loss] },
      [0, 1],
    );
  }

  setLog(log) {
    return Plotly.relayout(this.el, {
      "yaxis.type": log ? "log" : "linear",
      "yaxis.rangemode": log ? "normal" : "tozero",
      "yaxis.autorange": true,
    });
  }
}
