// SPDX-License-Identifier: MIT
/**
 * Spike-by-spike check of ffsnn's CUBA against Brian2 on the SAME network: ffsnn draws the
 * connectivity and initial v, Brian2 (bench/brian2/cuba_brian.py --net) simulates that network,
 * and the two spike trains are compared step by step. CUBA is chaotic, so float64 rounding
 * differences eventually flip a spike; the figure of interest is how long the trains stay equal.
 *
 *   node --import tsx bench/cuba-spike-check.ts [--n 4000] [--seed 12345] [--target numpy]
 */
import { parseArgs } from 'node:util';
import { brianSpikesOnSameNetwork } from './brian2/same-network.js';
import { buildCuba } from '../src/sim/cuba.js';
import { EventDrivenEngine } from '../src/sim/engine.js';
import { SpikeMonitor } from '../src/sim/monitors.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '4000' }, seed: { type: 'string', default: '12345' }, target: { type: 'string', default: 'numpy' } } });
const n = Number(values.n);
const net = buildCuba({ n, seed: Number(values.seed) });
const brian = brianSpikesOnSameNetwork(net, n, { target: values.target!, showErrors: true });

const engine = new EventDrivenEngine(net);
const mon = engine.addMonitor(new SpikeMonitor('P'));
engine.run(10000);
const key = (t: number, k: number) => t * n + k;
const ours = new Set<number>();
for (let q = 0; q < mon.total; q++) ours.add(key(mon.steps[q], mon.indices[q]));
const theirs = new Set<number>();
for (let q = 0; q < brian.i.length; q++) theirs.add(key(brian.t[q], brian.i[q]));
let firstDiff = Infinity;
for (const k of ours) if (!theirs.has(k)) firstDiff = Math.min(firstDiff, Math.floor(k / n));
for (const k of theirs) if (!ours.has(k)) firstDiff = Math.min(firstDiff, Math.floor(k / n));
const before = (s: Set<number>) => [...s].filter((k) => Math.floor(k / n) < firstDiff).length;
console.log(JSON.stringify({
  n, seed: Number(values.seed), brian_target: values.target,
  ffsnn_spikes: mon.total, brian_spikes: brian.i.length,
  identical_until_ms: Number.isFinite(firstDiff) ? firstDiff * 0.1 : 1000,
  identical_spikes_before_divergence: before(ours),
}));
