// Keyboard shortcuts (shown in the page's hint): space play/pause, s or →
// step (shift: one epoch), r reset, [ and ] the previous and next lesson step,
// p presenter mode.
// They press the same buttons a mouse does, and not those a lesson locked or hid.

const TYPING = new Set(["INPUT", "SELECT", "TEXTAREA"]);

/** key → the id of the button it presses (space picks whichever is showing). */
const SHORTCUTS = {
  " ": () => (document.getElementById("play").hidden ? "pause" : "play"),
  s: () => "step",
  S: () => "step",
  ArrowRight: () => "step",
  r: () => "reset",
  "[": () => "lesson-previous",
  "]": () => "lesson-next",
  n: () => "stepper-next",
  p: () => "present",
};

/** root: the page, whose controls hand the keys back to the shortcuts once used. */
export function setUpKeyboard(root) {
  handKeysBack(root);
  const handles = (event) =>
    !event.ctrlKey &&
    !event.metaKey &&
    !event.altKey &&
    !TYPING.has(event.target.tagName) &&
    !event.target.isContentEditable &&
    event.key in SHORTCUTS;

  document.addEventListener("keydown", (event) => {
    if (!handles(event)) return;
    // Also keeps a focused button from being "clicked" by the same space bar.
    event.preventDefault();
    if (event.repeat) return;
    const button = document.getElementById(SHORTCUTS[event.key]());
    // A script's click reaches even an inert or disabled button: check first.
    if (button.disabled || button.closest("[inert], [hidden]")) return;
    button.dispatchEvent(new MouseEvent("click", { bubbles: true, shiftKey: event.shiftKey }));
  });
  // A focused button activates on space's keyup; the shortcut already acted.
  document.addEventListener("keyup", (event) => {
    if (handles(event)) event.preventDefault();
  });
}

/**
 * A focused menu, slider or checkbox keeps the keys (space, the arrows) for
 * itself: once the pointer has changed one, blur it so the shortcuts work again.
 * One changed from the keyboard keeps the focus, so the arrows go on moving the
 * slider (never stepping the network) and tabbing on from it still works.
 */
function handKeysBack(root) {
  let pointer = false;
  document.addEventListener("pointerdown", () => (pointer = true), true);
  document.addEventListener("keydown", () => (pointer = false), true);
  root.addEventListener("change", (event) => {
    const el = event.target;
    const kept = el.tagName === "SELECT" || el.type === "range" || el.type === "checkbox";
    if (kept && pointer) el.blur();
  });
}
