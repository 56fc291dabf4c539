// Step-through mode (docs/protocol.md, `stepper`): one mini-batch in five stages,
// drawn with the engine's numbers. The panel says what the stage is; the data
// plot rings the batch; the network's tiles show the batch's points coloured by
// each neuron's activation (forward) or delta (backward); the links show the
// gradients (backward) or the step (update); hovering a neuron or a link shows
// its formula with the numbers. Messages go by the panel's ws-send buttons.

import { setLinkWidth } from "./network_view.js";
import { cssColour, drawMap } from "./palette.js";
import {
  ACTIVATION_SYMBOLS,
  fmt,
  LOSS_FORMULAS,
  OPTIMIZER_STEPS,
  PENALTY_FORMULAS,
  PENALTY_GRADIENTS,
  STAGE_HELP,
  STAGE_TITLES,
  term,
} from "./stepper_text.js";

const MAX_LINK_WIDTH = 9;
const DOTS = 48; // the dots canvas's resolution over a tile
const EXTENT = 6;
const TABLE_ROWS = 10;

/** Row u of a (units, n) float32 frame array. */
function row(array, u) {
  const n = array.shape[1];
  return array.data.subarray(u * n, (u + 1) * n);
}

/** The loss's slope is by the output o, or by the output neuron's z (cross-entropy's logit). */
const dName = (loss) => (loss.of === "output" ? "∂L/∂o" : "∂L/∂z");

const maxAbs = (values) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;

export class Stepper {
  /** panel: #stepper; outputChart: rings the batch; network: the NetworkView. */
  constructor(panel, { outputChart, network }) {
    this.panel = panel;
    this.outputChart = outputChart;
    this.network = network;
    this.frame = null; // {header, arrays} of the step-through's latest frame
    this.point = 0; // the batch point whose numbers the formulas show
    this.before = null; // the output map before the update
    this.lastOutput = null;
    this.points = null;
    panel.querySelector("#stepper-prev-point").addEventListener("click", () => this.pick(-1));
    panel.querySelector("#stepper-next-point").addEventListener("click", () => this.pick(1));
    // After NetworkView's own listener (registered first), so ours has the last word.
    network.diagram.addEventListener("mouseover", (event) => this.hover(event));
  }

  get active() {
    return this.frame !== null;
  }

  /** The page's training points ({train: [xs, ys], trainLabels}), for the rings. */
  setPoints(points) {
    this.points = points;
  }

  /** Draw after the network view and the charts drew the frame itself. */
  draw(header, arrays, outputMap) {
    const s = header.stepper;
    if (!s) {
      if (this.active) this.leave();
      this.lastOutput = outputMap;
      return Promise.resolve();
    }
    if (s.stage === "batch") this.point = 0;
    if (s.stage !== "update") this.lastOutput = outputMap;
    else if (this.frame?.header.stepper.stage !== "update") this.before = this.lastOutput;
    this.frame = { header, arrays };
    this.panel.dataset.stage = s.stage;
    this.panel.dataset.step = String(s.step);
    this.network.diagram.dataset.stepper = s.stage;
    this.writePanel(header);
    this.drawTiles(header, arrays);
    this.paintLinks(header);
    this.panel.querySelector("#stepper-after").hidden = s.stage !== "update";
    if (s.stage === "update") this.drawBeforeAfter(outputMap);
    return this.ring();
  }

  leave() {
    this.frame = null;
    this.panel.dataset.stage = "";
    delete this.network.diagram.dataset.stepper;
    for (const dots of this.network.diagram.querySelectorAll(".stepper-dots")) dots.remove();
    this.panel.querySelector("#stepper-body").hidden = true;
    this.panel.querySelector("#stepper-after").hidden = true;
    this.network.hovercard.classList.remove("stepper-card");
    this.outputChart.setRings([], []);
  }

  pick(delta) {
    if (!this.active) return;
    const n = this.frame.header.stepper.batch.length;
    this.point = (this.point + delta + n) % n;
    this.writePanel(this.frame.header);
    this.ring();
  }

  /** The batch ringed on the data plot, the chosen point larger. */
  ring() {
    if (!this.points || !this.frame) return Promise.resolve();
    const batch = this.frame.header.stepper.batch;
    const [xs, ys] = this.points.train;
    return this.outputChart.setRings(
      batch.map((i) => xs[i]),
      batch.map((i) => ys[i]),
      batch.map((_, k) => (k === this.point ? 20 : 13)),
    );
  }

  // ---- the panel ----

