// Predict, then reveal: before training, the learner paints where they expect
// each class on the output plot (a brush per class; mouse, pen or touch). The
// network's map is hidden meanwhile. On play it is revealed under the painting,
// and the agreement is scored on every frame: the fraction of the output map's
// grid where the painted class is the network's class (unpainted cells count as
// misses). The class of a cell comes from the frame's uint8 output map: above
// or below the middle of the output's range, the decision threshold.

const NONE = 0;

export class Predict {
  /** panel: the predict controls; chartEl: #output-chart (the plot is painted over). */
  constructor(panel, chartEl) {
    this.panel = panel;
    this.chartEl = chartEl;
    this.$ = (id) => panel.querySelector(`#${id}`);
    this.size = 0; // the painted grid is the output map's, G × G
    this.painted = null; // Int8Array G·G: −1, +1, or NONE; row 0 at the bottom (x₂ = −6)
    this.mode = "off"; // off → painting → revealed
    this.canvas = document.createElement("canvas");
    this.canvas.className = "predict-canvas";
    this.canvas.hidden = true;
    chartEl.parentElement.append(this.canvas);
    this.$("predict").addEventListener("click", () => this.start());
    this.$("predict-clear").addEventListener("click", () => this.stop());
    let down = false;
    this.canvas.addEventListener("pointerdown", (e) => {
      down = true;
      this.canvas.setPointerCapture(e.pointerId);
      this.paint(e);
    });
    this.canvas.addEventListener("pointermove", (e) => down && this.paint(e));
    this.canvas.addEventListener("pointerup", () => (down = false));
    this.canvas.addEventListener("pointercancel", () => (down = false));
  }

  brush() {
    return Number(this.panel.querySelector('input[name="predict-brush"]:checked').value);
  }

  start() {
    this.setMode("painting");
    this.place();
    this.$("predict-score").textContent = "paint, then press play";
  }

  stop() {
    this.setMode("off");
    this.painted = null;
    this.$("predict-score").textContent = "";
    delete this.$("predict-score").dataset.score;
  }

  setMode(mode) {
    this.mode = mode;
    this.panel.dataset.mode = mode;
    this.chartEl.classList.toggle("predicting", mode === "painting");
    this.canvas.hidden = mode === "off";
    this.canvas.classList.toggle("revealed", mode === "revealed");
  }

  /** Lay the canvas over the plot area (Plotly's axes give its pixels). */
  place() {
    const layout = this.chartEl._fullLayout;
    if (!layout) return;
    const x = layout.xaxis;
    const y = layout.yaxis;
    const box = this.chartEl.getBoundingClientRect();
    const frame = this.chartEl.parentElement.getBoundingClientRect();
    Object.assign(this.canvas.style, {
      left: `${box.left - frame.left + x._offset}px`,
      top: `${box.top - frame.top + y._offset}px`,
      width: `${x._length}px`,
      height: `${y._length}px`,
    });
  }

  paint(event) {
    if (this.mode !== "painting" || !this.size) return;
    const rect = this.canvas.getBoundingClientRect();
    const g = this.size;
    const col = Math.floor(((event.clientX - rect.left) / rect.width) * g);
    const row = Math.floor(((rect.bottom - event.clientY) / rect.height) * g);
    const radius = 3;
    for (let r = row - radius; r <= row + radius; r++) {
      for (let c = col - radius; c <= col + radius; c++) {
        if (r < 0 || c < 0 || r >= g || c >= g) continue;
        if ((r - row) ** 2 + (c - col) ** 2 <= radius * radius) this.painted[r * g + c] = this.brush();
      }
    }
    this.drawPainting();
  }

  drawPainting() {
    const g = this.size;
    const ctx = this.canvas.getContext("2d");
    const image = ctx.createImageData(g, g);
    for (let r = 0; r < g; r++) {
      for (let c = 0; c < g; c++) {
        const v = this.painted[r * g + c];
        if (v === NONE) continue;
        const k = ((g - 1 - r) * g + c) * 4; // canvas rows run downwards
        const rgb = v > 0 ? [8, 119, 189] : [245, 147, 34];
        image.data.set([...rgb, 255], k);
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  /** Each frame: size the grid to the map; on play, reveal and score. */
  draw(header, output) {
    if (!output) return;
    const g = output.shape[0];
    if (g !== this.size) {
      this.size = this.canvas.width = this.canvas.height = g;
      this.painted = new Int8Array(g * g);
    }
    if (this.mode === "off") return;
    this.place();
    if (this.mode === "painting" && header.playing) this.setMode("revealed");
    if (this.mode === "revealed") this.score(header.output_range, output);
  }

  score([lo, hi], output) {
    const threshold = (lo + hi) / 2;
    let agree = 0;
    let painted = 0;
    output.data.forEach((code, k) => {
      const mine = this.painted[k];
      if (mine === NONE) return;
      painted += 1;
      const theirs = lo + (code / 255) * (hi - lo) >= threshold ? 1 : -1;
      if (mine === theirs) agree += 1;
    });
    const share = agree / output.data.length;
    const label = this.$("predict-score");
    label.dataset.score = share.toFixed(4);
    label.textContent = `agreement ${(share * 100).toFixed(1)}% of the map (${((painted / output.data.length) * 100).toFixed(0)}% painted)`;
  }
}
