// Presenter mode: big type, big tiles, thick links, high contrast and the
// secondary panels folded (static/css/presenter.css), to be read from the back
// row. The button and the p key toggle it; the URL keeps it (?present=1).

import { setViewParam, viewParam } from "./url_state.js";

export class Presenter {
  constructor(root, button) {
    this.root = root;
    this.button = button;
    button.addEventListener("click", () => this.set(!this.on));
    this.set(viewParam("present") === "1");
  }

  get on() {
    return this.root.classList.contains("present");
  }

  set(on) {
    this.root.classList.toggle("present", on);
    this.button.setAttribute("aria-pressed", String(on));
    setViewParam("present", on ? "1" : null);
    // The charts (Plotly, responsive) and the links follow the window's size.
    window.dispatchEvent(new Event("resize"));
  }
}
