// The network diagram: a column of feature tiles, one column of neuron tiles
// per hidden layer, the output tile, and the links between them as SVG paths
// (colour by sign, width by |w|). Tiles are canvases painted from the frames'
// maps. Hover (or keyboard focus) reports what is under the pointer; click, or
// Enter on a focused link or tile, asks to edit a weight or a bias. Sending anything is the page's business, not this module's.

import { CLASS_COLOURS, cssColour, drawClassMap, drawMap } from "./palette.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_LINK_WIDTH = 9;

function format(value) {
  return Number(value).toFixed(3);
}

export class NetworkView {
  /**
   * diagram: the #diagram element; handlers: {hover(target | null), edit(target)},
   * where a target is {kind: "weight" | "bias" | "neuron" | "feature", ...}.
   */
  constructor(diagram, { featureLabels, hover, edit }) {
    this.diagram = diagram;
    this.svg = diagram.querySelector("#links");
    this.hiddenColumn = diagram.querySelector("#hidden-layers");
    this.outputTile = diagram.querySelector("#output-tile");
    // K > 2 classes: one node per output neuron (softmax), in its class's colour,
    // between the last hidden layer and the output tile, which shows the class map.
    this.classNodes = document.createElement("div");
    this.classNodes.className = "class-nodes";
    this.outputTile.before(this.classNodes);
    this.hovercard = document.getElementById("hovercard");
    this.featureLabels = featureLabels;
    this.handlers = { hover, edit };
    this.shape = "";
    this.network = null;
    this.links = [];
    this.diverged = false;
    this.carded = null; // the link or tile whose hover card is showing
    new ResizeObserver(() => this.drawLinks()).observe(diagram);
    this.listen();
  }

  listen() {
    const d = this.diagram;
    const enter = (event, point) => {
      const target = this.targetOf(event.target);
      if (!target) return;
      this.handlers.hover(target);
      this.showCard(event.target, target, point);
    };
    const exit = (event) => {
      if (this.targetOf(event.target) && !this.targetOf(event.relatedTarget)) this.leave();
    };
    d.addEventListener("mouseover", (event) => enter(event, [event.clientX, event.clientY]));
    d.addEventListener("mouseout", exit);
    // From the keyboard the card sits beside the focused link or tile.
    d.addEventListener("focusin", (event) => enter(event, besideOf(event.target)));
    d.addEventListener("focusout", exit);
    d.addEventListener("keydown", (event) => {
      // Links are SVG paths, which Enter does not click. For tiles too, Enter opens
      // the editor here, not by a click: its keypress must not reach the editor's
      // box (it would submit the form at once).
      const kind = this.targetOf(event.target)?.kind;
      if (event.key !== "Enter" || (kind !== "weight" && kind !== "bias")) return;
      event.preventDefault();
      this.edit(event);
    });
    d.addEventListener("mousemove", (event) => {
      if (!this.hovercard.hidden) this.placeCard(event.clientX, event.clientY);
    });
    d.addEventListener("click", (event) => this.edit(event));
  }

  /** Open the editor for the weight or bias of an event's target: where it was
   * clicked, or beside the element when the keyboard pressed it (no pointer). */
  edit(event) {
    const target = this.targetOf(event.target);
    if (this.diverged) return; // every weight is NaN: editing one cannot help
    if (target && (target.kind === "weight" || target.kind === "bias")) {
      const fromKeys = event.type === "keydown" || event.detail === 0;
      const [x, y] = fromKeys ? besideOf(event.target) : [event.clientX, event.clientY];
      this.handlers.edit({ ...target, x, y });
    }
  }

  leave() {
    this.handlers.hover(null);
    this.hovercard.hidden = true;
    this.carded = null;
  }

  /** What a DOM node stands for in the network, from its data attributes. */
  targetOf(node) {
    const el = node?.closest?.(
      "[data-link], .neuron-tile, .output-tile, .class-node, .feature-tile",
    );
    if (!el || !this.network) return null;
    if (el.dataset.link !== undefined) {
      const [layer, source, target] = el.dataset.link.split(",").map(Number);
      const value = this.network.weights[layer][source][target];
      return {
        kind: "weight",
        layer,
        source,
        target,
        value,
        label: this.linkLabel(layer, source, target),
      };
    }
    if (el.classList.contains("feature-tile"))
      return { kind: "feature", feature: el.dataset.feature };
    const isOutput = el.classList.contains("output-tile") || el.classList.contains("class-node");
    const layer = isOutput ? this.network.biases.length - 1 : Number(el.dataset.layer);
    const neuron = isOutput ? Number(el.dataset.neuron ?? 0) : Number(el.dataset.neuron);
    const value = this.network.biases[layer][neuron];
    return {
      kind: "bias",
      layer,
      neuron,
      value,
      label: `bias of ${this.neuronName(layer + 1, neuron)}`,
    };
  }