  writePanel(header) {
    const s = header.stepper;
    const $ = (sel) => this.panel.querySelector(sel);
    $("#stepper-body").hidden = false;
    $("#stepper-title").textContent = STAGE_TITLES[s.stage];
    for (const pill of this.panel.querySelectorAll(".stage-pill")) {
      const k = s.stages.indexOf(pill.dataset.stage);
      pill.classList.toggle("done", k < s.stages.indexOf(s.stage));
      pill.classList.toggle("current", pill.dataset.stage === s.stage);
    }
    $("#stepper-help").textContent = STAGE_HELP[s.stage](s.batch.length, s.update?.optimizer);
    $("#stepper-point").textContent = `point ${this.point + 1} of ${s.batch.length}`;
    $("#stepper-numbers").textContent = this.numbers(header).join("\n");
    $("#stepper-table").replaceChildren(...this.table(header));
  }

  /** The stage's headline numbers, one per line (NumPy: the engine's specification). */
  numbers(header) {
    const s = header.stepper;
    const k = this.point;
    const lines = [`Step ${s.step} · ${s.batch.length} points · NumPy path`];
    const loss = s.loss;
    const STAGE_LINES = {
      batch: () => [],
      forward: () => [`output for point ${k + 1}: o = ${fmt(s.output[k])}`],
      loss: () => [
        `${LOSS_FORMULAS[loss.name]} ${PENALTY_FORMULAS[loss.regularization](loss.rate)}`,
        `mean ${fmt(loss.mean)} + penalty ${fmt(loss.penalty)} = ${fmt(loss.total)}`,
      ],
      backward: () => [
        `loss ${fmt(loss.total)}; ${dName(loss)} for point ${k + 1} = ${fmt(this.frame.arrays.stepper_d_input.data[k])} (the mean's 1/${s.batch.length} included)`,
      ],
      update: () => {
        const big = this.largestStep(s.update);
        const out = [`${s.update.optimizer}, η = ${s.update.learning_rate}; the batch's loss was ${fmt(loss.total)}`];
        if (big) out.push(`largest change: ${big.label}: ${fmt(big.old)} → ${fmt(big.now)}`);
        return out;
      },
    };
    return [...lines, ...STAGE_LINES[s.stage]()];
  }

  largestStep(update) {
    let best = null;
    update.before.weights.forEach((W, layer) =>
      W.forEach((r, i) =>
        r.forEach((old, j) => {
          const now = update.after.weights[layer][i][j];
          if (!best || Math.abs(now - old) > Math.abs(best.now - best.old)) {
            best = { old, now, label: this.network.linkLabel(layer, i, j) };
          }
        }),
      ),
    );
    return best;
  }

  /** Per point of the batch: label, output, loss (as far as the stage has them). */
  table(header) {
    const s = header.stepper;
    const arrays = this.frame.arrays;
    const where = s.stage === "batch"; // the coordinates, until there are numbers to show
    const head = where ? ["#", "x₁", "x₂", "label"] : ["#", "label"];
    if (s.output) head.push("output");
    if (s.loss) head.push("loss");
    if (s.grads) head.push(dName(s.loss));
    const rows = [head];
    const [xs, ys] = this.points?.train ?? [[], []];
    s.batch.slice(0, TABLE_ROWS).forEach((index, k) => {
      const cells = where
        ? [String(k + 1), fmt(xs[index]), fmt(ys[index]), String(s.targets[k])]
        : [String(k + 1), String(s.targets[k])];
      if (s.output) cells.push(fmt(s.output[k]));
      if (s.loss) cells.push(fmt(arrays.stepper_loss.data[k]));
      if (s.grads) cells.push(fmt(arrays.stepper_d_input.data[k]));
      rows.push(cells);
    });
    return rows.map((cells, r) => {
      const tr = document.createElement("tr");
      if (r - 1 === this.point) tr.className = "chosen";
      for (const text of cells) {
        const cell = document.createElement(r === 0 ? "th" : "td");
        cell.textContent = text;
        tr.append(cell);
      }
      return tr;
    });
  }

  drawBeforeAfter(outputMap) {
    const [lo, hi] = this.frame.header.output_range;
    const style = { centre: (lo + hi) / 2, scale: (hi - lo) / 2, discrete: true };
    for (const [id, map] of [
      ["#stepper-before", this.before],
      ["#stepper-after-map", outputMap],
    ]) {
      if (map) drawMap(this.panel.querySelector(id), map.bytes, map.range, style);
    }
  }

  // ---- the network diagram ----

  /** Every unit's tile: the hidden neurons layer by layer, then the output. */
  tiles() {
    const d = this.network.diagram;
    return [...d.querySelectorAll(".neuron-tile"), d.querySelector("#output-tile")];
  }

