// The Plotly map charts: the output map with the data points, and the
// representation view (the data in the space of two features). The loss
// curves are loss_chart.js.
//
// A map is painted on a small canvas and shown as the plot's layout image:
// swapping that image costs well under a millisecond, where restyling a
// heatmap trace replots the whole chart (~45 ms a frame measured in headless
// chromium on the 2-core box). Plotly still draws the axes, the points, their
// hover labels and the colour legend.

import { CLASS_COLOURS, drawClassMap, drawMap, plotlyScale } from "./palette.js";

const EXTENT = 6;
export const PLOT_CONFIG = { displayModeBar: false, responsive: true };
export const FONT = { family: "system-ui, sans-serif", size: 13, color: "#333" };
const SQUARE = [-EXTENT, EXTENT];

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
    hovertemplate: pointHover(name, 2),
  };
}

/** A point's hover label: its label's value, or for K classes, the class (customdata). */
function pointHover(name, classes) {
  const label = classes > 2 ? "<br>class %{customdata}" : "<br>label %{marker.color:.2f}";
  return `${name} point<br>(%{x:.2f}, %{y:.2f})${label}<extra></extra>`;
}

/** Rings around chosen points (the mini-batch); on top of the data, never hovered. */
function ringTrace() {
  return {
    type: "scatter",
    mode: "markers",
    name: "batch",
    x: [],
    y: [],
    marker: { size: 13, color: "rgba(0,0,0,0)", line: { color: "#202124", width: 2 } },
    hoverinfo: "skip",
  };
}

