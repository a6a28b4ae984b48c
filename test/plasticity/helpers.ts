// SPDX-License-Identifier: MIT
/** Tiny models and batches for the plasticity tests. */
import { resolveConfig } from '../../src/train/config.js';
import { encodeBatch, forwardLif, forwardRate, initModel, type Model } from '../../src/plasticity/model.js';
import type { BatchRecord } from '../../src/plasticity/rules.js';
import type { RunConfig } from '../../src/io/run-config.js';
import { Rng } from '../../src/sim/rng.js';

export function tinyModel(over: Partial<RunConfig>, seed = 3): Model {
  const config = resolveConfig({ sizes: [12, 8, 6], classes: 3, steps: 6, inputRate: 0.8, ...over });
  return initModel(config, new Rng(seed).fork('init'));
}

export function tinyBatch(model: Model, B = 6, seed = 5): BatchRecord {
  const c = model.config;
  const rng = new Rng(seed);
  const dim = c.sizes[0];
  const x = new Float32Array(B * dim).map(() => (rng.uniform() < 0.5 ? rng.uniform() : 0));
  const y = Uint8Array.from({ length: B }, (_, b) => b % c.classes);
  const phase = Int8Array.from({ length: B }, (_, b) => (b < B / 2 ? 1 : -1));
  const rec: BatchRecord = { B, y, phase };
  if (c.neuron === 'rate') rec.rate = forwardRate(model, x, B);
  else rec.lif = forwardLif(model, encodeBatch(c, x, B, dim, rng.fork('enc')), B, true);
  return rec;
}

export function gradsFor(model: Model) {
  return model.state.W.map((w, l) => ({ dW: new Float32Array(w.length), db: new Float32Array(model.state.b[l].length) }));
}
