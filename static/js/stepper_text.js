// The step-through's words and formulas, with the engine's numbers filled in.
// Registries by name (activation, loss, penalty, optimizer), as the engine's.

export const fmt = (v) => {
  if (v === null || v === undefined || Number.isNaN(v)) return "NaN";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(2);
  return v.toFixed(3);
};
/** A number in a formula: negative ones in brackets. */
export const term = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));

export const ACTIVATION_SYMBOLS = {
  relu: "relu",
  leaky_relu: "leaky relu",
  elu: "elu",
  gelu: "gelu",
  tanh: "tanh",
  sigmoid: "σ",
  linear: "",
  sine: "sin",
};

export const LOSS_FORMULAS = {
  squared: "L = ½ (o − t)²",
  cross_entropy: "L = −[p ln o + (1 − p) ln(1 − o)] = softplus(z) − p·z, p = (t + 1) / 2, o = σ(z)",
};

export const PENALTY_FORMULAS = {
  none: () => "",
  l1: (rate) => `+ ${rate} · Σ|w|`,
  l2: (rate) => `+ ${rate} · ½ Σw²`,
};

export const PENALTY_GRADIENTS = {
  none: () => "",
  l1: (rate) => `${rate} · sign(w)`,
  l2: (rate) => `${rate} · w`,
};

/**
 * The optimizer's update of one parameter, with its numbers: state before and after
 * (per parameter), the gradient g, the learning rate. Returns lines of text.
 */
export const OPTIMIZER_STEPS = {
  sgd: ({ old, now, g, lr }) => [`w ← w − η·g = ${fmt(old)} − ${lr}·${term(g)} = ${fmt(now)}`],
  momentum: ({ old, now, g, lr, before, after, scalars }) => [
    `v ← ${scalars.beta}·v − η·g = ${scalars.beta}·${term(before.velocity)} − ${lr}·${term(g)} = ${fmt(after.velocity)}`,
    `w ← w + v = ${fmt(old)} + ${term(after.velocity)} = ${fmt(now)}`,
  ],
  rmsprop: ({ old, now, g, lr, before, after, scalars }) => [
    `s ← ${scalars.rho}·s + ${+(1 - scalars.rho).toFixed(3)}·g² = ${fmt(after.mean_square)} (was ${fmt(before.mean_square)})`,
    `w ← w − η·g / (√s + ε) = ${fmt(old)} − ${lr}·${term(g)} / ${fmt(Math.sqrt(after.mean_square))} = ${fmt(now)}`,
  ],
  adam: ({ old, now, g, lr, before, after, scalars }) => {
    const t = scalars.t;
    const mHat = after.m / (1 - scalars.beta1 ** t);
    const vHat = after.v / (1 - scalars.beta2 ** t);
    return [
      `m ← ${scalars.beta1}·m + ${+(1 - scalars.beta1).toFixed(3)}·g = ${fmt(after.m)} (was ${fmt(before.m)})`,
      `v ← ${scalars.beta2}·v + ${+(1 - scalars.beta2).toFixed(3)}·g² = ${fmt(after.v)}`,
      `t = ${t}: m̂ = ${fmt(mHat)}, v̂ = ${fmt(vHat)}`,
      `w ← w − η·m̂ / (√v̂ + ε) = ${fmt(old)} − ${lr}·${term(mHat)} / ${fmt(Math.sqrt(vHat))} = ${fmt(now)}`,
    ];
  },
};

export const OPTIMIZER_SUMMARIES = {
  sgd: "w ← w − η·g",
  momentum: "v ← β·v − η·g, then w ← w + v (β = 0.9)",
  rmsprop: "s ← ρ·s + (1 − ρ)·g², then w ← w − η·g / (√s + ε)",
  adam: "m, v: running moments of g and g²; w ← w − η·m̂ / (√v̂ + ε)",
};

export const STAGE_TITLES = {
  batch: "1 · The mini-batch",
  forward: "2 · Forward pass",
  loss: "3 · Loss",
  backward: "4 · Backward pass",
  update: "5 · Update",
};

export const STAGE_HELP = {
  batch: (n) =>
    `These ${n} training points (ringed on the data plot) are the next mini-batch. Next: push them through the network.`,
  forward: () =>
    "Each neuron's tile now shows the batch's points coloured by that neuron's activation. Hover a neuron for its formula with the numbers.",
  loss: () => "How wrong the output is for each point, and the batch's mean: what the step will reduce.",
  backward: () =>
    "Gradients flow back: each link is drawn by ∂L/∂w (colour = sign, width = size), each tile's dots by the neuron's δ = ∂L/∂z. Hover a link for its factors.",
  update: (n, optimizer) =>
    `The optimizer moved every weight (links: the change, colour = sign). ${OPTIMIZER_SUMMARIES[optimizer] ?? ""}. Hover a link for old → new.`,
};