/** A heatmap trace outside the plotted range: it draws nothing but the colour legend. */
function legendTrace(colorbar) {
  return {
    type: "heatmap",
    z: [[0]],
    x: [10 * EXTENT],
    y: [10 * EXTENT],
    zmin: -1,
    zmax: 1,
    colorscale: plotlyScale(),
    showscale: colorbar,
    hoverinfo: "skip",
    colorbar: { thickness: 10, outlinewidth: 0, x: 1.02, xpad: 0, len: 1, tickfont: { size: 11 } },
  };
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
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

/** One map (as the plot's image) with the train and test points on top. */
class MapWithPoints {
  constructor(el, { xTitle, yTitle, colorbar, equalUnits }) {
    this.el = el;
    this.colorbar = colorbar;
    this.classes = 2; // more: points and maps coloured by class (setClasses)
    this.discrete = false;
    this.map = null;
    this.legend = "";
    this.units = JSON.stringify([null, null]);
    this.canvas = document.createElement("canvas");
    const layout = {
      margin: { l: 44, r: colorbar ? 44 : 8, t: 10, b: 38 }, // t: room for the top tick label
      xaxis: squareAxis(xTitle, SQUARE),
      // The plane's x₁ and x₂ share units; a feature pair like (r, θ) does not.
      yaxis: { ...squareAxis(yTitle, SQUARE), ...(equalUnits ? { scaleanchor: "x" } : {}) },
      showlegend: false,
      font: FONT,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#fafafa",
      images: [
        { source: "", visible: false, xref: "x", yref: "y", sizing: "stretch", layer: "below" },
      ],
    };
    this.ready = Plotly.newPlot(
      el,
      [
        legendTrace(colorbar),
        pointTrace("training", "#ffffff"),
        { ...pointTrace("test", "#111111"), visible: false },
        ringTrace(),
      ],
      layout,
      PLOT_CONFIG,
    );
  }

  /**
   * Show a map over xRange × yRange. map: {bytes (uint8, rows along y ascending),
   * range: the [lo, hi] the bytes stand for, centre, scale: drawn as (v − centre) / scale;
   * classes > 2: a class map (palette.js drawClassMap), which centre and scale do not touch}.
   */
  setMap(map, xRange = SQUARE, yRange = SQUARE) {
    this.map = { map, xRange, yRange };
    const { centre = 0, scale = 1, classes = 2 } = map;
    const discrete = this.discrete;
    if (classes > 2) drawClassMap(this.canvas, map.bytes, map.range, { discrete });
    else drawMap(this.canvas, map.bytes, map.range, { centre, scale, discrete });
    const update = {
      "images[0].source": this.canvas.toDataURL(),
      "images[0].visible": true,
      "images[0].x": xRange[0],
      "images[0].y": yRange[1],
      "images[0].sizex": xRange[1] - xRange[0],
      "images[0].sizey": yRange[1] - yRange[0],
    };
    return Promise.all([Plotly.relayout(this.el, update), this.setLegend(centre, scale)]);
  }

  hideMap() {
    if (!this.map) return Promise.resolve();
    this.map = null;
    return Plotly.relayout(this.el, { "images[0].visible": false });
  }

  /**
   * The colour legend's range, restyled only when it changes (a restyle replots).
   * Classes have no scale to show: their colours are the points' own.
   */
  setLegend(centre, scale) {
    const key = JSON.stringify([centre, scale, this.discrete, this.classes]);
    if (key === this.legend) return Promise.resolve();
    this.legend = key;
    const update = {
      zmin: [centre - scale],
      zmax: [centre + scale],
      colorscale: [plotlyScale(this.discrete)],
      showscale: [this.colorbar && this.classes === 2],
    };
    return Plotly.restyle(this.el, update, [0]);
  }

  /**
   * How many classes the labels and the output maps stand for (2: the ±1 problems),
   * and their names (an upload's label texts) or null.
   */
  setClasses(classes, names = null) {
    this.classes = classes;
    this.names = names;
  }

  /**
   * The data's points moved into another space: ``array`` holds them all (a
   * FrameArray, training points first), ``points`` their labels as the output
   * chart has them.
   */
  setMovedPoints(array, points, range) {
    const [xs, ys] = array.columns();
    const n = points.trainLabels.length;
    const train = [xs.slice(0, n), ys.slice(0, n)];
    const test = [xs.slice(n), ys.slice(n)];
    return this.setPoints(train, points.trainLabels, test, points.testLabels, range);
  }

  /**
   * Points as [xs, ys] with labels; labels coloured over the output's range, or
   * with more than 2 classes, each class index in its class's colour.
   */
  setPoints(train, trainLabels, test, testLabels, range) {
    const [lo, hi] = range;
    const colours = (labels) =>
      this.classes > 2 ? Array.from(labels, (k) => CLASS_COLOURS[k]) : Array.from(labels);
    // Plotly writes hover text as HTML: a file's names go in with <, >, & escaped.
    const classNames = (labels) =>
      Array.from(labels, (k) => escapeHtml(this.names?.[k] ?? String(k)));
    return Plotly.restyle(
      this.el,
      {
        x: [train[0], test[0]],
        y: [train[1], test[1]],
        "marker.color": [colours(trainLabels), colours(testLabels)],
        customdata: [classNames(trainLabels), classNames(testLabels)],
        "marker.cmin": [lo, lo],
        "marker.cmax": [hi, hi],
        hovertemplate: [0, 1].map((k) => pointHover(["training", "test"][k], this.classes)),
      },
      [1, 2],
    );
  }

  /** Ring the points at [xs, ys] (none: empty lists); sizes: one per ring, or one for all. */
  setRings(xs, ys, sizes = 13) {
    return Plotly.restyle(this.el, { x: [xs], y: [ys], "marker.size": [sizes] }, [3]);
  }

  setShowTest(show) {
    return Plotly.restyle(this.el, { visible: [show] }, [2]);
  }

  /** Two colours split at the middle of the range instead of a gradient. */
  setDiscrete(discrete) {
    this.discrete = discrete;
    if (!this.map) return Promise.resolve();
    const { map, xRange, yRange } = this.map;
    return this.setMap(map, xRange, yRange);
  }

  /**
   * Tick labels in a dataset's own units: [lo, hi] per axis is what the plane's
   * [-6, 6] stands for (pass-fail: 0–12 lectures); null keeps the plane's numbers.
   */
  setUnits(xUnits, yUnits) {
    const ticks = (units) => {
      if (!units) return { tickmode: "auto", tickvals: null, ticktext: null };
      const [lo, hi] = units;
      const tickvals = [-6, -3, 0, 3, 6];
      const inUnits = (v) => lo + ((v + EXTENT) / (2 * EXTENT)) * (hi - lo);
      const ticktext = tickvals.map((v) => String(+inUnits(v).toFixed(2)));
      return { tickmode: "array", tickvals, ticktext };
    };
    const key = JSON.stringify([xUnits, yUnits]);
    if (key === this.units) return Promise.resolve();
    this.units = key;
    const update = {};
    for (const [axis, units] of [["xaxis", xUnits], ["yaxis", yUnits]]) {
      for (const [key, value] of Object.entries(ticks(units))) update[`${axis}.${key}`] = value;
    }
    return Plotly.relayout(this.el, update);
  }

  setAxes(xTitle, yTitle, xRange = SQUARE, yRange = SQUARE) {
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
    super(el, { xTitle: "x₁", yTitle: "x₂", colorbar: true, equalUnits: true });
  }
}

/** The data in the space of two features, with the boundary when it is defined there. */
export class RepresentationChart extends MapWithPoints {
  constructor(el) {
    super(el, { xTitle: "", yTitle: "", colorbar: false, equalUnits: false });
  }
}
