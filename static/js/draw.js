// Draw mode: a click (mouse, pen or touch) on the output plot adds a point of the
// chosen class (for regression, of the chosen value); right-click or shift-click
// removes the nearest. The server owns the points (add_point, remove_point) and
// trains on them live; the page only turns a click into plot coordinates.

const EXTENT = 6;

export class Draw {
  /** panel: #custom-data; chartEl: #output-chart; send: writes a message. */
  constructor(panel, chartEl, send) {
    this.panel = panel;
    this.chartEl = chartEl;
    this.send = send;
    this.button = panel.querySelector("#draw");
    this.button.addEventListener("click", () => this.toggle());
    this.brush = panel.querySelector("#draw-class");
    this.brush.addEventListener("click", () => this.switchClass());
    // Captured before Plotly's own handlers, so a click draws instead of zooming.
    chartEl.addEventListener("pointerdown", (e) => this.press(e), true);
    chartEl.addEventListener("contextmenu", (e) => this.on && e.preventDefault(), true);
  }

  get on() {
    return this.button.getAttribute("aria-pressed") === "true";
  }

  toggle() {
    const on = !this.on;
    this.button.setAttribute("aria-pressed", String(on));
    this.panel.dataset.drawing = String(on);
    this.chartEl.classList.toggle("drawing", on);
  }

  /** The problem decides which brush shows: classes, or a value. */
  setProblem(problem) {
    this.panel.dataset.problem = problem;
    this.problem = problem;
  }

  press(event) {
    if (!this.on) return;
    const point = this.toPlot(event);
    if (!point) return;
    event.preventDefault();
    event.stopPropagation();
    const [x1, x2] = point;
    if (event.button === 2 || event.shiftKey) {
      this.send({ type: "remove_point", x1, x2 });
    } else {
      this.send({ type: "add_point", x1, x2, label: this.label() });
    }
  }

  label() {
    if (this.problem === "regression") return Number(this.panel.querySelector("#draw-value").value);
    return Number(this.brush.value);
  }

  /** The class brush flips between +1 and −1 (one small button: the panel is narrow). */
  switchClass() {
    const positive = this.brush.value !== "1";
    this.brush.value = positive ? "1" : "-1";
    this.brush.innerHTML = positive
      ? '<span class="swatch positive"></span>+1'
      : '<span class="swatch negative"></span>−1';
  }

  /** Plot coordinates under the pointer, or null outside the plotted square. */
  toPlot(event) {
    const layout = this.chartEl._fullLayout;
    if (!layout) return null;
    const box = this.chartEl.getBoundingClientRect();
    const x = layout.xaxis.p2l(event.clientX - box.left - layout.xaxis._offset);
    const y = layout.yaxis.p2l(event.clientY - box.top - layout.yaxis._offset);
    if (!(Math.abs(x) <= EXTENT && Math.abs(y) <= EXTENT)) return null;
    return [Number(x.toFixed(3)), Number(y.toFixed(3))];
  }
}
