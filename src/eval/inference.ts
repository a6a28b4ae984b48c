// SPDX-License-Identifier: MIT
/**
 * Inference of a trained model, with the activity counts the reports need.
 * FAUST / STDP: one pass, score_c = sum_l cos(z_l(x), P_{l,c});  FF: one pass per candidate label
 * (label overlaid), score_c = sum_l goodness_l;  BP: one pass, argmax of the output.
 */
import type { Split } from '../data/dataset.js';
import { cpuOps, type BatchedOps } from '../sim/batched/ops.js';
import type { Rng } from '../sim/rng.js';
import { goodness, overlayLabel, relabelFrames } from '../plasticity/ff.js';
import {
  encodeBatch,
  forwardLif,
  forwardRate,
  layerSizes,
  prototypeScores,
  unitRows,
  type Model,
} from '../plasticity/model.js';

export interface ActivityCounts {
  /** Per projection: spikes (spiking) or non-zero values (rate) arriving at its input, summed. */
  inputEvents: number[];
  /** Per projection: synaptic events = input events x fan-out. */
  synapticEvents: number[];
  /** Per layer (hidden and output): spikes emitted (spiking) or non-zero outputs (rate). */
  outputEvents: number[];
}

export interface Scored {
  /** [n][classes] */
  scores: Float32Array;
  predictions: Uint8Array;
  /** Forward passes per inference (FF: one per class). */
  passes: number;
  counts: ActivityCounts;
}

function nonZero(a: Float32Array): number {
  let k = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) k++;
  return k;
}

/** Scores one batch (rows `x`), adding the activity to `counts`. */
export function scoreBatch(model: Model, x: Float32Array, B: number, rng: Rng, ops: BatchedOps, counts: ActivityCounts, out: Float32Array): void {
  const c = model.config;
  const sizes = layerSizes(c);
  const dim = sizes[0];
  const C = c.classes;
  const run = (input: Float32Array): Float32Array[] => {
    if (c.neuron === 'rate') {
      const recs = forwardRate(model, input, B, ops);
      recs.forEach((r, l) => {
        const e = nonZero(r.a);
        counts.inputEvents[l] += e;
        counts.synapticEvents[l] += e * sizes[l + 1];
        counts.outputEvents[l] += nonZero(r.h);
      });
      return recs.map((r) => r.h);
    }
    return runFrames(encodeBatch(c, input, B, dim, rng));
  };
  const runFrames = (frames: Float32Array[]): Float32Array[] => {
    const recs = forwardLif(model, frames, B, false, ops);
    recs.forEach((r, l) => {
      const e = r.inSpikes.reduce((a, f) => a + nonZero(f), 0);
      counts.inputEvents[l] += e;
      counts.synapticEvents[l] += e * sizes[l + 1];
      counts.outputEvents[l] += r.spikeCount;
    });
    return recs.map((r) => r.h);
  };
  if (c.rule === 'ff' && c.neuron === 'lif') {
    // one input spike train per digit, shared by its label variants (relabelFrames)
    const xl = Float32Array.from(x);
    for (let b = 0; b < B; b++) overlayLabel(xl, dim, b, 0, C);
    const frames = encodeBatch(c, xl, B, dim, rng);
    for (let cand = 0; cand < C; cand++) {
      const fc = frames.map((f) => Float32Array.from(f));
      for (let b = 0; b < B; b++) relabelFrames(fc, dim, b, b, 0, cand, C);
      addScores(model, runFrames(fc), B, out, ops, cand);
    }
    return;
  }
  if (c.rule === 'ff') {
    const xl = Float32Array.from(x);
    for (let cand = 0; cand < C; cand++) {
      for (let b = 0; b < B; b++) overlayLabel(xl, dim, b, cand, C);
      addScores(model, run(xl), B, out, ops, cand);
    }
    return;
  }
  addScores(model, run(x), B, out, ops);
}

/**
 * Adds the class scores read from the layer outputs `hs` of one pass to `out` [B][classes]:
 * FAUST/STDP the cosine with each layer's class prototypes, BP the output layer, FF the summed
 * goodness of the pass for label `candidate` (written at out[b * C + candidate]).
 */
export function addScores(model: Model, hs: Float32Array[], B: number, out: Float32Array, ops: BatchedOps, candidate = 0): void {
  const c = model.config;
  const sizes = layerSizes(c);
  const C = c.classes;
  if (c.rule === 'ff') {
    hs.forEach((h, l) => goodness(h, B, sizes[l + 1], out.subarray(candidate), C));
    return;
  }
  if (c.rule === 'bp') {
    const o = hs[hs.length - 1];
    for (let i = 0; i < B * C; i++) out[i] += o[i];
    return;
  }
  hs.forEach((h, l) => {
    const n = sizes[l + 1];
    prototypeScores(unitRows(h, B, n, ops).z, B, n, model.state.prototypes[l], C, out, ops);
  });
}

export function emptyCounts(layers: number): ActivityCounts {
  return { inputEvents: new Array(layers).fill(0), synapticEvents: new Array(layers).fill(0), outputEvents: new Array(layers).fill(0) };
}

export function argmaxRows(scores: Float32Array, n: number, C: number): Uint8Array {
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (scores[i * C + c] > scores[i * C + best]) best = c;
    p[i] = best;
  }
  return p;
}

/** Scores every sample of `split` in batches of `batch`. */
export function scoreSplit(model: Model, split: Split, rng: Rng, ops: BatchedOps = cpuOps, batch = 200): Scored {
  const sizes = layerSizes(model.config);
  const dim = sizes[0];
  const C = model.config.classes;
  const counts = emptyCounts(sizes.length - 1);
  const scores = new Float32Array(split.n * C);
  for (let s = 0; s < split.n; s += batch) {
    const B = Math.min(batch, split.n - s);
    scoreBatch(model, split.x.subarray(s * dim, (s + B) * dim), B, rng, ops, counts, scores.subarray(s * C, (s + B) * C));
  }
  return { scores, predictions: argmaxRows(scores, split.n, C), passes: model.config.rule === 'ff' ? C : 1, counts };
}

export function accuracyOf(pred: Uint8Array, y: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return y.length ? ok / y.length : 0;
}

/** confusion[true][predicted] counts. */
export function confusionMatrix(pred: Uint8Array, y: Uint8Array, C: number): number[][] {
  const m = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  for (let i = 0; i < y.length; i++) m[y[i]][pred[i]]++;
  return m;
}
