// SPDX-License-Identifier: MIT
/**
 * What the hidden layers represent: their outputs on a split, the mean cosine similarity between
 * the representations of each pair of classes, a linear probe per layer and a PCA projection.
 *
 * Hidden outputs are what the rules see: spike counts (spiking) or ReLU activations (rate). FF is
 * read in one label-free pass (the label inputs set to zero), so no label leaks into the layers;
 * BP's output layer is not a hidden layer and is left out.
 */
import type { Split } from '../../data/dataset.js';
import { encodeBatch, forwardLif, forwardRate, layerSizes, type Model } from '../../plasticity/model.js';
import type { BatchedOps } from '../../sim/batched/ops.js';
import type { Rng } from '../../sim/rng.js';
import { ConfigError } from '../../errors.js';

/** Per hidden layer, the outputs [n][size] of the first `n` rows of `split`. */
export function hiddenOutputs(model: Model, split: Split, n: number, rng: Rng, ops: BatchedOps, batch = 200): Float32Array[] {
  const c = model.config;
  const sizes = layerSizes(c);
  const hidden = c.rule === 'bp' ? sizes.length - 2 : sizes.length - 1;
  const dim = sizes[0];
  n = Math.min(n, split.n);
  const outs = Array.from({ length: hidden }, (_, l) => new Float32Array(n * sizes[l + 1]));
  for (let s = 0; s < n; s += batch) {
    const B = Math.min(batch, n - s);
    const x = Float32Array.from(split.x.subarray(s * dim, (s + B) * dim));
    if (c.rule === 'ff') for (let b = 0; b < B; b++) x.fill(0, b * dim, b * dim + c.classes);
    const hs = c.neuron === 'rate' ? forwardRate(model, x, B, ops, hidden).map((r) => r.h) : forwardLif(model, encodeBatch(c, x, B, dim, rng), B, false, ops, hidden).map((r) => r.h);
    hs.forEach((h, l) => outs[l].set(h.subarray(0, B * sizes[l + 1]), s * sizes[l + 1]));
  }
  return outs;
}

export interface ClassSimilarity {
  /** matrix[c][d]: mean cosine between samples of class c and of class d (diagonal: distinct pairs). */
  matrix: number[][];
  same: number;
  other: number;
}

/** Mean cosine similarity within and between classes (a silent sample counts as cosine 0). */
export function classSimilarity(h: Float32Array, y: Uint8Array, n: number, size: number, classes: number): ClassSimilarity {
  const sums = Array.from({ length: classes }, () => new Float64Array(size));
  const count = new Float64Array(classes);
  const selfDot = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < size; j++) norm += h[i * size + j] ** 2;
    count[y[i]]++;
    if (norm === 0) continue;
    const inv = 1 / Math.sqrt(norm);
    const s = sums[y[i]];
    for (let j = 0; j < size; j++) s[j] += h[i * size + j] * inv;
    selfDot[y[i]] += 1;
  }
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((acc, v, j) => acc + v * b[j], 0);
  const matrix = Array.from({ length: classes }, (_, a) =>
    Array.from({ length: classes }, (_, b) => {
      if (a === b) return count[a] > 1 ? (dot(sums[a], sums[a]) - selfDot[a]) / (count[a] * (count[a] - 1)) : NaN;
      return count[a] && count[b] ? dot(sums[a], sums[b]) / (count[a] * count[b]) : NaN;
    }),
  );
  const mean = (v: number[]) => {
    const f = v.filter(Number.isFinite);
    return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
  };
  return {
    matrix,
    same: mean(matrix.map((r, a) => r[a])),
    other: mean(matrix.flatMap((r, a) => r.filter((_, b) => b !== a))),
  };
}

/** Mean and standard deviation per feature (std 1 for a constant feature). */
function standardiser(h: Float32Array, n: number, d: number): { mu: Float64Array; sd: Float64Array } {
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += h[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j] += (h[i * d + j] - mu[j]) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = sd[j] > 1e-12 ? Math.sqrt(sd[j]) : 1;
  return { mu, sd };
}

