// The mini-batch while training (docs/protocol.md, `batch`): with the option on,
// each frame names the last mini-batch it trained, and the data plot rings its
// points, so the batch size is something to see (at slow speeds: a fraction of
// an epoch per frame). The step-through rings its own batch instead.

export class BatchView {
  /** checkbox: #show-batch; send(message): to the server. */
  constructor(checkbox, outputChart, send) {
    this.checkbox = checkbox;
    this.outputChart = outputChart;
    this.send = send;
    this.shown = false;
    checkbox.addEventListener("change", () => this.resend());
  }

  /** Tell the (new) session whether to send the batch. */
  resend() {
    this.send({ type: "show_batch", on: this.checkbox.checked });
  }

  draw(header, points) {
    if (header.stepper) return Promise.resolve();
    const batch = header.batch;
    if (!batch || !points) {
      if (!this.shown) return Promise.resolve();
      this.shown = false;
      return this.outputChart.setRings([], []);
    }
    this.shown = true;
    const [xs, ys] = points.train;
    this.outputChart.el.dataset.batch = String(batch.length);
    return this.outputChart.setRings(
      batch.map((i) => xs[i]),
      batch.map((i) => ys[i]),
    );
  }
}
