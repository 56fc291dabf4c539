// The confusion matrix of a multi-class problem, in its own panel under the side
// views (under the accuracy it pushed the output map off a 720 px screen):
// rows are the true classes, columns the predicted ones, each class's header
// in its colour (and, for an upload, its label's text). Two-class frames
// carry no matrix, and the panel is hidden.

import { CLASS_COLOURS } from "./palette.js";

export class ConfusionTable {
  /** panel: the (hidden) panel the table goes in. */
  constructor(panel) {
    this.panel = panel;
    this.table = document.createElement("table");
    this.table.className = "metrics confusion";
    this.table.id = "confusion";
    panel.append(this.table);
    this.key = "";
  }

  /** Show header.confusion (K × K counts of the test set), or hide the table;
   * names: the classes' label texts (else their numbers). */
  draw(header, names = null) {
    const matrix = header.confusion;
    if (!matrix) {
      this.panel.hidden = true;
      return;
    }
    const key = JSON.stringify([matrix, names]);
    if (key === this.key && !this.panel.hidden) return;
    this.key = key;
    this.panel.hidden = false;
    const swatch = (k) => {
      const cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = names?.[k] ?? String(k); // text, never HTML: names come from a file
      cell.style.color = CLASS_COLOURS[k];
      return cell;
    };
    const caption = document.createElement("caption");
    caption.textContent = "test points: true class ↓, predicted →";
    const head = document.createElement("tr");
    head.append(document.createElement("th"), ...matrix.map((_, k) => swatch(k)));
    const rows = matrix.map((counts, k) => {
      const row = document.createElement("tr");
      const label = swatch(k);
      label.scope = "row";
      row.append(label);
      counts.forEach((count, j) => {
        const cell = document.createElement("td");
        cell.textContent = String(count);
        if (j === k) cell.style.fontWeight = "bold"; // the diagonal: the correct ones
        row.append(cell);
      });
      return row;
    });
    this.table.replaceChildren(caption, head, ...rows);
  }
}
