// Connects the widgets to the socket and to each other, and holds the little
// page state there is (the last config, points and maps, what is hovered).
// The server trains; the page draws what each frame says.

import { OutputChart, RepresentationChart } from "./charts.js";
import { BatchView } from "./batch_view.js";
import { ConfusionTable } from "./confusion.js";
import { Controls } from "./controls.js";
import { Draw } from "./draw.js";
import { Files } from "./files.js";
import { HiddenSpace } from "./hidden_space.js";
import { setUpKeyboard } from "./keyboard.js";
import { Lessons } from "./lessons.js";
import { LossChart } from "./loss_chart.js";
import { NetworkView } from "./network_view.js";
import { OutputReadout } from "./output_readout.js";
import { Predict } from "./predict.js";
import { Presenter } from "./presenter.js";
import { SideTabs } from "./side_tabs.js";
import { Socket } from "./socket.js";
import { Stepper } from "./stepper.js";
import { Thumbnails } from "./thumbnails.js";
import { ViewState } from "./view_state.js";
import { WeightEditor } from "./weight_editor.js";
import { setUpCopyLink, writeUrl } from "./url_state.js";

const page = JSON.parse(document.getElementById("page-data").textContent);
const PLANE_AXES = [
  { title: "x₁", units: null },
  { title: "x₂", units: null },
];
const root = document.getElementById("playground");
const $ = (id) => document.getElementById(id);

const state = {
  config: page.initial,
  outputRange: [-1, 1],
  output: null, // FrameArray of the latest output map
  neurons: null, // FrameArray of the latest neuron maps
  points: null, // {train, test, trainLabels, testLabels}
  hover: null, // the tile under the pointer, whose map the big chart shows
};

const thumbnails = new Thumbnails(page.thumbnails);
thumbnails.drawDatasets(root);
thumbnails.drawFeatures(root);

const controls = new Controls(root, page);
const outputChart = new OutputChart($("output-chart"));
const lossChart = new LossChart($("loss-chart"));
const representationChart = new RepresentationChart($("representation-chart"));
const confusion = new ConfusionTable(document.getElementById("confusion-panel"));
const editor = new WeightEditor($("weight-editor"));
const readout = new OutputReadout($("output-chart"), $("output-readout"));
const network = new NetworkView($("diagram"), {
  featureLabels: page.feature_labels,
  hover: (target) => {
    state.hover = target?.kind === "weight" ? null : target;
    showOutput();
  },
  edit: (target) => editor.open(target),
});

const sideTabs = new SideTabs($("side-tabs"));
const stepper = new Stepper($("stepper"), { outputChart, network });

const send = (message) => socket.send(message);
const hiddenSpace = new HiddenSpace($("hidden-space"), send);
const batchView = new BatchView($("show-batch"), outputChart, send);
const predict = new Predict($("predict-panel"), $("output-chart"));
const draw = new Draw($("custom-data"), $("output-chart"), send);
// A room's page has no file controls: its files would go to the lecturer's session.
const files = $("file-controls") ? new Files(root.querySelector(".data-panel")) : null;

const socket = new Socket(root, {
  frame: drawFrame,
  open: () => {
    setConnection(true);
    // A new session: the old one's banner (idle, diverged) no longer holds.
    $("banner").textContent = "";
    // Speed is the tab's, not the config's: a new session starts at 1×. A student's
    // page in a class shows the class's speed, which is not theirs to send.
    const speed = $("speed").value;
    if (Number(speed) !== 1 && !$("room-status")) {
      socket.send({ type: "speed", epochs_per_frame: speed });
    }
    // So are the optional views: the new session hears them again.
    hiddenSpace.resend();
    view.resend(send);
    if ($("show-batch").checked) batchView.resend();
  },
  close: ({ reconnecting }) => setConnection(false, reconnecting),
});