  /** Dots for the batch on each tile: activation (forward, loss) or delta (backward, update). */
  drawTiles(header, arrays) {
    const s = header.stepper;
    const values = s.grads ? arrays.stepper_delta : arrays.stepper_activation;
    const keep = arrays.stepper_keep;
    const [xs, ys] = this.points?.train ?? [[], []];
    const sizes = header.network.sizes;
    const layerOf = [];
    sizes.slice(1).forEach((w, l) => layerOf.push(...Array(w).fill(l)));
    this.tiles().forEach((tile, u) => {
      let dots = tile.querySelector(".stepper-dots");
      if (!values) {
        dots?.remove();
        return;
      }
      if (!dots) {
        dots = document.createElement("canvas");
        dots.className = "stepper-dots";
        dots.width = dots.height = DOTS;
        tile.append(dots);
      }
      const v = row(values, u);
      // Deltas are compared within their layer, activations within their neuron.
      const scale = s.grads ? this.layerScale(values, layerOf, layerOf[u]) : maxAbs(v);
      const ctx = dots.getContext("2d");
      ctx.clearRect(0, 0, DOTS, DOTS);
      s.batch.forEach((index, k) => {
        const x = ((xs[index] + EXTENT) / (2 * EXTENT)) * DOTS;
        const y = DOTS - ((ys[index] + EXTENT) / (2 * EXTENT)) * DOTS;
        const dropped = keep && u < keep.shape[0] && row(keep, u)[k] === 0;
        ctx.beginPath();
        ctx.arc(x, y, k === this.point ? 5 : 3.5, 0, 2 * Math.PI);
        ctx.fillStyle = dropped ? "rgba(255,255,255,0.6)" : cssColour(v[k] / scale);
        ctx.fill();
        ctx.lineWidth = 1.2;
        ctx.strokeStyle = dropped ? "#999" : "#202124";
        ctx.stroke();
      });
    });
  }

  layerScale(values, layerOf, layer) {
    let m = 0;
    layerOf.forEach((l, u) => {
      if (l === layer) m = Math.max(m, maxAbs(row(values, u)));
    });
    return m || 1;
  }

  /** Links by gradient (backward) or by the step taken (update). */
  paintLinks(header) {
    const s = header.stepper;
    let value = null;
    if (s.update) {
      const { before, after } = s.update;
      value = (l, i, j) => after.weights[l][i][j] - before.weights[l][i][j];
    } else if (s.grads) {
      value = (l, i, j) => s.grads.weights[l][i][j];
    }
    if (!value) return;
    const links = this.network.links;
    const scale = links.reduce((m, { layer, i, j }) => Math.max(m, Math.abs(value(layer, i, j))), 0) || 1;
    for (const { layer, i, j, link } of links) {
      const v = value(layer, i, j) / scale;
      link.setAttribute("stroke", cssColour(Math.sign(v) * Math.max(0.35, Math.abs(v))));
      // Square root: the small gradients of the first layers stay visible beside the last's.
      setLinkWidth(link, 0.6 + Math.sqrt(Math.abs(v)) * (MAX_LINK_WIDTH - 0.6));
    }
  }

  // ---- hover: the formula with the numbers ----

  hover(event) {
    if (!this.active) return;
    const target = this.network.targetOf(event.target);
    if (!target || target.kind === "feature") return;
    const lines =
      target.kind === "weight" ? this.weightCard(target) : this.neuronCard(target.layer, target.neuron);
    const card = this.network.hovercard;
    card.textContent = lines.join("\n");
    card.classList.add("stepper-card");
    card.hidden = false;
    this.network.placeCard(event.clientX, event.clientY);
  }

  /** Inputs of weight layer l for point k: the features, or the last layer's outputs. */
  inputsOf(l, k) {
    const { header, arrays } = this.frame;
    const sizes = header.network.sizes;
    if (l === 0) return [...Array(sizes[0]).keys()].map((i) => row(arrays.stepper_inputs, i)[k]);
    const start = sizes.slice(1, l).reduce((a, b) => a + b, 0);
    return [...Array(sizes[l]).keys()].map((i) => row(arrays.stepper_passed, start + i)[k]);
  }

  unitOf(layer, neuron) {
    const sizes = this.frame.header.network.sizes;
    return sizes.slice(1, layer + 1).reduce((a, b) => a + b, 0) + neuron;
  }

