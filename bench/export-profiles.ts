// SPDX-License-Identifier: MIT
/**
 * Figures for every hardware profile on one network: fits, cores, chips, energy per inference,
 * float vs quantised accuracy (bit-accurate chip models), and the cost of the quantised simulation
 * against the float IR simulator measured in the same run (baseline).
 *
 * usage: node --import tsx bench/export-profiles.ts CHECKPOINT|BUNDLE|NIR [--samples N] [--json]
 */
import { performance } from 'node:perf_hooks';
import { loadDataset } from '../src/data/index.js';
import { measureCounts } from '../src/chips/counts.js';
import { mapNetwork } from '../src/chips/map.js';
import { listProfileNames, loadProfile } from '../src/chips/profile.js';
import { encodeSample } from '../src/ir/inference.js';
import { evaluateQuantized } from '../src/chips/evaluate.js';
import { simulateQuantized } from '../src/chips/simulate.js';
import { quantizeNetwork } from '../src/chips/quantize.js';
import { simulateIR } from '../src/ir/simulate.js';
import { Rng } from '../src/sim/rng.js';
import { loadNetwork } from '../src/cli/load-network.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: bench/export-profiles.ts CHECKPOINT [--samples N] [--json]');
  process.exit(2);
}
const si = args.indexOf('--samples');
const samples = si >= 0 ? Number(args[si + 1]) : 200;
const { net } = await loadNetwork(file);
const ds = loadDataset('mnist-embedded', false);
const split = { ...ds.test, dim: ds.dim };
const counts = measureCounts(net, { ...split, name: ds.name }, { samples: Math.min(samples, 50), seed: 1 });
const rows: Record<string, unknown>[] = [];
for (const name of listProfileNames()) {
  const profile = loadProfile(name);
  const map = mapNetwork(net, profile, counts);
  const row: Record<string, unknown> = {
    profile: name,
    fits: map.fits,
    cores: map.cores,
    chips: map.chips,
    energy_uJ: map.energy?.microjoules ?? null,
    energy_confidence: map.energy ? [...new Set(map.energy.components.map((c) => c.confidence))].join('/') : null,
    refused: map.refused?.message,
  };
  if (map.fits && (profile.family === 'loihi' || profile.family === 'spinnaker')) {
    const q = quantizeNetwork(net, profile);
    const r = evaluateQuantized(net, profile, split, { samples, seed: 1, quantized: q });
    Object.assign(row, { samples: r.samples, float_acc: r.floatAccuracy, quant_acc: r.quantizedAccuracy, agreement: r.agreement });
    // Cost per sample: float IR simulator (baseline) vs the bit-accurate quantised simulation.
    const frames = encodeSample(net, split.x.subarray(0, split.dim), new Rng(3));
    const time = (f: () => void, n = 5) => {
      f();
      const t0 = performance.now();
      for (let k = 0; k < n; k++) f();
      return (performance.now() - t0) / n;
    };
    const tf = time(() => simulateIR(net, frames.length, (t) => frames[t]));
    const tq = time(() => simulateQuantized(net, q, frames));
    Object.assign(row, { float_ms_per_sample: +tf.toFixed(2), quant_ms_per_sample: +tq.toFixed(2), quant_vs_float: +(tq / tf).toFixed(2) });
  }
  rows.push(row);
}
if (args.includes('--json')) console.log(JSON.stringify({ network: net.name, counts, rows }, null, 2));
else {
  console.log(`network ${net.name}; counts per inference from the ${counts.from}:`);
  console.log(`  spikes ${counts.spikes.toFixed(1)}, input events ${counts.inputEvents.toFixed(1)}, synaptic events ${counts.synapticEvents.toFixed(0)}, neuron updates ${counts.neuronUpdates}`);
  console.log('(timings taken while other work may have been running)');
  for (const r of rows) console.log(JSON.stringify(r));
}