  neuronName(column, index) {
    const sizes = this.network.sizes;
    if (column === 0)
      return this.featureLabels[this.network.features[index]] ?? this.network.features[index];
    if (column === sizes.length - 1) return sizes.at(-1) > 1 ? `class ${index}` : "the output";
    return `neuron ${column}.${index + 1}`;
  }

  linkLabel(layer, source, target) {
    return `${this.neuronName(layer, source)} → ${this.neuronName(layer + 1, target)}`;
  }

  /** The card for the element under the pointer (or focused), at [x, y]. */
  showCard(el, target, [x, y]) {
    if (this.diverged || (target.kind !== "weight" && target.kind !== "bias")) {
      this.hovercard.hidden = true;
      this.carded = null;
      return;
    }
    this.carded = el; // each frame writes its value again (update)
    this.hovercard.textContent = cardText(target);
    this.hovercard.hidden = false;
    this.placeCard(x, y);
  }

  placeCard(x, y) {
    this.hovercard.style.left = `${x + 14}px`;
    this.hovercard.style.top = `${y + 14}px`;
  }

  /** Rebuild the columns when the network's shape or inputs changed. */
  layout(network) {
    const shape = JSON.stringify([network.sizes, network.features]);
    this.network = network;
    if (shape === this.shape) return;
    this.shape = shape;
    this.diagram.dataset.sizes = network.sizes.join(",");
    const hidden = network.sizes.slice(1, -1);
    const columns = hidden.map((width, layer) => this.column(layer, width));
    this.hiddenColumn.replaceChildren(...columns);
    // The new +/- buttons are ws-send controls; the ws extension wires up the
    // descendants of a node htmx processes for the first time.
    for (const column of columns) htmx.process(column);
    this.classNodes.replaceChildren(...this.classNodesFor(network.sizes.at(-1)));
    this.drawLinks();
  }

  /** One small node per output neuron when there are several (none for one). */
  classNodesFor(outputs) {
    if (outputs === 1) return [];
    return Array.from({ length: outputs }, (_, k) => {
      const node = document.createElement("button");
      node.type = "button";
      node.className = "class-node";
      node.dataset.neuron = String(k);
      node.setAttribute("aria-label", `Output neuron of class ${k}: click to edit its bias`);
      Object.assign(node.style, {
        display: "block",
        width: "14px",
        height: "14px",
        margin: "0 0 4px",
        padding: "0",
        border: "1px solid #fff",
        borderRadius: "50%",
        background: CLASS_COLOURS[k],
        cursor: "pointer",
      });
      return node;
    });
  }

  column(layer, width) {
    const col = document.createElement("div");
    col.className = "layer hidden-layer";
    col.dataset.layer = String(layer);
    col.innerHTML = `
      <div class="neuron-buttons" data-control="hidden">
        <button type="button" class="small-round" ws-send data-message="add-neuron"
                data-layer="${layer}" aria-label="Add a neuron to layer ${layer + 1}">+</button>
        <button type="button" class="small-round" ws-send data-message="remove-neuron"
                data-layer="${layer}" aria-label="Remove a neuron from layer ${layer + 1}">&minus;</button>
      </div>
      <p class="neuron-count">${width} neuron${width === 1 ? "" : "s"}</p>`;
    for (let neuron = 0; neuron < width; neuron++) {
      const tile = document.createElement("button");
      tile.type = "button";
      tile.className = "tile neuron-tile";
      tile.dataset.layer = String(layer);
      tile.dataset.neuron = String(neuron);
      tile.setAttribute("aria-label", `Neuron ${layer + 1}.${neuron + 1}: click to edit its bias`);
      tile.innerHTML = '<canvas width="16" height="16"></canvas><span class="bias-mark"></span>';
      col.append(tile);
    }
    return col;
  }

  /** The tiles of a column: 0 = the active features, then hidden layers, then the output. */
  tilesOf(column) {
    const sizes = this.network.sizes;
    if (column === 0) {
      const tile = (name) => this.diagram.querySelector(`.feature-tile[data-feature="${name}"]`);
      return this.network.features.map(tile);
    }
    if (column === sizes.length - 1) {
      return sizes.at(-1) > 1 ? [...this.classNodes.children] : [this.outputTile];
    }
    return [...this.hiddenColumn.querySelectorAll(`.neuron-tile[data-layer="${column - 1}"]`)];
  }

