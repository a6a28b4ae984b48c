// SPDX-License-Identifier: MIT
/**
 * Instrumented Forward-Forward runs: after every epoch, on 200 held-out digits with the true label
 * (positive) and a wrong one (negative) overlaid, per layer the firing rate (spikes per neuron per
 * step), the share of silent neurons, the mean goodness of positives and negatives against theta,
 * the share of samples on the right side of theta, and the test accuracy.
 *
 *   node --import tsx bench/ff-diagnose.ts [train flags as for `ffsnn train`, e.g. --neuron lif --epochs 2 --train-fraction 0.1]
 */
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/index.js';
import { fractionOf, takeRows } from '../src/data/dataset.js';
import { goodness, overlayLabel } from '../src/plasticity/ff.js';
import { encodeBatch, forwardLif, forwardRate, layerSizes } from '../src/plasticity/model.js';
import { cpuOps } from '../src/sim/batched/ops.js';
import { createOps } from '../src/sim/batched/create-ops.js';
import { Rng } from '../src/sim/rng.js';
import { resolveConfig } from '../src/train/config.js';
import { runEpoch, startRun } from '../src/train/trainer.js';
import type { RunConfig } from '../src/io/run-config.js';

const { values: o } = parseArgs({
  options: {
    neuron: { type: 'string', default: 'lif' },
    epochs: { type: 'string', default: '2' },
    'train-fraction': { type: 'string', default: '1' },
    'ff-theta': { type: 'string' },
    lr: { type: 'string' },
    hidden: { type: 'string', default: '500,500' },
    steps: { type: 'string' },
    'init-scale': { type: 'string' },
    seed: { type: 'string', default: '1' },
    'test-rows': { type: 'string', default: '500' },
  },
});

const data = loadDataset('mnist-embedded', true);
const partial: Partial<RunConfig> = {
  rule: 'ff',
  neuron: o.neuron as 'lif' | 'rate',
  epochs: Number(o.epochs),
  trainFraction: Number(o['train-fraction']),
  sizes: [data.dim, ...o.hidden!.split(',').map(Number)],
  seed: Number(o.seed),
};
if (o['ff-theta']) partial.ffTheta = Number(o['ff-theta']);
if (o.lr) partial.lr = Number(o.lr);
if (o.steps) partial.steps = Number(o.steps);
if (o['init-scale']) partial.initScale = Number(o['init-scale']);
const config = resolveConfig(partial);
const ops = await createOps({});
const run = startRun(config);
const train = fractionOf(data.train!, data.dim, data.classes, config.trainFraction);
const probe = takeRows(data.test, data.dim, Array.from({ length: 200 }, (_, i) => i));
// accuracy on the first --test-rows test digits (FF scores 10 passes per digit)
const test = takeRows(data.test, data.dim, Array.from({ length: Math.min(data.test.n, Number(o['test-rows'])) }, (_, i) => i));

function probeStats(): string[] {
  const { model } = run;
  const sizes = layerSizes(config);
  const B = probe.n;
  const dim = data.dim;
  const C = data.classes;
  const stats = (neg: boolean) => {
    const rng = new Rng(99); // the same image spikes for positives and negatives
    const x = Float32Array.from(probe.x);
    for (let b = 0; b < B; b++) overlayLabel(x, dim, b, neg ? (probe.y[b] + 1 + (b % (C - 1))) % C : probe.y[b], C);
    const hs =
      config.neuron === 'rate'
        ? forwardRate(model, x, B, cpuOps).map((r) => ({ h: r.h, rate: NaN }))
        : forwardLif(model, encodeBatch(config, x, B, dim, rng), B, false, cpuOps).map((r) => ({ h: r.h, rate: r.spikeCount / (B * r.h.length / B) / config.steps }));
    return hs.map(({ h, rate }, l) => {
      const n = sizes[l + 1];
      const G = goodness(h, B, n, new Float64Array(B));
      let silent = 0;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let b = 0; b < B; b++) s += h[b * n + j];
        if (s === 0) silent++;
      }
      return { G, rate, silent: silent / n };
    });
  };
  const pos = stats(false);
  const neg = stats(true);
  const theta = config.ffTheta;
  return pos.map((p, l) => {
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const right = (p.G.filter((g) => g > theta).length + neg[l].G.filter((g) => g < theta).length) / (2 * p.G.length);
    const sep = p.G.filter((g, b) => g > neg[l].G[b]).length / p.G.length;
    return `  layer ${l + 1}: rate ${p.rate.toFixed(3)}/${neg[l].rate.toFixed(3)} (pos/neg spikes per neuron per step), silent ${(100 * p.silent).toFixed(1)} %, G+ ${mean(p.G).toFixed(3)} G- ${mean(neg[l].G).toFixed(3)} (theta ${theta}), right side of theta ${(100 * right).toFixed(1)} %, G+ > G- ${(100 * sep).toFixed(1)} %`;
  });
}

console.log(`spiking FF diagnosis: ${config.neuron}, ${config.sizes.join('-')}, ${train.n} training rows, theta ${config.ffTheta}, lr ${config.lr}, steps ${config.steps}`);
console.log('epoch 0 (init)');
for (const s of probeStats()) console.log(s);
for (let e = 0; e < config.epochs; e++) {
  const m = runEpoch(run, train, test, ops);
  console.log(`epoch ${e + 1}: loss ${m.loss.toFixed(4)} (per layer ${m.layer_loss.map((v) => v.toFixed(4)).join(', ')}), test accuracy (${test.n} digits) ${(100 * m.test_accuracy).toFixed(2)} %`);
  for (const s of probeStats()) console.log(s);
}
await ops.dispose();
