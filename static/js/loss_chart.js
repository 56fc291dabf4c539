// The loss curves: training and test loss per epoch, on a linear or log axis.

import { FONT, PLOT_CONFIG } from "./charts.js";

const FLUSH_MS = 250;
// The axes before any epoch (a log axis's range is in powers of ten).
const EMPTY_EPOCHS = [0, 6];
const EMPTY_LOSS = { linear: [0, 1], log: [-3, 1] };

/**
 * Training and test loss per epoch, linear or log scale. New points are drawn
 * at most every FLUSH_MS: one extendTraces per frame cost ~10–18 ms.
 */
export class LossChart {
  constructor(el) {
    this.el = el;
    this.count = 0;
    this.log = false;
    this.pending = [];
    this.flushedAt = -Infinity;
    this.timer = null;
    const line = (name, color, dash) => ({
      type: "scatter",
      mode: "lines",
      name,
      x: [],
      y: [],
      line: { color, width: 2, dash },
      // 4 significant digits: 0.01234 as well as a diverging 1.234e+40.
      hovertemplate: `${name} %{y:.4~g}<extra></extra>`,
    });
    const layout = {
      margin: { l: 52, r: 8, t: 20, b: 40 },
      xaxis: {
        title: { text: "epoch", standoff: 4 },
        automargin: true,
        fixedrange: true,
        zeroline: false,
        nticks: 6,
        range: EMPTY_EPOCHS,
      },
      yaxis: {
        title: { text: "loss", standoff: 4 },
        automargin: true, // a diverging loss has long tick labels (2e+76)
        exponentformat: "e",
        fixedrange: true,
        rangemode: "tozero",
        nticks: 4,
        range: EMPTY_LOSS.linear,
      },
      legend: {
        orientation: "h",
        x: 1,
        xanchor: "right",
        y: 1,
        yanchor: "bottom",
        font: { size: 11 },
      },
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
    clearTimeout(this.timer);
    this.pending = [];
    this.count = history.epoch.length;
    this.el.dataset.points = String(this.count);
    const x = [history.epoch, history.epoch];
    const curves = { x, y: [history.train_loss, history.test_loss] };
    return Plotly.restyle(this.el, curves, [0, 1]).then(() =>
      Plotly.relayout(this.el, this.axes()),
    );
  }

  /**
   * Autorange over the curves; with none, a fixed empty frame: Plotly's
   * autorange keeps the previous run's ranges when every trace is empty.
   */
  axes() {
    if (this.count > 0) return { "xaxis.autorange": true, "yaxis.autorange": true };
    return {
      "xaxis.range": EMPTY_EPOCHS,
      "yaxis.range": this.log ? EMPTY_LOSS.log : EMPTY_LOSS.linear,
    };
  }

  /** Add the new entries of a frame's history (now, or with the next flush). */
  append(history) {
    if (!history.epoch.length) return Promise.resolve();
    this.pending.push(history);
    if (performance.now() - this.flushedAt >= FLUSH_MS) return this.flush();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), FLUSH_MS);
    return Promise.resolve();
  }

  flush() {
    clearTimeout(this.timer);
    const column = (key) => this.pending.flatMap((h) => h[key]);
    const epochs = column("epoch");
    const update = { x: [epochs, epochs], y: [column("train_loss"), column("test_loss")] };
    this.pending = [];
    this.flushedAt = performance.now();
    const wasEmpty = this.count === 0;
    this.count += epochs.length;
    this.el.dataset.points = String(this.count);
    const extended = Plotly.extendTraces(this.el, update, [0, 1]);
    // The empty frame's fixed ranges give way to autorange with the first points.
    return wasEmpty ? extended.then(() => Plotly.relayout(this.el, this.axes())) : extended;
  }

  setLog(log) {
    this.log = log;
    return Plotly.relayout(this.el, {
      "yaxis.type": log ? "log" : "linear",
      "yaxis.rangemode": log ? "normal" : "tozero",
      ...this.axes(),
    });
  }
}