/** Solves the symmetric positive-definite system A X = B in place (Cholesky); A [d][d], B [d][k]. */
function choleskySolve(A: Float64Array, B: Float64Array, d: number, k: number): void {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let p = 0; p < j; p++) s -= A[j * d + p] ** 2;
    if (!(s > 0)) throw new ConfigError('linear probe: features are degenerate (matrix not positive definite)');
    const ljj = Math.sqrt(s);
    A[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let p = 0; p < j; p++) t -= A[i * d + p] * A[j * d + p];
      A[i * d + j] = t / ljj;
    }
  }
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < d; i++) {
      let t = B[i * k + c];
      for (let p = 0; p < i; p++) t -= A[i * d + p] * B[p * k + c];
      B[i * k + c] = t / A[i * d + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let t = B[i * k + c];
      for (let p = i + 1; p < d; p++) t -= A[p * d + i] * B[p * k + c];
      B[i * k + c] = t / A[i * d + i];
    }
  }
}

/**
 * Linear-probe accuracy: a ridge-regression classifier (one-hot targets, standardised features plus
 * a bias, penalty `lambda` per sample) fitted on (`hTrain`, `yTrain`) and scored on (`hTest`, `yTest`).
 * Closed form, so the figure has no optimiser settings or seed to argue about.
 */
export function linearProbe(hTrain: Float32Array, yTrain: Uint8Array, nTrain: number, hTest: Float32Array, yTest: Uint8Array, nTest: number, d: number, classes: number, lambda = 1e-2): number {
  const { mu, sd } = standardiser(hTrain, nTrain, d);
  const D = d + 1;
  const A = new Float64Array(D * D);
  const Bm = new Float64Array(D * classes);
  const row = new Float64Array(D);
  for (let i = 0; i < nTrain; i++) {
    for (let j = 0; j < d; j++) row[j] = (hTrain[i * d + j] - mu[j]) / sd[j];
    row[d] = 1;
    for (let a = 0; a < D; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = 0; b <= a; b++) A[a * D + b] += ra * row[b];
      Bm[a * classes + yTrain[i]] += ra;
    }
  }
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) A[b * D + a] = A[a * D + b];
  for (let a = 0; a < D; a++) A[a * D + a] += lambda * nTrain;
  choleskySolve(A, Bm, D, classes);
  let ok = 0;
  for (let i = 0; i < nTest; i++) {
    for (let j = 0; j < d; j++) row[j] = (hTest[i * d + j] - mu[j]) / sd[j];
    row[d] = 1;
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      let v = 0;
      for (let a = 0; a < D; a++) v += row[a] * Bm[a * classes + c];
      if (v > bestV) (bestV = v), (best = c);
    }
    if (best === yTest[i]) ok++;
  }
  return nTest ? ok / nTest : NaN;
}

/** 2-D PCA of rows h [n][d]: the projections on the two leading principal axes (power iteration, seeded). */
export function pca2(h: Float32Array, n: number, d: number, rng: Rng, iterations = 100): { x: Float64Array; y: Float64Array; explained: [number, number] } {
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += h[i * d + j] / n;
  const centred = new Float64Array(n * d);
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) total += (centred[i * d + j] = h[i * d + j] - mu[j]) ** 2;
  const axes: Float64Array[] = [];
  const proj: Float64Array[] = [];
  const explained: number[] = [];
  for (let k = 0; k < 2; k++) {
    let v = Float64Array.from({ length: d }, () => rng.normal());
    const p = new Float64Array(n);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      for (const a of axes) {
        const dot = a.reduce((s, x, j) => s + x * v[j], 0);
        for (let j = 0; j < d; j++) v[j] -= dot * a[j];
      }
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += centred[i * d + j] * v[j];
        p[i] = s;
      }
      const w = new Float64Array(d);
      for (let i = 0; i < n; i++) if (p[i] !== 0) for (let j = 0; j < d; j++) w[j] += p[i] * centred[i * d + j];
      const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
      lambda = norm;
      if (norm === 0) break;
      v = w.map((x) => x / norm);
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += centred[i * d + j] * v[j];
      p[i] = s;
    }
    axes.push(v);
    proj.push(p);
    explained.push(total > 0 ? lambda / total : 0);
  }
  return { x: proj[0], y: proj[1], explained: [explained[0], explained[1]] };
}
