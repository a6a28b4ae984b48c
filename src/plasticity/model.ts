// SPDX-License-Identifier: MIT
/**
 * The layered feed-forward model every rule trains: its configuration, its state (weights, biases,
 * class prototypes) and the batched forward passes of both neuron modes. The forward passes record
 * per layer exactly the quantities the rules may read (see signals.ts); the rules never see the
 * model itself.
 *
 * Rate mode (`neuron: 'rate'`), per hidden layer l, inputs detached from the layers below:
 *   a_l = sqrt(n) * y / ||y||          (y: pixels or the layer below's output; FAUST/FF only, as in FF)
 *   u_l = a_l W_l + b_l,  h_l = relu(u_l)
 * Spiking mode (`neuron: 'lif'`), T steps per sample, CUBA LIF of src/sim/batched/ops.ts:
 *   iExc <- iExc + W^T s_in(t) + b;  v <- v*aMem + iExc*kExc;  iExc <- iExc*aExc
 *   s(t) = [v > vTh], then v <- 0;  psi(t) = 1 / (1 + psiBeta |v - vTh|)^2 (surrogate derivative)
 *   h_l = sum_t w_t s_l(t),  w_t = 1 (spike-count) or aMem^(T-1-t) (trace read at the end)
 * Timing as the IR simulator (src/ir/simulate.ts) and Loihi: a spike emitted at step t (input
 * frames included) is first seen by the next layer's update at step t+1, so the layer at depth d
 * sees the input frames 0..T-1-d.
 *
 * Weights are pre-major [in][out] (the batched ops' layout); toIR transposes them.
 */
import { invalidParam } from '../errors.js';
import type { Rng } from '../sim/rng.js';
import { cpuOps, lifConstants, type BatchedOps, type LifConstants } from '../sim/batched/ops.js';

export type RuleName = 'faust' | 'ff' | 'bp' | 'stdp';
export type NeuronMode = 'rate' | 'lif';

export interface ModelConfig {
  rule: RuleName;
  neuron: NeuronMode;
  /** Layer sizes, input first, then the hidden layers (BP adds an output layer of `classes`). */
  sizes: number[];
  classes: number;
  /** Spiking: steps per sample, encoding and its spike probability per step at intensity 1. */
  steps: number;
  encoding: 'poisson' | 'latency';
  inputRate: number;
  activity: 'spike-count' | 'trace';
  dt: number;
  tauMem: number;
  tauSyn: number;
  vTh: number;
  psiBeta: number;
  /** FAUST: temperature, positives (prototypes or batch samples), prototype momentum. */
  temperature: number;
  positives: 'prototype' | 'batch';
  protoMomentum: number;
  /** FF: goodness threshold (per neuron, mean squared activity); spiking FF: the scale of the goodness gap G+ - G-. */
  ffTheta: number;
  /** Multiplies the Kaiming-uniform bound sqrt(6 / nIn) of the initial weights. */
  initScale: number;
}

export interface ModelState {
  /** Pre-major [in][out] weights per projection. */
  W: Float32Array[];
  b: Float32Array[];
  /** FAUST/STDP readout: per hidden layer, [classes][n] unit-length class prototypes. */
  prototypes: Float32Array[];
}

export interface Model {
  config: ModelConfig;
  state: ModelState;
}

/** Number of projections: hidden layers, plus BP's output layer. */
export function layerSizes(c: ModelConfig): number[] {
  return c.rule === 'bp' ? [...c.sizes, c.classes] : c.sizes;
}

/** Whether layer inputs are length-normalised (FF's rule, kept by FAUST; BP and STDP see raw inputs). */
export function normalisesInputs(c: ModelConfig): boolean {
  return c.rule === 'faust' || c.rule === 'ff';
}

export function initModel(config: ModelConfig, rng: Rng): Model {
  const sizes = layerSizes(config);
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw invalidParam('model', 'sizes', sizes, 'at least an input and one layer, positive integers');
  }
  const W: Float32Array[] = [];
  const b: Float32Array[] = [];
  const prototypes: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const w = new Float32Array(nIn * nOut);
    // Kaiming-uniform for rate layers; spiking layers get a positive mean so the first layer fires,
    // except spiking FF: there the mean drive makes every neuron fire for every image (rate 0.26,
    // no silent neuron), so no neuron is selective and the label cannot change the goodness
    // (README, spiking FF); it starts zero-mean at a larger scale (initScale 3 by default).
    const bound = config.initScale * Math.sqrt(6 / nIn);
    const r = rng.fork(`init-${l}`);
    const mean = config.neuron === 'lif' && config.rule !== 'ff' ? bound / 4 : 0;
    for (let i = 0; i < w.length; i++) w[i] = mean + (2 * r.uniform() - 1) * bound;
    W.push(w);
    b.push(new Float32Array(nOut));
    if (config.rule !== 'bp' && config.rule !== 'ff') prototypes.push(new Float32Array(config.classes * nOut));
  }
  return { config, state: { W, b, prototypes } };
}

/** Per-layer record of a rate forward pass. */
export interface RateLayerRecord {
  /** Input of the layer (normalised when the rule normalises), [B][nIn]. */
  a: Float32Array;
  u: Float32Array;
  h: Float32Array;
}

