// The presets menu: each button sends its config (htmx ws-send); this closes
// the menu and shows the preset's "what to watch" sentence, whole, in its card.

/** chosen(config): called with the preset's whole config after its button sent it. */
export function setUpPresets(menu, card, chosen) {
  const title = card.querySelector("#preset-title");
  const note = card.querySelector("#preset-note");
  menu.addEventListener("click", (event) => {
    const button = event.target.closest("[data-preset]");
    if (!button) return;
    title.textContent = button.dataset.title;
    note.textContent = button.dataset.watch;
    card.dataset.current = button.dataset.preset;
    card.hidden = false;
    for (const other of menu.querySelectorAll("[data-preset]")) {
      other.setAttribute("aria-current", String(other === button));
    }
    menu.open = false;
    chosen(JSON.parse(button.getAttribute("hx-vals")));
  });
  card.querySelector("#watch-close").addEventListener("click", () => {
    card.hidden = true;
  });
  // A <details> stays open until its summary is clicked again; a menu should not.
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape") menu.open = false;
  });
}
