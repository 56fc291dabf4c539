// The little form that edits one weight or bias. It is an htmx ws-send form:
// opening it sets its hx-vals (which weight), submitting sends the value.

export class WeightEditor {
  constructor(form) {
    this.form = form;
    this.input = form.querySelector("input[name=value]");
    this.label = form.querySelector("#weight-editor-label");
    form.addEventListener("htmx:wsAfterSend", () => this.close());
    form.querySelector("#weight-editor-cancel").addEventListener("click", () => this.close());
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
  }

  /**
   * target: {kind: "weight", layer, source, target} or {kind: "bias", layer, neuron},
   * plus where it was clicked (x, y), its value and a label.
   */
  open(target) {
    const message =
      target.kind === "weight"
        ? { type: "set_weight", layer: target.layer, source: target.source, target: target.target }
        : { type: "set_bias", layer: target.layer, neuron: target.neuron };
    this.form.setAttribute("hx-vals", JSON.stringify(message));
    this.form.dataset.kind = target.kind;
    this.label.textContent = `${target.kind === "weight" ? "Weight" : "Bias"} (${target.label})`;
    this.input.value = Number(target.value).toFixed(3);
    this.form.style.left = `${Math.min(target.x, window.innerWidth - 320)}px`;
    this.form.style.top = `${target.y + 10}px`;
    this.form.hidden = false;
    this.opener = document.activeElement; // where the keyboard goes back to on close
    this.input.focus();
    this.input.select();
  }

  close() {
    const wasOpen = !this.form.hidden;
    this.form.hidden = true;
    if (wasOpen && this.opener?.isConnected) this.opener.focus();
  }
}
