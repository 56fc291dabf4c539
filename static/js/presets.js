// The presets menu: each button sends its config (htmx ws-send); this shows
// the preset's "what to watch" sentence and closes the menu.

export function setUpPresets(menu, note) {
  menu.addEventListener("click", (event) => {
    const button = event.target.closest("[data-preset]");
    if (!button) return;
    note.textContent = `${button.dataset.title}: ${button.dataset.watch}`;
    note.title = note.textContent;
    note.dataset.preset = button.dataset.preset;
    menu.open = false;
  });
  // A <details> stays open until its summary is clicked again; a menu should not.
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape") menu.open = false;
  });
}
