// The side column shows one view at a time, so the page keeps to one screen
// (1280 × 720): the representation, the hidden space or the step-through.
// A step-through frame brings its tab forward by itself.

/** Whether a panel's tab is the one showing. */
export const tabShown = (panel) => !panel.classList.contains("tab-off");

const PANELS = {
  representation: ".representation-panel",
  "hidden-space": "#hidden-space",
  stepper: "#stepper",
};

export class SideTabs {
  constructor(bar) {
    this.bar = bar;
    this.column = bar.parentElement;
    bar.addEventListener("click", (event) => {
      const tab = event.target.closest("[data-tab]");
      if (tab) this.show(tab.dataset.tab);
    });
    this.show("representation");
  }

  show(name) {
    for (const [tab, selector] of Object.entries(PANELS)) {
      // A class, not ``hidden``: the keys still reach a tab's buttons (n: next stage),
      // while ``hidden`` stays a lesson's way to take a control away.
      this.column.querySelector(selector).classList.toggle("tab-off", tab !== name);
      this.bar.querySelector(`[data-tab="${tab}"]`).setAttribute("aria-selected", String(tab === name));
    }
    this.bar.dataset.shown = name;
  }
}
