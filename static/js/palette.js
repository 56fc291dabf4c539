// The page's colours and the canvas drawing of small maps (neuron, feature and
// dataset tiles). Orange for negative, blue for positive: distinguishable with
// the common colour-vision deficiencies, as in the reference playground.

export const NEGATIVE = "#f59322";
export const NEUTRAL = "#e8eaeb";
export const POSITIVE = "#0877bd";

const STOPS = [NEGATIVE, NEUTRAL, POSITIVE].map(hexToRgb);

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** RGB for t in [-1, 1] (clamped): orange through grey-white to blue. */
export function colourAt(t) {
  const c = Math.max(-1, Math.min(1, t));
  const [from, to, f] = c < 0 ? [STOPS[1], STOPS[0], -c] : [STOPS[1], STOPS[2], c];
  return from.map((v, k) => Math.round(v + (to[k] - v) * f));
}

export function cssColour(t) {
  const [r, g, b] = colourAt(t);
  return `rgb(${r},${g},${b})`;
}

/** Plotly colour scale over [zmin, zmax]; discrete: two colours split at the middle. */
export function plotlyScale(discrete = false) {
  if (discrete) {
    return [
      [0, NEGATIVE],
      [0.5, NEGATIVE],
      [0.5, POSITIVE],
      [1, POSITIVE],
    ];
  }
  return [
    [0, NEGATIVE],
    [0.5, NEUTRAL],
    [1, POSITIVE],
  ];
}

/**
 * Paint a square uint8 map on a canvas of the same size.
 * bytes: row-major, rows along x2 ascending (so row 0 is drawn at the bottom);
 * range: the [lo, hi] the bytes 0..255 stand for; a value is drawn at
 * (value − centre) / scale on the colour scale (beyond ±1 saturates), or
 * with discrete, in one of two colours by the side of the centre it is on.
 */
export function drawMap(canvas, bytes, range, { centre = 0, scale = 1, discrete = false } = {}) {
  const [lo, hi] = range;
  // One colour per possible byte, then a lookup per pixel.
  const table = new Uint8ClampedArray(256 * 3);
  for (let b = 0; b < 256; b++) {
    const t = (lo + (b / 255) * (hi - lo) - centre) / scale;
    table.set(colourAt(discrete ? Math.sign(t) || 1 : t), b * 3);
  }
  paint(canvas, bytes, table);
}

// Okabe & Ito's colours for the classes of a multi-class problem (at most 6):
// told apart with every common colour-vision deficiency. Their yellow is left
// out: on the white of an unsure region it would vanish.
export const CLASS_COLOURS = ["#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#0072b2", "#d55e00"];
const CLASS_RGB = CLASS_COLOURS.map(hexToRgb);
const CLASS_MARGIN = 0.05; // as app/frame_content.py packs a class map

/**
 * Paint a class map (app/frame_content.py class_map): each byte is a class k and
 * a confidence c in [0, 1] packed as k + margin + (1 − 2·margin)·c over range
 * [0, K]. The class gives the hue, the confidence how far from white it is
 * (discrete: every cell in its class's full colour).
 */
export function drawClassMap(canvas, bytes, range, { discrete = false } = {}) {
  const [lo, hi] = range;
  const classes = Math.round(hi - lo);
  const table = new Uint8ClampedArray(256 * 3);
  const white = STOPS[1];
  for (let b = 0; b < 256; b++) {
    const v = lo + (b / 255) * (hi - lo);
    const k = Math.min(classes - 1, Math.max(0, Math.floor(v)));
    const c = Math.min(1, Math.max(0, (v - k - CLASS_MARGIN) / (1 - 2 * CLASS_MARGIN)));
    // A tie of all K classes is still tinted, so the region says which class leads.
    const f = discrete ? 1 : 0.15 + 0.85 * c;
    table.set(
      CLASS_RGB[k].map((to, i) => Math.round(white[i] + (to - white[i]) * f)),
      b * 3,
    );
  }
  paint(canvas, bytes, table);
}

/** Paint bytes through a 256-colour table (RGB triples) onto a square canvas. */
function paint(canvas, bytes, table) {
  const size = Math.round(Math.sqrt(bytes.length));
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  for (let row = 0; row < size; row++) {
    const target = (size - 1 - row) * size;
    for (let col = 0; col < size; col++) {
      const b = bytes[row * size + col] * 3;
      const p = (target + col) * 4;
      image.data[p] = table[b];
      image.data[p + 1] = table[b + 1];
      image.data[p + 2] = table[b + 2];
      image.data[p + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** Paint points (x, y in [-extent, extent]) coloured by label in [-1, 1]. */
export function drawPoints(canvas, xs, ys, labels, extent = 6) {
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  const radius = Math.max(1.2, width / 40);
  for (let k = 0; k < xs.length; k++) {
    ctx.fillStyle = cssColour(labels[k]);
    ctx.beginPath();
    const px = ((xs[k] + extent) / (2 * extent)) * width;
    const py = (1 - (ys[k] + extent) / (2 * extent)) * height;
    ctx.arc(px, py, radius, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** Bytes from base64 (the page's thumbnails). */
export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  return bytes;
}