  drawLinks() {
    if (!this.network) return;
    const box = this.diagram.getBoundingClientRect();
    this.svg.setAttribute("viewBox", `0 0 ${box.width} ${box.height}`);
    const paths = [];
    this.links = [];
    const sizes = this.network.sizes;
    for (let layer = 0; layer < sizes.length - 1; layer++) {
      const sources = this.tilesOf(layer).map((t) => t.getBoundingClientRect());
      const targets = this.tilesOf(layer + 1).map((t) => t.getBoundingClientRect());
      sources.forEach((s, i) => {
        targets.forEach((t, j) => {
          const x0 = s.right - box.left;
          const y0 = s.top + s.height / 2 - box.top;
          const x1 = t.left - box.left;
          const y1 = t.top + t.height / 2 - box.top;
          const mid = (x0 + x1) / 2;
          const d = `M${x0},${y0} C${mid},${y0} ${mid},${y1} ${x1},${y1}`;
          const link = document.createElementNS(SVG, "path");
          link.setAttribute("d", d);
          link.setAttribute("class", "link");
          link.setAttribute("aria-hidden", "true");
          const hit = document.createElementNS(SVG, "path");
          hit.setAttribute("d", d);
          hit.setAttribute("class", "link-hit");
          hit.setAttribute("tabindex", "0");
          hit.setAttribute("role", "button");
          hit.dataset.link = `${layer},${i},${j}`;
          paths.push(link, hit);
          this.links.push({ layer, i, j, link, hit });
        });
      });
    }
    this.svg.replaceChildren(...paths);
    this.paintLinks();
  }

  paintLinks() {
    const weights = this.network.weights;
    for (const { layer, i, j, link, hit } of this.links) {
      const w = weights[layer]?.[i]?.[j];
      if (w === undefined) continue;
      link.setAttribute("stroke", cssColour(w));
      setLinkWidth(link, Math.min(MAX_LINK_WIDTH, 1 + Math.abs(w) * 1.6));
      hit.dataset.weight = String(w);
      hit.setAttribute("aria-label", `Weight ${format(w)}, ${this.linkLabel(layer, i, j)}`);
    }
  }

  /**
   * Paint one frame: weights on the links, maps on the tiles, biases, dropout.
   * A diverged frame's weights and maps are not numbers: the last good ones stay.
   */
  update(header, arrays, { diverged = false } = {}) {
    this.diverged = diverged;
    if (diverged && this.network) {
      this.hovercard.hidden = true;
      return;
    }
    this.layout(header.network);
    this.paintLinks();
    const carded = this.carded && this.targetOf(this.carded);
    if (carded) this.hovercard.textContent = cardText(carded);
    const neurons = arrays.neurons;
    const tiles = this.hiddenColumn.querySelectorAll(".neuron-tile");
    this.diagram.dataset.neuronShape = neurons ? neurons.shape.join(",") : "";
    tiles.forEach((tile, k) => {
      const layer = Number(tile.dataset.layer);
      const neuron = Number(tile.dataset.neuron);
      if (neurons && k < neurons.length) {
        drawMap(tile.querySelector("canvas"), neurons.slice(k), neurons.rangeOf(k));
      }
      const bias = header.network.biases[layer][neuron];
      tile.querySelector(".bias-mark").style.background = cssColour(bias);
      tile.classList.toggle("dropped", Boolean(header.dropped?.[layer]?.[neuron]));
    });
    const canvas = this.outputTile.querySelector("canvas");
    if (arrays.output && header.classes) {
      drawClassMap(canvas, arrays.output.slice(), arrays.output.rangeOf());
    } else if (arrays.output) {
      const [lo, hi] = header.output_range;
      drawMap(
        canvas,
        arrays.output.slice(),
        arrays.output.rangeOf(),
        {
          centre: (lo + hi) / 2,
          scale: (hi - lo) / 2,
        },
      );
    }
  }
}

/** A weight's or bias's hover card: its value, what it joins, how to edit it. */
function cardText(target) {
  const noun = target.kind === "weight" ? "Weight" : "Bias";
  return `${noun} ${format(target.value)} · ${target.label} · click to edit`;
}

/** A point just right of an element, level with its top: where the keyboard's
 * card and editor go. */
function besideOf(el) {
  const box = el.getBoundingClientRect();
  return [box.right + 8, box.top];
}

/** A link's width: `px` times --link-scale (presenter mode thickens every link). */
export function setLinkWidth(link, px) {
  link.style.strokeWidth = `calc(var(--link-scale, 1) * ${px}px)`;
}
