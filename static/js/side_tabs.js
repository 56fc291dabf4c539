// The side column shows one view at a time, so the page keeps to one screen
// (1280 × 720): the representation, the hidden space or the step-through, and
// on a lecturer's page the class. Each tab names its panel (aria-controls);
// the bar names the tab shown first (data-first). A step-through frame brings
// its tab forward by itself.

/** Whether a panel's tab is the one showing. */
export const tabShown = (panel) => !panel.classList.contains("tab-off");

export class SideTabs {
  constructor(bar) {
    this.bar = bar;
    this.tabs = [...bar.querySelectorAll("[data-tab]")];
    bar.addEventListener("click", (event) => {
      const tab = event.target.closest("[data-tab]");
      if (tab) this.show(tab.dataset.tab);
    });
    this.show(bar.dataset.first);
  }

  show(name) {
    for (const tab of this.tabs) {
      const shown = tab.dataset.tab === name;
      // A class, not ``hidden``: the keys still reach a tab's buttons (n: next stage),
      // while ``hidden`` stays a lesson's way to take a control away.
      document.getElementById(tab.getAttribute("aria-controls")).classList.toggle("tab-off", !shown);
      tab.setAttribute("aria-selected", String(shown));
    }
    this.bar.dataset.shown = name;
  }
}
