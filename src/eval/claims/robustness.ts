// SPDX-License-Identifier: MIT
/**
 * Accuracy under perturbation (the FAUST paper's open question on noise): input noise (Gaussian,
 * salt-and-pepper), synaptic weight noise, and dropped events (each spike, or nonzero rate value,
 * arriving at a projection is lost with probability p). Every condition scores the same first `n`
 * test samples with the same input encoding stream, so only the perturbation differs.
 */
import type { Split } from '../../data/dataset.js';
import type { Model } from '../../plasticity/model.js';
import type { BatchedOps } from '../../sim/batched/ops.js';
import { Rng } from '../../sim/rng.js';
import { accuracyOf, scoreSplit } from '../inference.js';

export type Perturbation = 'gaussian' | 'salt-pepper' | 'weight' | 'drop';

/** The levels measured: Gaussian sigma (pixels in [0,1]), pixel flip probability, weight sigma relative to the layer's RMS weight, drop probability. */
export const LEVELS: Record<Perturbation, number[]> = {
  gaussian: [0.1, 0.2, 0.4],
  'salt-pepper': [0.05, 0.1, 0.2],
  weight: [0.25, 0.5, 1],
  drop: [0.1, 0.2, 0.4],
};

export interface Robustness {
  samples: number;
  clean: number;
  /** accuracy[kind][i] at LEVELS[kind][i] */
  accuracy: Record<Perturbation, number[]>;
}

function noisyInputs(split: Split, dim: number, kind: 'gaussian' | 'salt-pepper', level: number, rng: Rng): Split {
  const x = Float32Array.from(split.x);
  for (let i = 0; i < x.length; i++) {
    if (kind === 'gaussian') x[i] = Math.min(1, Math.max(0, x[i] + level * rng.normal()));
    else if (rng.uniform() < level) x[i] = rng.uniform() < 0.5 ? 0 : 1;
  }
  return { x, y: split.y, n: split.n };
}

function noisyWeights(model: Model, level: number, rng: Rng): Model {
  const W = model.state.W.map((w) => {
    const rms = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    return w.map((v) => v + level * rms * rng.normal());
  });
  return { config: model.config, state: { ...model.state, W } };
}

/** Ops whose synaptic input loses each incoming event with probability p. */
function droppingOps(ops: BatchedOps, p: number, rng: Rng): BatchedOps {
  const o: BatchedOps = Object.create(ops);
  o.accumulateInput = (x, B, nIn, W, nOut, out) => {
    const kept = Float32Array.from(x.subarray(0, B * nIn));
    for (let i = 0; i < kept.length; i++) if (kept[i] !== 0 && rng.uniform() < p) kept[i] = 0;
    return ops.accumulateInput(kept, B, nIn, W, nOut, out);
  };
  return o;
}

export function robustness(model: Model, test: Split, dim: number, n: number, seed: number, ops: BatchedOps): Robustness {
  n = Math.min(n, test.n);
  const split: Split = { x: test.x.subarray(0, n * dim), y: test.y.subarray(0, n), n };
  const root = new Rng(seed).fork('robustness');
  // the same encoding stream for every condition
  const acc = (m: Model, s: Split, o: BatchedOps = ops) => accuracyOf(scoreSplit(m, s, root.fork('encode'), o).predictions, s.y);
  const accuracy = {} as Record<Perturbation, number[]>;
  for (const kind of Object.keys(LEVELS) as Perturbation[]) {
    accuracy[kind] = LEVELS[kind].map((level) => {
      const r = root.fork(`${kind}-${level}`);
      if (kind === 'weight') return acc(noisyWeights(model, level, r), split);
      if (kind === 'drop') return acc(model, split, droppingOps(ops, level, r));
      return acc(model, noisyInputs(split, dim, kind, level, r));
    });
  }
  return { samples: n, clean: acc(model, split), accuracy };
}