/** Per-layer record of a spiking forward pass. */
export interface LifLayerRecord {
  /** Input spikes per step, [T] x [B][nIn]. */
  inSpikes: Float32Array[];
  spikes: Float32Array[];
  /** Surrogate derivative of the membrane per step, [T] x [B][nOut] (only when recorded). */
  psi: Float32Array[];
  /** Layer output h = sum_t w_t s(t), [B][nOut]. */
  h: Float32Array;
  spikeCount: number;
}

/**
 * Rate forward pass through `count` layers (all by default). BP's output layer stays linear
 * (its logits).
 */
export function forwardRate(model: Model, x: Float32Array, B: number, ops: BatchedOps = cpuOps, count?: number): RateLayerRecord[] {
  const { config, state } = model;
  const sizes = layerSizes(config);
  const L = count ?? sizes.length - 1;
  const norm = normalisesInputs(config);
  const recs: RateLayerRecord[] = [];
  let y = x;
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    let a = y;
    if (norm) {
      a = new Float32Array(B * nIn);
      ops.normaliseRows(y, B, nIn, a, Math.sqrt(nIn));
    }
    const u = new Float32Array(B * nOut);
    for (let bb = 0; bb < B; bb++) u.set(state.b[l], bb * nOut);
    ops.accumulateInput(a, B, nIn, state.W[l], nOut, u);
    const last = config.rule === 'bp' && l === sizes.length - 2;
    const h = last ? u : new Float32Array(B * nOut);
    if (!last) for (let i = 0; i < h.length; i++) h[i] = u[i] > 0 ? u[i] : 0;
    recs.push({ a, u, h });
    y = h;
  }
  return recs;
}

export function lifConstantsOf(c: ModelConfig): LifConstants {
  return lifConstants({ tauMem: c.tauMem, tauExc: c.tauSyn, vRest: 0, vReset: 0, vTh: c.vTh, tauRef: 0, dt: c.dt, psiBeta: c.psiBeta });
}

/** Weight w_t of step t in the layer output h = sum_t w_t s(t). */
export function activityWeights(c: ModelConfig): Float64Array {
  const w = new Float64Array(c.steps).fill(1);
  if (c.activity === 'trace') {
    const aMem = Math.exp(-c.dt / c.tauMem);
    for (let t = 0; t < c.steps; t++) w[t] = Math.pow(aMem, c.steps - 1 - t);
  }
  return w;
}

/**
 * Encodes a batch of pixel rows in [0, 1] as T spike frames [B][dim].
 * poisson: P(spike at t) = min(1, inputRate * x); latency: one spike at t = round((1 - x) (T - 1))
 * for x > 0 (brighter is earlier), none for x = 0.
 */
export function encodeBatch(c: ModelConfig, x: Float32Array, B: number, dim: number, rng: Rng): Float32Array[] {
  const T = c.steps;
  const frames = Array.from({ length: T }, () => new Float32Array(B * dim));
  if (c.encoding === 'poisson') {
    for (let i = 0; i < B * dim; i++) {
      const p = x[i] * c.inputRate;
      if (p <= 0) continue;
      for (let t = 0; t < T; t++) if (rng.uniform() < p) frames[t][i] = 1;
    }
  } else {
    for (let i = 0; i < B * dim; i++) {
      if (x[i] > 0) frames[Math.round((1 - Math.min(1, x[i])) * (T - 1))][i] = 1;
    }
  }
  return frames;
}

/**
 * Spiking forward pass of `count` layers (all by default) on encoded input frames. Each layer is
 * simulated over all T steps before the next (same result as lock-step, as the inputs are delayed).
 * With `record` the surrogate derivatives are kept for learning.
 */
export function forwardLif(
  model: Model,
  frames: Float32Array[],
  B: number,
  record: boolean,
  ops: BatchedOps = cpuOps,
  count?: number,
): LifLayerRecord[] {
  const { config, state } = model;
  const sizes = layerSizes(config);
  const L = count ?? sizes.length - 1;
  const T = config.steps;
  const k = lifConstantsOf(config);
  const wt = activityWeights(config);
  const recs: LifLayerRecord[] = [];
  let emitted = frames;
  for (let l = 0; l < L; l++) {
    // one-step delay: what this layer receives at step t was emitted at t-1
    const input = [new Float32Array(B * sizes[l]), ...emitted.slice(0, T - 1)];
    const r = ops.lifLayerForward(k, input, B, sizes[l], state.W[l], sizes[l + 1], state.b[l], wt, record);
    recs.push({ inSpikes: input, ...r });
    emitted = r.spikes;
  }
  return recs;
}

/** Adds the cosine similarity of each row of z (unit or zero rows) with each prototype to out: [B][classes]. */
export function prototypeScores(z: Float32Array, B: number, n: number, protos: Float32Array, classes: number, out: Float32Array, ops: BatchedOps = cpuOps): void {
  const s = new Float32Array(B * classes);
  ops.backwardInput(z, B, n, protos, classes, s);
  for (let i = 0; i < s.length; i++) out[i] += s[i];
}

/** Unit-length rows z = h / ||h|| and the norms (zero rows stay zero). */
export function unitRows(h: Float32Array, B: number, n: number, ops: BatchedOps = cpuOps): { z: Float32Array; norm: Float64Array } {
  const z = new Float32Array(B * n);
  const norm = new Float64Array(B);
  ops.normaliseRows(h, B, n, z, 1, norm);
  return { z, norm };
}
