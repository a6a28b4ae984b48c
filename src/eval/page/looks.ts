// SPDX-License-Identifier: MIT
/**
 * What the report shows of each network beyond the claims figures: spike rasters of a few test
 * digits through every layer, per-neuron firing rates, a 2-D PCA of the last hidden layer and
 * weight histograms. Computed from the checkpoint with the same forward passes as inference.
 */
import type { Dataset } from '../../data/dataset.js';
import { modelOf } from '../../io/checkpoint.js';
import { populationNames } from '../../io/to-ir.js';
import { encodeBatch, forwardLif, layerSizes } from '../../plasticity/model.js';
import type { BatchedOps } from '../../sim/batched/ops.js';
import { Rng } from '../../sim/rng.js';
import type { Run } from '../claims/runs.js';
import { hiddenOutputs, pca2 } from '../claims/representations.js';

export interface Looks {
  /** Spiking runs: spikes {digit (its label), layer, t, neuron} of `digits` test samples, input included. */
  raster: { digit: string; layer: string; depth: number; t: number; neuron: number }[] | null;
  steps: number;
  /** Per hidden layer and neuron: spikes per time step (spiking) or share of samples it is active on (rate). */
  rates: { layer: string; rate: number }[];
  rateUnit: string;
  pca: { x: number; y: number; label: string }[];
  pcaExplained: [number, number];
  pcaLayer: string;
  /** Per projection, 40-bin histogram of the weights. */
  weights: { projection: string; lo: number; hi: number; count: number }[];
}

/** Spikes per layer drawn in a raster (all digits together), so the page stays small. */
const MAX_RASTER_SPIKES = 1500;

/** The first test sample of each of the first `k` classes, so the rasters show different digits. */
function digitRows(y: Uint8Array, n: number, k: number): number[] {
  const rows: number[] = [];
  for (let c = 0; c < k; c++) {
    const i = y.findIndex((v, j) => j < n && v === c);
    if (i >= 0) rows.push(i);
  }
  return rows;
}

function histogram(w: Float32Array, bins: number): { lo: number; hi: number; count: number }[] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of w) (min = Math.min(min, v)), (max = Math.max(max, v));
  if (!(max > min)) max = min + 1;
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of w) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  return counts.map((count, b) => ({ lo: min + b * width, hi: min + (b + 1) * width, count }));
}

export function lookAt(run: Run, data: Dataset, ops: BatchedOps, samples: number, digits = 3): Looks {
  const model = modelOf(run.ck);
  const c = model.config;
  const sizes = layerSizes(c);
  const names = populationNames(model);
  const rng = new Rng(run.ck.config.seed).fork('report');
  const dim = data.dim;
  let raster: Looks['raster'] = null;
  if (c.neuron === 'lif') {
    const rows = digitRows(data.test.y, data.test.n, digits);
    const x = new Float32Array(rows.length * dim);
    rows.forEach((i, r) => x.set(data.test.x.subarray(i * dim, (i + 1) * dim), r * dim));
    const frames = encodeBatch(c, x, rows.length, dim, rng.fork('raster'));
    const recs = forwardLif(model, frames, rows.length, false, ops);
    raster = [];
    const layers = [frames, ...recs.map((r) => r.spikes)];
    layers.forEach((fr, l) => {
      const n = sizes[l];
      // every k-th neuron only where the layer spikes more than the page can carry (said in its label)
      const spikes = fr.reduce((a, f) => a + f.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0), 0);
      const k = Math.max(1, Math.ceil(spikes / MAX_RASTER_SPIKES));
      const layer = k > 1 ? `${names[l]} (every ${k}th neuron)` : names[l];
      fr.forEach((f, t) => {
        for (let r = 0; r < rows.length; r++) {
          for (let j = 0; j < n; j += k) if (f[r * n + j] !== 0) raster!.push({ digit: `digit ${data.test.y[rows[r]]}`, layer, depth: l, t, neuron: j });
        }
      });
    });
  }
  const n = Math.min(samples, data.test.n);
  const hs = hiddenOutputs(model, data.test, n, rng.fork('rates'), ops);
  const rates = hs.flatMap((h, l) => {
    const size = sizes[l + 1];
    const r = new Float64Array(size);
    for (let i = 0; i < n; i++) for (let j = 0; j < size; j++) r[j] += c.neuron === 'lif' ? h[i * size + j] / c.steps / n : h[i * size + j] > 0 ? 1 / n : 0;
    return Array.from(r, (rate) => ({ layer: names[l + 1], rate }));
  });
  const last = hs.length - 1;
  const lastSize = sizes[last + 1];
  const p = pca2(hs[last], n, lastSize, rng.fork('pca'), 60);
  return {
    raster,
    steps: c.neuron === 'lif' ? c.steps : 1,
    rates,
    rateUnit: c.neuron === 'lif' ? 'spikes per neuron per time step' : 'share of samples the neuron is active on',
    pca: Array.from(p.x, (x, i) => ({ x, y: p.y[i], label: String(data.test.y[i]) })),
    pcaExplained: p.explained,
    pcaLayer: names[last + 1],
    weights: run.ck.state.W.flatMap((w, l) => histogram(w, 40).map((b) => ({ projection: `${names[l]}->${names[l + 1]}`, ...b }))),
  };
}
