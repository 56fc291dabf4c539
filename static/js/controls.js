// The controls: htmx's ws-send sends them; this module shapes the messages
// that are more than one form value (toggling a feature, adding a layer, a
// checkbox's false) and sets every control from the server's config.

/** Builders for elements with data-message: (element, event, controls) → message. */
const MESSAGES = {
  step: (el, event) => ({ type: "step", unit: event?.shiftKey ? "epoch" : "batch" }),
  checkbox: (el) => ({ type: "config", [el.name]: el.checked }),
  // A regression problem needs a regression dataset (and back): switch both at once,
  // and a loss that regression allows (cross-entropy is for classification).
  problem: (el, event, controls) => {
    const { dataset, loss } = controls.config;
    const lossFits = el.value === "classification" || loss !== "cross_entropy";
    const matches = controls.page.dataset_problem[dataset] === el.value;
    // The first thumbnail of that kind, in the registry's order.
    const first = controls.root.querySelector(`[data-dataset][data-problem="${el.value}"]`);
    return {
      type: "config",
      problem: el.value,
      dataset: matches ? dataset : first.dataset.dataset,
      loss: lossFits ? loss : "squared",
    };
  },
  "toggle-feature": (el, event, controls) => {
    const name = el.dataset.feature;
    const features = controls.config.features.includes(name)
      ? controls.config.features.filter((f) => f !== name)
      : [...controls.config.features, name];
    return { type: "config", features };
  },
  "add-layer": (el, event, controls) => {
    const hidden = controls.config.hidden;
    if (hidden.length >= controls.page.max_layers) return null;
    return { type: "config", hidden: [...hidden, hidden.at(-1) ?? 2] };
  },
  "remove-layer": (el, event, controls) => {
    const hidden = controls.config.hidden;
    return hidden.length ? { type: "config", hidden: hidden.slice(0, -1) } : null;
  },
  "add-neuron": (el, event, controls) => {
    const hidden = [...controls.config.hidden];
    const layer = Number(el.dataset.layer);
    if (hidden[layer] >= controls.page.max_neurons) return null;
    hidden[layer] += 1;
    return { type: "config", hidden };
  },
  "remove-neuron": (el, event, controls) => {
    const hidden = [...controls.config.hidden];
    const layer = Number(el.dataset.layer);
    if (hidden[layer] <= 1) return null;
    hidden[layer] -= 1;
    return { type: "config", hidden };
  },
  view: () => ({
    type: "view",
    pair: [document.getElementById("pair-x").value, document.getElementById("pair-y").value],
  }),
};

/** How a few values are shown beside their slider. */
const FORMATS = {
  percent: (value) => `${Math.round(Number(value) * 100)}%`,
  plain: (value) => String(value),
};

export class Controls {
  constructor(root, page) {
    this.root = root;
    this.page = page;
    this.config = page.initial;
    root.addEventListener("htmx:wsConfigSend", (event) => this.shape(event));
    // Sliders and their number boxes show each other's value while dragging.
    root.addEventListener("input", (event) => {
      const key = event.target.dataset?.config;
      if (key && event.target.type === "range") this.show(key, event.target.value, event.target);
    });
    // A refused value (its error slot just filled) goes back to the last good one.
    root.addEventListener("htmx:oobAfterSwap", (event) => {
      const slot = event.target; // the new slot (detail.target is the one it replaced)
      if (slot?.id?.startsWith("error-") && slot.textContent) this.restore(slot.id.slice(6));
    });
  }

  shape(event) {
    const el = event.detail.elt ?? event.target;
    const build = MESSAGES[el.dataset?.message];
    if (!build) return;
    const message = build(el, event.detail.triggeringEvent, this);
    if (message === null) {
      event.preventDefault(); // nothing to change (a limit was reached)
      return;
    }
    event.detail.messageBody = JSON.stringify(message);
  }

  /** Set every control from the server's config (the server is the source of truth). */
  sync(config) {
    this.config = config;
    for (const el of this.root.querySelectorAll("[data-config]")) {
      const key = el.dataset.config;
      if (key in config && el !== document.activeElement) setControl(el, config[key]);
    }
    // The markup says which values are shown beside their controls (data-shows).
    for (const el of this.root.querySelectorAll("[data-shows]")) {
      showValue(el, config[el.dataset.shows]);
    }
    for (const button of this.root.querySelectorAll("[data-dataset]")) {
      button.setAttribute("aria-pressed", String(button.dataset.dataset === config.dataset));
    }
    for (const tile of this.root.querySelectorAll("[data-feature]")) {
      tile.setAttribute("aria-pressed", String(config.features.includes(tile.dataset.feature)));
    }
    const layers = config.hidden.length;
    document.getElementById("layer-count").textContent = String(layers);
    document.getElementById("layer-plural").textContent = layers === 1 ? "" : "s";
    this.root.classList.toggle("regression", config.problem === "regression");
  }

  /** Put back the last config's value of `key`, even in the control being used. */
  restore(key) {
    if (!(key in this.config)) return;
    for (const el of this.root.querySelectorAll(`[data-config="${key}"]`)) {
      setControl(el, this.config[key]);
    }
    this.show(key, this.config[key]);
  }

  /** Show a value in the elements that mirror it (outputs, the slider's twin). */
  show(key, value, source = null) {
    for (const el of this.root.querySelectorAll(`[data-shows="${key}"]`)) showValue(el, value);
    if (source) {
      for (const twin of this.root.querySelectorAll(`[data-config="${key}"]`)) {
        if (twin !== source) twin.value = value;
      }
    }
  }

  /** The speed menu (the tab's own, not the config's): a lesson step sets it. */
  syncSpeed(epochsPerFrame) {
    setSelect(document.getElementById("speed"), epochsPerFrame);
  }

  /** The representation view's selects, from the frame header. */
  syncPair(pair) {
    setSelect(document.getElementById("pair-x"), pair[0]);
    setSelect(document.getElementById("pair-y"), pair[1]);
  }

  /** Play/pause button and the epoch counter. */
  syncTransport(header) {
    document.getElementById("play").hidden = header.playing;
    document.getElementById("pause").hidden = !header.playing;
    document.getElementById("epoch").textContent = String(header.epoch)
      .padStart(6, "0")
      .replace(/(\d{3})$/, ",$1");
    document.getElementById("step-count").textContent = String(header.step);
    this.root.dataset.playing = String(header.playing);
    this.root.dataset.state = header.state;
  }
}

/** Set one control (box, slider, menu or checkbox) to a config value. */
function setControl(el, value) {
  if (el.type === "checkbox") {
    el.checked = Boolean(value);
  } else if (el.tagName === "SELECT") {
    setSelect(el, value);
  } else {
    el.value = value ?? "";
  }
}

/** An element that mirrors a value, in its data-format. */
function showValue(el, value) {
  el.textContent = FORMATS[el.dataset.format ?? "plain"](value);
}

/** Select a value, adding an option when a URL chose one the menu lacks. */
function setSelect(select, value) {
  const text = value === null || value === undefined ? "" : String(value);
  const sameNumber = (o) => text !== "" && Number(o.value) === Number(text);
  let option = [...select.options].find((o) => o.value === text || sameNumber(o));
  if (!option) {
    option = new Option(text, text);
    select.add(option);
  }
  select.value = option.value;
}