setUpKeyboard(root);
const lessons = new Lessons(root, page.lessons, {
  open: (name, number, step) => {
    // The server sets the step's speed too; the menu shows it.
    controls.syncSpeed(step.speed);
    view.record("speed");
    socket.send({ type: "open", lesson: name, step: number });
  },
  left: () => writeUrl(state.config, page.defaults),
});
if (page.lesson) {
  // A reload or a shared link: the URL's config is the step's (with its changes).
  lessons.show(page.lesson.name, page.lesson.step);
  controls.syncSpeed(lessons.step.speed);
}
setUpCopyLink($("copy-link"), () =>
  state.config.dataset === "custom"
    ? "The link cannot hold your points: it opens the same settings on a generated dataset. " +
      "To share the points and the trained network, use Save… → model file (JSON)."
    : "",
);
new Presenter(root, $("present"));
$("reconnect").addEventListener("click", () => socket.reconnect());
$("log-scale").addEventListener("change", (e) => lossChart.setLog(e.target.checked));
$("show-test").addEventListener("change", (e) => {
  outputChart.setShowTest(e.target.checked);
  representationChart.setShowTest(e.target.checked);
  hiddenSpace.setShowTest(e.target.checked);
});
$("discretize").addEventListener("change", (e) => {
  outputChart.setDiscrete(e.target.checked);
  representationChart.setDiscrete(e.target.checked);
});
// After the listeners above: restoring a checkbox fires its change.
const view = new ViewState();
function setConnection(connected, reconnecting = false) {
  root.dataset.connected = String(connected);
  $("connection-banner").hidden = connected;
  $("reconnect").hidden = connected || reconnecting;
  $("connection-text").textContent = reconnecting
    ? "Connection to the server lost; reconnecting…"
    : "Disconnected from the server.";
}

/** Draw one decoded frame; the socket acks it when this resolves. */
async function drawFrame({ header, arrays }) {
  await Promise.all([outputChart.ready, lossChart.ready, representationChart.ready]);
  if (header.reset) root.dataset.resets = String(Number(root.dataset.resets) + 1);
  files?.setToken(header.token);
  if (header.config) applyConfig(header.config);
  if (header.epochs_per_frame !== undefined) {
    // A speed the server set: a lesson step's, or the one a class's lecturer resumed.
    controls.syncSpeed(header.epochs_per_frame);
    view.record("speed");
  }
  controls.syncTransport(header);
  showMetrics(header);
  state.outputRange = header.output_range;
  // More than 2 classes: class maps and class-coloured points (charts.js).
  state.classes = header.classes ?? 2;
  const names = header.class_names ?? null; // an upload's label texts, one per class
  outputChart.setClasses(state.classes, names);
  representationChart.setClasses(state.classes, names);
  draw.setClasses(state.classes, names);
  confusion.draw(header, names);
  // A diverged network's maps are NaN or overflowed: the page keeps the last good
  // pictures (dimmed, under a "diverged" note: playground.css) until a reset.
  const diverged = header.state === "diverged";
  if (arrays.output && !diverged) state.output = arrays.output;
  if ((arrays.neurons || header.reset) && !diverged) state.neurons = arrays.neurons ?? null;
  network.update(header, arrays, { diverged });
  readout.set(state.output);
  // The diagram's layer buttons are made afresh with the layers: lock them again.
  if (header.config) lessons.applyControls();
  const drawn = [
    header.history_whole ? lossChart.replace(header.history) : lossChart.append(header.history),
    showOutput(),
  ];
  if (arrays.train_points) drawn.push(setPoints(arrays, header.output_range));
  if (header.representation) drawn.push(showRepresentation(header, arrays, diverged));
  await Promise.all(drawn);
  if (header.stepper && !stepper.active) sideTabs.show("stepper");
  await stepper.draw(header, arrays, state.output && outputMap(state.output));
  if (!diverged) await hiddenSpace.draw(header, arrays, state.points);
  await batchView.draw(header, state.points);
  predict.draw(header, state.output);
  root.dataset.frame = String(header.frame);
}

function applyConfig(config) {
  state.config = config;
  controls.sync(config);
  draw.setProblem(config.problem);
  writeUrl(config, lessons.step?.config ?? page.defaults, lessons.params);
  const [x, y] = page.axes[config.dataset] ?? PLANE_AXES;
  outputChart.setAxes(x.title, y.title);
  outputChart.setUnits(x.units, y.units);
}

