// A class (app/routes/rooms.py): the server renders the room's panels and sends
// them as htmx fragments; this module only copies links, hands "Start a class"
// the page's config, and keeps a following student's page from sending what the
// server would refuse anyway (controls are read-only while following).

const root = document.getElementById("playground");

// Start a class from the config the page shows now (its URL's query).
document.getElementById("start-class")?.form.addEventListener("submit", () => {
  document.getElementById("room-query").value = window.location.search;
});

for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    await navigator.clipboard?.writeText(button.dataset.copy);
    button.dataset.copied = "true";
  });
}

/** What a following student may send: the server refuses the rest (messages.py). */
const FOLLOWING = new Set(["ack", "nickname", "fork"]);

const following = () => document.getElementById("room-status")?.dataset.mode === "following";

root.addEventListener("htmx:wsConfigSend", (event) => {
  const type = event.detail.parameters?.type;
  if (following() && !FOLLOWING.has(type)) event.preventDefault();
});

// Keyboard shortcuts press buttons that would drive the class: not while following.
document.addEventListener(
  "keydown",
  (event) => {
    if (following() && event.target === document.body) event.stopImmediatePropagation();
  },
  true,
);
