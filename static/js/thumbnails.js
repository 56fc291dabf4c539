// The page's static pictures: dataset thumbnails and feature tiles, drawn from
// the maps the server rendered with the engine's own generators (pages.py).

import { drawMap, drawPoints, fromBase64 } from "./palette.js";

const EXTENT = 6;

function decode(bytes, lo, hi) {
  return Array.from(bytes, (b) => lo + (b / 255) * (hi - lo));
}

export class Thumbnails {
  constructor(data) {
    this.grid = data.grid;
    this.datasets = data.datasets;
    this.features = {};
    for (const [name, feature] of Object.entries(data.features)) {
      this.features[name] = { bytes: fromBase64(feature.map), range: feature.range };
    }
  }

  /** Paint every dataset button's canvas with a sample of its points. */
  drawDatasets(root) {
    for (const button of root.querySelectorAll("[data-dataset]")) {
      const dataset = this.datasets[button.dataset.dataset];
      if (!dataset) continue;
      const points = decode(fromBase64(dataset.points), -EXTENT, EXTENT);
      const labels = decode(fromBase64(dataset.labels), -1, 1);
      const xs = points.filter((_, k) => k % 2 === 0);
      const ys = points.filter((_, k) => k % 2 === 1);
      drawPoints(button.querySelector("canvas"), xs, ys, labels, EXTENT);
    }
  }

  /** Paint every feature tile with the feature's map over the plot square. */
  drawFeatures(root) {
    for (const tile of root.querySelectorAll("[data-feature]")) {
      const feature = this.features[tile.dataset.feature];
      if (!feature) continue;
      drawMap(tile.querySelector("canvas"), feature.bytes, feature.range, {
        scale: Math.max(...feature.range.map(Math.abs)),
      });
    }
  }

  /** A feature's map as the charts take it, scaled like its tile. */
  featureMap(name) {
    const { bytes, range } = this.features[name];
    return { bytes, range, scale: Math.max(...range.map(Math.abs)) || 1 };
  }
}
