// SPDX-License-Identifier: MIT
/**
 * FAUST: Forward-Forward Algorithm Unified with Similarity-based Tuplet loss (Gong et al.,
 * arXiv 2509.08697, 2025), in this project's reading of it (../../shared/reference/faust.md).
 *
 * Per layer, inputs detached from the layers below, z = h / ||h||:
 *   L = log(1 + sum_k exp((s(a, n_k) - s(a, p)) / tau)),   s = cosine similarity
 * positives: 'prototype' -> p = prototype of the anchor's class, n_k = prototypes of the other
 *   classes (then L is the softmax cross-entropy of the scaled cosines);
 *   'batch' -> p = another same-class sample of the batch, n_k = one batch sample of each other
 *   class (partners held fixed: each sample receives its gradient as an anchor).
 * Prototypes P_c (layer state, unit rows) are running means of same-class z:
 *   P_c <- normalise(mu P_c + (1 - mu) mean_{b: y_b = c} z_b)
 * Third factor, from the layer's own output only: m_j = dL/dh_j = (g_j - z_j (z.g)) / ||h||,
 *   g = dL/dz; for a silent output (h = 0) m_j = -SILENT_PUSH (raise activity).
 * Rate mode: dW = a^T (m * relu'(u)) (the layer-local gradient); spiking mode: the three-factor
 *   update of three-factor.ts.
 * Inference, one pass: score_c = sum_l s(z_l(x), P_{l,c}).
 */
import { cpuOps, type BatchedOps } from '../sim/batched/ops.js';
import { unitRows } from './model.js';
import type { RuleSpec, SignalContext } from './signals.js';
import { reluLayerUpdate, threeFactorUpdate, type Grad, type Kernel, type Shape } from './three-factor.js';

const CITE = 'Gong et al., Reshaping the Forward-Forward Algorithm with a Similarity-Based Objective (FAUST), arXiv 2509.08697, 2025';

export const faustRateSpec: RuleSpec = {
  name: 'faust',
  cite: CITE,
  reads: ['pre.trace', 'post.v', 'post.trace', 'layer.local', 'global.label'],
  writes: ['syn.w', 'layer.local'],
};

export const faustLifSpec: RuleSpec = {
  name: 'faust',
  cite: CITE,
  reads: ['pre.spike', 'post.v', 'post.trace', 'layer.local', 'global.label'],
  writes: ['syn.w', 'syn.eligibility', 'layer.local'],
};

/**
 * Third factor of every neuron for a sample whose layer output is all zero: m_j = -SILENT_PUSH,
 * i.e. "more activity", so a spiking layer that fell silent recovers through the surrogate instead
 * of freezing (its loss has no gradient there; in rate mode the ReLU mask removes it). Local: it
 * reads only the layer's output.
 */
export const SILENT_PUSH = 0.1;

export interface FaustParams {
  temperature: number;
  positives: 'prototype' | 'batch';
  protoMomentum: number;
  classes: number;
}

/** The layer state FAUST keeps: unit-length prototypes [classes][n]. */
export interface FaustLocal {
  prototypes: Float32Array;
}

/**
 * Loss and third factor of one layer: returns the mean loss and writes m = dL/dh / B.
 * Prototypes that were never set are first initialised from the batch.
 */
export function faustSignal(
  h: Float32Array,
  y: Uint8Array,
  local: FaustLocal,
  sh: { B: number; nOut: number },
  p: FaustParams,
  m: Float32Array,
  ops: BatchedOps = cpuOps,
): number {
  const { B, nOut: n } = sh;
  const C = p.classes;
  const P = local.prototypes;
  const { z, norm } = unitRows(h, B, n, ops);
  const batchMean = classMeans(z, y, B, n, C);
  for (let c = 0; c < C; c++) {
    if (batchMean.count[c] > 0 && isZero(P, c, n)) setUnit(P, c, n, batchMean.sum, 0, 1);
  }
  // G = dL/dz per sample, [B][n]
  const G = new Float32Array(B * n);
  const loss = p.positives === 'prototype' ? prototypeLoss(z, y, P, B, n, C, 1 / p.temperature, G, ops) : batchLoss(z, y, P, B, n, C, 1 / p.temperature, G);
  for (let b = 0; b < B; b++) {
    const zo = b * n;
    if (norm[b] === 0) {
      // silent output: z and the loss gradient are undefined; the layer raises its own activity
      for (let j = 0; j < n; j++) m[zo + j] = -SILENT_PUSH / B;
      continue;
    }
    // through the normalisation z = h / ||h||
    let zg = 0;
    for (let j = 0; j < n; j++) zg += z[zo + j] * G[zo + j];
    const f = 1 / (norm[b] * B);
    for (let j = 0; j < n; j++) m[zo + j] = (G[zo + j] - z[zo + j] * zg) * f;
  }
  // running-mean prototype update, after the loss so the anchor is not its own positive
  for (let c = 0; c < C; c++) {
    if (batchMean.count[c] > 0) setUnit(P, c, n, batchMean.sum, p.protoMomentum, 1 - p.protoMomentum);
  }
  return loss / B;
}

/**
 * Prototype positives: L_b = softmax cross-entropy of s_b / tau, s_bc = z_b . P_c. The two
 * products (S = Z P^T, G = D P) run as batched ops. Returns the summed loss; writes G = dL/dz.
 */