function showMetrics(header) {
  // null is "not yet", or "not a number" once the network diverged.
  const missing = header.state === "diverged" ? "NaN" : "–";
  const loss = (v) => (v === null || v === undefined ? missing : formatLoss(v));
  const percent = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);
  $("train-loss").textContent = loss(header.train_loss);
  $("test-loss").textContent = loss(header.test_loss);
  $("train-accuracy").textContent = percent(header.train_accuracy);
  $("test-accuracy").textContent = percent(header.test_accuracy);
  // The charts' text alternative: the numbers they show now.
  const scores = (kind, shown) => {
    const [test, train] = [header[`test_${kind}`], header[`train_${kind}`]];
    return `test ${kind} ${shown(test)}, training ${kind} ${shown(train)}`;
  };
  $("loss-chart").setAttribute("aria-label", `Loss over the epochs: ${scores("loss", loss)}`);
  const accuracy = scores("accuracy", percent);
  $("output-chart").setAttribute("aria-label", `The network's output: ${accuracy}`);
}

/** Three decimals, or three digits and an exponent for a loss that is blowing up. */
function formatLoss(value) {
  return Math.abs(value) >= 1000 ? value.toExponential(2) : value.toFixed(3);
}

/** The big chart shows the output, or the map of the tile under the pointer. */
function showOutput() {
  const chart = $("output-chart");
  const hover = state.hover;
  if (hover?.kind === "feature") {
    chart.dataset.showing = `feature:${hover.feature}`;
    return outputChart.setMap(thumbnails.featureMap(hover.feature));
  }
  const hidden = state.config.hidden;
  if (hover?.kind === "bias" && hover.layer < hidden.length && state.neurons) {
    const index = hidden.slice(0, hover.layer).reduce((a, b) => a + b, 0) + hover.neuron;
    chart.dataset.showing = `neuron:${hover.layer},${hover.neuron}`;
    return outputChart.setMap(state.neurons.map(index));
  }
  if (!state.output) return Promise.resolve();
  chart.dataset.showing = "output";
  return outputChart.setMap(outputMap(state.output));
}

/** An output-range map, coloured around the middle of the output's range. */
function outputMap(array) {
  const [lo, hi] = state.outputRange;
  return { ...array.map(), centre: (lo + hi) / 2, scale: (hi - lo) / 2, classes: state.classes };
}

function setPoints(arrays, range) {
  state.points = {
    train: arrays.train_points.columns(),
    test: arrays.test_points?.columns() ?? [[], []],
    trainLabels: arrays.train_labels.data,
    testLabels: arrays.test_labels?.data ?? new Float32Array(),
  };
  const p = state.points;
  stepper.setPoints(p);
  return outputChart.setPoints(p.train, p.trainLabels, p.test, p.testLabels, range);
}

function showRepresentation(header, arrays, diverged) {
  const rep = header.representation;
  const chart = $("representation-chart");
  const drawn = [];
  const pairKey = rep.pair.join(",");
  if (pairKey !== chart.dataset.pair) {
    chart.dataset.pair = pairKey;
    controls.syncPair(rep.pair);
    const label = (name) => page.feature_labels[name] ?? name;
    drawn.push(
      representationChart.setAxes(label(rep.pair[0]), label(rep.pair[1]), rep.x_range, rep.y_range),
    );
  }
  if (arrays.representation_points && state.points) {
    const moved = arrays.representation_points;
    drawn.push(representationChart.setMovedPoints(moved, state.points, header.output_range));
  }
  if (rep.plane && arrays.representation_output && !diverged) {
    const map = arrays.representation_output;
    drawn.push(representationChart.setMap(outputMap(map), rep.x_range, rep.y_range));
  } else if (!rep.plane) {
    drawn.push(representationChart.hideMap());
  }
  $("representation-note").textContent = rep.plane
    ? "The colours are the network's output in this space: its inputs are exactly these two features."
    : "No boundary drawn: the network's inputs are not exactly these two features.";
  return Promise.all(drawn);
}
