// SPDX-License-Identifier: MIT
/**
 * Latency to a decision of a spiking network: the class scores are read after every time step from
 * the spikes so far (the same readout as the final decision, on the running layer outputs), and a
 * sample's latency is the first step from which the running argmax never changes again (1-based,
 * so a network decided at the first step has latency 1 and one never settled before the end, T).
 */
import type { Split } from '../../data/dataset.js';
import { overlayLabel } from '../../plasticity/ff.js';
import { activityWeights, encodeBatch, forwardLif, layerSizes, type Model } from '../../plasticity/model.js';
import type { BatchedOps } from '../../sim/batched/ops.js';
import type { Rng } from '../../sim/rng.js';
import { addScores, argmaxRows } from '../inference.js';

export interface DecisionLatency {
  steps: number;
  samples: number;
  /** Mean over samples of the step (1..steps) from which the decision stays final. */
  mean_steps: number;
  /** Same, as a fraction of the presentation. */
  mean_fraction: number;
}

export function decisionLatency(model: Model, split: Split, n: number, rng: Rng, ops: BatchedOps, batch = 100): DecisionLatency {
  const c = model.config;
  const sizes = layerSizes(c);
  const dim = sizes[0];
  const C = c.classes;
  const T = c.steps;
  const w = activityWeights(c);
  n = Math.min(n, split.n);
  let total = 0;
  for (let s = 0; s < n; s += batch) {
    const B = Math.min(batch, n - s);
    const x = split.x.subarray(s * dim, (s + B) * dim);
    // scores[t]: class scores from the spikes of steps 0..t
    const scores = Array.from({ length: T }, () => new Float32Array(B * C));
    const passes = c.rule === 'ff' ? C : 1;
    for (let cand = 0; cand < passes; cand++) {
      const xi = Float32Array.from(x);
      if (c.rule === 'ff') for (let b = 0; b < B; b++) overlayLabel(xi, dim, b, cand, C);
      const recs = forwardLif(model, encodeBatch(c, xi, B, dim, rng), B, false, ops);
      const running = recs.map((r) => new Float32Array(r.h.length));
      for (let t = 0; t < T; t++) {
        recs.forEach((r, l) => {
          const st = r.spikes[t];
          for (let i = 0; i < st.length; i++) if (st[i] !== 0) running[l][i] += w[t];
        });
        addScores(model, running, B, scores[t], ops, cand);
      }
    }
    const preds = scores.map((sc) => argmaxRows(sc, B, C));
    for (let b = 0; b < B; b++) {
      let t = T - 1;
      while (t > 0 && preds[t - 1][b] === preds[T - 1][b]) t--;
      total += t + 1;
    }
  }
  const mean = n ? total / n : NaN;
  return { steps: T, samples: n, mean_steps: mean, mean_fraction: mean / T };
}
