// A class (app/routes/rooms.py): the server renders the room's panels and sends
// them as htmx fragments; this module only copies links, shows the QR code large,
// opens the Class tab from the bar's count, hands "Start a class" the page's
// config, and keeps a following student's page from sending what the
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

// The QR code in the bar is small; shown large, the class can scan it off a projector.
const qr = document.getElementById("room-qr-large");
const showQr = (shown) => {
  qr.hidden = !shown;
  document.getElementById("room-qr-show").setAttribute("aria-expanded", String(shown));
};
if (qr) {
  document.getElementById("room-qr-show").addEventListener("click", () => showQr(qr.hidden));
  document.getElementById("room-qr-hide").addEventListener("click", () => showQr(false));
  qr.addEventListener("click", (event) => event.target === qr && showQr(false));
  document.addEventListener("keydown", (event) => event.key === "Escape" && showQr(false));
}

// The bar's count (swapped in every tick) opens the Class tab.
document.getElementById("room")?.addEventListener("click", (event) => {
  if (event.target.closest("#room-count")) document.querySelector('[data-tab="class"]')?.click();
});

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
