// How the page shows things, kept in the URL after the config (app/page_query.py's
// VIEW_KEYS) so that a reload or a copied link shows the same: the test data,
// the discretized output, the loss's log scale, the representation's axes and
// the speed. Presenter mode keeps its own key (presenter.js).

import { setViewParam, viewParam } from "./url_state.js";

const $ = (id) => document.getElementById(id);

/** A checkbox: "1" in the URL when ticked, nothing when not. */
const checkbox = (id) => ({
  elements: () => [$(id)],
  read: () => ($(id).checked ? "1" : null),
  // Its own change listeners (main.js) apply it to the charts.
  write: (value) => {
    $(id).checked = value === "1";
    $(id).dispatchEvent(new Event("change", { bubbles: true }));
  },
});

/** key → the controls that show it, how to read them for the URL, how to restore them. */
const VIEWS = {
  show_test: checkbox("show-test"),
  discretize: checkbox("discretize"),
  log_scale: checkbox("log-scale"),
  speed: {
    elements: () => [$("speed")],
    read: () => (Number($("speed").value) === 1 ? null : $("speed").value),
    // The socket sends a speed other than 1× as it opens (main.js).
    write: (value) => selectValue($("speed"), value),
  },
  pair: {
    elements: () => [$("pair-x"), $("pair-y")],
    read: () => `${$("pair-x").value},${$("pair-y").value}`,
    // The server chooses the axes: resend() asks for these when the socket opens.
    write: (value) => {
      const [x, y] = value.split(",");
      selectValue($("pair-x"), x);
      selectValue($("pair-y"), y);
    },
  },
};

export class ViewState {
  /** Restore every view key the URL holds, then follow the controls' changes. */
  constructor() {
    for (const [key, view] of Object.entries(VIEWS)) {
      const value = viewParam(key);
      if (value !== null) view.write(value);
      for (const el of view.elements()) el.addEventListener("change", () => this.record(key));
    }
  }

  /** Put one view key's current value in the URL (after a change the page made). */
  record(key) {
    setViewParam(key, VIEWS[key].read());
  }

  /** A new session hears the URL's representation axes (the server keeps its own). */
  resend(send) {
    const pair = viewParam("pair");
    if (pair) send({ type: "view", pair: pair.split(",") });
  }
}

function selectValue(select, value) {
  const option = [...select.options].find((o) => o.value === value);
  if (option) select.value = option.value;
}