function prototypeLoss(z: Float32Array, y: Uint8Array, P: Float32Array, B: number, n: number, C: number, invTau: number, G: Float32Array, ops: BatchedOps): number {
  const S = new Float32Array(B * C);
  ops.backwardInput(z, B, n, P, C, S);
  const D = new Float32Array(B * C);
  const e = new Float64Array(C);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const o = b * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, S[o + c] * invTau);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += (e[c] = Math.exp(S[o + c] * invTau - max));
    loss += Math.log(sum) + max - S[o + y[b]] * invTau;
    for (let c = 0; c < C; c++) D[o + c] = (e[c] / sum - (c === y[b] ? 1 : 0)) * invTau;
  }
  ops.accumulateInput(D, B, C, P, n, G);
  return loss;
}

/**
 * Batch positives: p = the next same-class sample of the batch (the prototype when the anchor is
 * alone), n_k = one sample of each other class present. Returns the summed loss; writes G.
 */
function batchLoss(z: Float32Array, y: Uint8Array, P: Float32Array, B: number, n: number, C: number, invTau: number, G: Float32Array): number {
  // members of each class, so partners are picked deterministically
  const members: number[][] = Array.from({ length: C }, () => []);
  for (let b = 0; b < B; b++) members[y[b]].push(b);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const zo = b * n;
    const yb = y[b];
    const same = members[yb];
    const pos = same.length > 1 ? same[(same.indexOf(b) + 1) % same.length] : -1;
    const posVec = pos >= 0 ? z.subarray(pos * n, pos * n + n) : P.subarray(yb * n, yb * n + n);
    let sp = 0;
    for (let j = 0; j < n; j++) sp += z[zo + j] * posVec[j];
    const negs: number[] = [];
    for (let c = 0; c < C; c++) if (c !== yb && members[c].length > 0) negs.push(members[c][b % members[c].length]);
    let sum = 1;
    const e = new Float64Array(negs.length);
    for (let k = 0; k < negs.length; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += z[zo + j] * z[negs[k] * n + j];
      sum += (e[k] = Math.exp((s - sp) * invTau));
    }
    loss += Math.log(sum);
    for (let k = 0; k < negs.length; k++) {
      const d = (e[k] / sum) * invTau;
      for (let j = 0; j < n; j++) G[zo + j] += d * (z[negs[k] * n + j] - posVec[j]);
    }
  }
  return loss;
}

/** Running-mean prototype update from a batch's outputs h (used alone by the STDP readout). */
export function updatePrototypes(h: Float32Array, y: Uint8Array, local: FaustLocal, B: number, n: number, C: number, momentum: number): void {
  const mean = classMeans(unitRows(h, B, n).z, y, B, n, C);
  const P = local.prototypes;
  for (let c = 0; c < C; c++) {
    if (mean.count[c] === 0) continue;
    const fresh = isZero(P, c, n);
    setUnit(P, c, n, mean.sum, fresh ? 0 : momentum, fresh ? 1 : 1 - momentum);
  }
}

function classMeans(z: Float32Array, y: Uint8Array, B: number, n: number, C: number) {
  const sum = new Float64Array(C * n);
  const count = new Uint32Array(C);
  for (let b = 0; b < B; b++) {
    count[y[b]]++;
    for (let j = 0; j < n; j++) sum[y[b] * n + j] += z[b * n + j];
  }
  for (let c = 0; c < C; c++) if (count[c] > 0) for (let j = 0; j < n; j++) sum[c * n + j] /= count[c];
  return { sum, count };
}

function isZero(P: Float32Array, c: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (P[c * n + j] !== 0) return false;
  return true;
}

/** P_c <- normalise(keep * P_c + add * mean_c). */
function setUnit(P: Float32Array, c: number, n: number, mean: Float64Array, keep: number, add: number): void {
  let s = 0;
  const row = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    row[j] = keep * P[c * n + j] + add * mean[c * n + j];
    s += row[j] * row[j];
  }
  const f = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let j = 0; j < n; j++) P[c * n + j] = row[j] * f;
}

/** Rate-mode FAUST on one layer: adds dL/dW, dL/db to grad; returns the loss. */
export function faustRateUpdate(sig: SignalContext, sh: Shape, p: FaustParams, grad: Grad, ops: BatchedOps): number {
  const h = sig['post.trace'] as Float32Array;
  const m = new Float32Array(sh.B * sh.nOut);
  const loss = faustSignal(h, sig['global.label'] as Uint8Array, sig['layer.local'] as FaustLocal, sh, p, m, ops);
  reluLayerUpdate(sig, sh, m, grad, ops);
  return loss;
}

/** Spiking FAUST on one layer: third factor from the spike-count output, then the three-factor update. */
export function faustLifUpdate(sig: SignalContext, sh: Shape, p: FaustParams, k: Kernel, grad: Grad, ops: BatchedOps): number {
  const m = new Float32Array(sh.B * sh.nOut);
  const loss = faustSignal(sig['post.trace'] as Float32Array, sig['global.label'] as Uint8Array, sig['layer.local'] as FaustLocal, sh, p, m, ops);
  threeFactorUpdate(sig, sh, m, k, grad, ops);
  return loss;
}