  neuronCard(layer, neuron) {
    const { header, arrays } = this.frame;
    const s = header.stepper;
    const k = this.point;
    const name = this.network.neuronName(layer + 1, neuron);
    const lines = [`${name}, point ${k + 1} of ${s.batch.length}`];
    if (!s.output) return [...lines, "Next stage: its activations for the batch."];
    const u = this.unitOf(layer, neuron);
    const W = header.network.weights[layer];
    const b = header.network.biases[layer][neuron];
    const x = this.inputsOf(layer, k);
    const sum = x.map((xi, i) => `${term(W[i][neuron])}·${term(xi)}`).join(" + ");
    const z = row(arrays.stepper_z, u)[k];
    const bn = s.batch_norm?.[layer];
    if (bn) {
      const p = row(arrays.stepper_product, u)[k];
      lines.push(`s = Σ w·x = ${sum} = ${fmt(p)}`);
      lines.push(
        `z = γ·(s − μ)/σ + b = ${term(bn.gamma[neuron])}·(${fmt(p)} − ${term(bn.mean[neuron])})·${fmt(bn.inv_std[neuron])} + ${term(b)} = ${fmt(z)}`,
      );
    } else {
      lines.push(`z = Σ w·x + b = ${sum} + ${term(b)} = ${fmt(z)}`);
    }
    const f = ACTIVATION_SYMBOLS[s.activations[layer]] ?? s.activations[layer];
    const a = row(arrays.stepper_activation, u)[k];
    lines.push(`a = ${f || "z"}${f ? `(${fmt(z)})` : ""} = ${fmt(a)}`);
    const keep = arrays.stepper_keep;
    if (keep && u < keep.shape[0]) {
      const kept = row(keep, u)[k] > 0;
      lines.push(kept ? `kept by dropout: passes on ${fmt(row(arrays.stepper_passed, u)[k])}` : "dropped for this point: passes on 0");
    }
    const all = Array.from(row(arrays.stepper_activation, u).slice(0, TABLE_ROWS), fmt).join(", ");
    lines.push(`batch: ${all}${s.batch.length > TABLE_ROWS ? ", …" : ""}`);
    if (s.grads) {
      const delta = row(arrays.stepper_delta, u)[k];
      lines.push(`δ = ∂L/∂z = ${fmt(delta)};  ∂L/∂b = Σ δ = ${fmt(s.grads.biases[layer][neuron])}`);
    }
    if (s.update) {
      const { before, after } = s.update;
      lines.push(`bias: ${fmt(before.biases[layer][neuron])} → ${fmt(after.biases[layer][neuron])}`);
    }
    return lines;
  }

  weightCard({ layer, source, target, label }) {
    const { header, arrays } = this.frame;
    const s = header.stepper;
    const w = header.network.weights[layer][source][target];
    const lines = [`w = ${fmt(s.update ? s.update.before.weights[layer][source][target] : w)} · ${label}`];
    if (!s.grads) return [...lines, "Its gradient comes at the backward stage."];
    const deltas = arrays.stepper_delta_product ?? arrays.stepper_delta;
    const delta = row(deltas, this.unitOf(layer, target));
    const n = s.batch.length;
    const factors = [];
    for (let k = 0; k < Math.min(n, 3); k++) factors.push(`${term(this.inputsOf(layer, k)[source])}·${term(delta[k])}`);
    const g = s.grads.weights[layer][source][target];
    const p = s.penalty_grads.weights[layer][source][target];
    lines.push(`∂L/∂w = Σ over the ${n} points of a_in·δ = ${factors.join(" + ")}${n > 3 ? " + …" : ""}`);
    lines.push(`      = ${fmt(g - p)}`);
    if (s.loss.regularization !== "none" && s.loss.rate > 0) {
      lines.push(`+ penalty ${PENALTY_GRADIENTS[s.loss.regularization](s.loss.rate)} = ${fmt(p)}  ⇒  g = ${fmt(g)}`);
    }
    if (s.update) lines.push(...this.updateLines(layer, source, target, g));
    return lines;
  }

  updateLines(layer, source, target, g) {
    const u = this.frame.header.stepper.update;
    const pick = (state) => {
      const out = {};
      for (const [key, value] of Object.entries(state)) {
        if (value?.weights) out[key] = value.weights[layer][source][target];
      }
      return out;
    };
    const scalars = {};
    for (const [key, value] of Object.entries(u.state_after)) if (typeof value === "number") scalars[key] = value;
    const old = u.before.weights[layer][source][target];
    const now = u.after.weights[layer][source][target];
    const step = OPTIMIZER_STEPS[u.optimizer];
    const lines = step
      ? step({ old, now, g, lr: u.learning_rate, before: pick(u.state_before), after: pick(u.state_after), scalars })
      : [];
    return [...lines, `old → new: ${fmt(old)} → ${fmt(now)} (Δ = ${fmt(now - old)})`];
  }
}
