// The experiment config in the page's URL, in the format of app/url_state.py:
// only keys that differ from the defaults, lists comma-separated, booleans
// true/false, an empty value for "none".

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function encode(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => (v === null ? "" : String(v))).join(",");
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/** The query string (without "?") for a config, given what it is measured against. */
export function configToQuery(config, defaults) {
  const params = [];
  for (const key of Object.keys(defaults)) {
    if (!(key in config) || same(config[key], defaults[key])) continue;
    // Commas stay literal so links read like the server's own (hidden=8,8).
    const value = encodeURIComponent(encode(config[key])).replaceAll("%2C", ",");
    params.push(`${encodeURIComponent(key)}=${value}`);
  }
  return params.join("&");
}

/**
 * Put the config in the address bar without a new history entry: the keys that
 * differ from `base` (the defaults, or the open lesson step's config), after
 * `params` (the lesson and step, app/page_query.py).
 */
export function writeUrl(config, base, params = {}) {
  const lesson = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  const query = [...lesson, configToQuery(config, base), viewQuery()].filter(Boolean).join("&");
  replaceQuery(query);
}

// How the page shows things (app/page_query.py's VIEW_KEYS): kept after the config.
const VIEW_KEYS = new Set(["present", "show_test", "discretize", "log_scale", "pair", "speed"]);

/** The view's keys in the URL now, as a query string. */
function viewQuery() {
  const params = new URLSearchParams(window.location.search);
  return [...params].filter(([key]) => VIEW_KEYS.has(key)).map(pair).join("&");
}

/** Set (or, with null, drop) one of the view's keys in the URL, keeping the rest. */
export function setViewParam(key, value) {
  const params = new URLSearchParams(window.location.search);
  params.delete(key);
  const rest = [...params].filter(([k]) => !VIEW_KEYS.has(k)).map(pair);
  const view = [...params].filter(([k]) => VIEW_KEYS.has(k));
  if (value !== null) view.push([key, value]);
  replaceQuery([...rest, ...view.map(pair)].join("&"));
}

/** A view param's value in the URL (null when absent). */
export function viewParam(key) {
  return new URLSearchParams(window.location.search).get(key);
}

function pair([key, value]) {
  return `${encodeURIComponent(key)}=${encodeURIComponent(value).replaceAll("%2C", ",")}`;
}

function replaceQuery(query) {
  const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
  if (url !== `${window.location.pathname}${window.location.search}`) {
    window.history.replaceState(null, "", url);
  }
}

/** Wire the "copy link" button: clipboard when allowed, else select the URL to copy. */
/** note(): words to show when the link cannot hold everything (say, drawn points). */
export function setUpCopyLink(button, note = () => "") {
  const label = button.textContent;
  button.addEventListener("click", async () => {
    const words = note();
    if (words) window.alert(words);
    try {
      await navigator.clipboard.writeText(window.location.href);
      button.textContent = "Link copied";
    } catch {
      // Plain http on a LAN is not a secure context: no clipboard API there.
      window.prompt("Copy this link:", window.location.href);
    }
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
}
