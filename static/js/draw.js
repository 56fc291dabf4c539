// Draw mode: a click (mouse, pen or touch) on the output plot adds a point of the
// chosen class (for regression, of the chosen value); right-click or shift-click
// removes the nearest; Clear removes them all. The server owns the points
// (add_point, remove_point, clear_points) and trains on them live; the page only
// turns a click into plot coordinates.

import { CLASS_COLOURS } from "./palette.js";

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
    panel.querySelector("#draw-clear").addEventListener("click", () => {
      this.send({ type: "clear_points" });
    });
    this.classes = 2;
    this.names = null; // the uploaded file's label texts, one per class
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

  /**
   * The classes a click may add: two (labels +1 and −1) or K (labels 0 … K − 1, in
   * the class maps' colours); names: each class's label text from an upload, or null.
   */
  setClasses(classes, names) {
    const key = JSON.stringify([classes, names]);
    if (key === this.classesKey) return;
    this.classesKey = key;
    const same = classes === this.classes; // only the names changed: keep the class
    this.classes = classes;
    this.names = names;
    this.showBrush(same ? this.brush.value : this.labels()[0]);
  }

  /** The brush's values in the order a press steps through them. */
  labels() {
    if (this.classes === 2) return ["1", "-1"];
    return Array.from({ length: this.classes }, (_, k) => String(k));
  }

  /** The class brush steps to the next class (one small button: the panel is narrow). */
  switchClass() {
    const labels = this.labels();
    this.showBrush(labels[(labels.indexOf(this.brush.value) + 1) % labels.length]);
  }

  showBrush(value) {
    this.brush.value = value;
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    let text;
    if (this.classes === 2) {
      swatch.classList.add(value === "1" ? "positive" : "negative");
      // An upload names −1 first, then +1 (app/custom_data.py).
      text = this.names?.[value === "1" ? 1 : 0] ?? (value === "1" ? "+1" : "−1");
    } else {
      swatch.style.background = CLASS_COLOURS[Number(value)];
      text = this.names?.[Number(value)] ?? `class ${value}`;
    }
    // textContent: a name comes from a person's file and is never read as HTML.
    this.brush.replaceChildren(swatch, document.createTextNode(text));
    this.brush.title = `The class a click adds: ${text} (press for the next class)`;
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
