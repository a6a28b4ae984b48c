// SPDX-License-Identifier: MIT
/**
 * Spiking training before and after the AssemblyScript SIMD kernels (src/sim/batched/spiking.as.ts),
 * in one run: one epoch of spiking FAUST (the default `ffsnn train` model) and of spiking BPTT
 * (`--rule bp`) on a subset of the embedded digits, each run in a fresh process, rounds
 * interleaved so both see the same machine load.
 *
 * - baseline 'js-loops': the 'wasm-simd' products (accumulateInput, outerAccumulate,
 *   backwardInput, Adam, normalisation) with the per-step loops in plain JS, as before the kernels
 *   (LIF step + surrogate, bias, spike counting, three-factor filters, BPTT filters);
 * - 'wasm-simd': the same ops with those loops in the SIMD kernels (what `auto` runs without a GPU).
 *
 * Prints training samples/s of each (wall clock, and per CPU second of the process, which other load
 * on a shared machine changes least) and the ratio wasm-simd / js-loops per CPU second (median over rounds).
 *
 *   node --import tsx bench/spiking-kernels.ts [--quick] [--reps N] [--samples N]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fractionOf } from '../src/data/dataset.js';
import { loadEmbeddedMnist } from '../src/data/mnist-embedded.js';
import { createWasmSimdOps } from '../src/sim/batched/wasm-ops.js';
import { bpttLayerBackwardWith, cpuOps, lifLayerForwardWith, threeFactorAccumulateWith, type BatchedOps } from '../src/sim/batched/ops.js';
import { resolveConfig } from '../src/train/config.js';
import { runEpoch, startRun } from '../src/train/trainer.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reps: { type: 'string' },
    samples: { type: 'string' },
    child: { type: 'string' }, // internal: "<ops>:<rule>", one epoch printed as JSON
  },
});
const samples = Number(values.samples ?? (values.quick ? 500 : 2000));
const reps = Number(values.reps ?? (values.quick ? 1 : 3));

/** The 'wasm-simd' ops with the per-step loops of spiking training in plain JS (the state before the kernels). */
function jsLoops(): BatchedOps {
  const w = createWasmSimdOps();
  const ops: BatchedOps = {
    ...w,
    lifStep: cpuOps.lifStep,
    traceUpdate: cpuOps.traceUpdate,
    lifLayerForward: (...a) => lifLayerForwardWith(ops, ...a),
    threeFactorAccumulate: (...a) => threeFactorAccumulateWith(ops, ...a),
    bpttLayerBackward: (...a) => bpttLayerBackwardWith(ops, ...a),
    backends: { ...w.backends, lifStep: 'cpu-js', traceUpdate: 'cpu-js', lifLayerForward: 'cpu-js', threeFactorAccumulate: 'cpu-js', bpttLayerBackward: 'cpu-js' },
  };
  return ops;
}

if (values.child) {
  const [which, rule] = values.child.split(':');
  const data = loadEmbeddedMnist();
  const train = fractionOf(data.train!, data.dim, 10, Math.min(1, samples / data.train!.n));
  const test = { x: data.test.x.subarray(0, 200 * data.dim), y: data.test.y.subarray(0, 200), n: 200 };
  const ops = which === 'js-loops' ? jsLoops() : createWasmSimdOps();
  const run = startRun(resolveConfig({ rule: rule as 'faust' | 'bp', epochs: 1 }));
  const c0 = process.cpuUsage();
  const m = runEpoch(run, train, test, ops);
  const c = process.cpuUsage(c0);
  // CPU time of the epoch (its 200-digit test pass included): what other load on the machine changes least
  console.log(JSON.stringify({ samples_per_s: m.samples_per_s, samples_per_cpu_s: train.n / ((c.user + c.system) / 1e6), n: train.n }));
  process.exit(0);
}

function child(which: string, rule: string): { samples_per_s: number; samples_per_cpu_s: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', `${which}:${rule}`, '--samples', String(samples)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child ${which}:${rule} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
console.log(`spiking training (784-500-500 LIF, T=14, batch 50), one epoch of ${samples} digits per run, fresh processes, ${reps} interleaved round(s); machine shared, compare ratios`);
const summary: string[] = [];
for (const rule of ['faust', 'bp']) {
  const ratios: number[] = [];
  for (let r = 1; r <= reps; r++) {
    const before = child('js-loops', rule);
    const after = child('wasm-simd', rule);
    ratios.push(after.samples_per_cpu_s / before.samples_per_cpu_s);
    const fmt = (x: { samples_per_s: number; samples_per_cpu_s: number }) => `${x.samples_per_s.toFixed(0)} samples/s (${x.samples_per_cpu_s.toFixed(0)} per CPU s)`;
    console.log(`${rule} round ${r}: js-loops ${fmt(before)}, wasm-simd ${fmt(after)}, ratio per CPU s ${ratios[ratios.length - 1].toFixed(2)}, per wall s ${(after.samples_per_s / before.samples_per_s).toFixed(2)}`);
  }
  summary.push(`${rule} ${median(ratios).toFixed(2)}x`);
}
console.log(`spiking training, wasm-simd kernels / js-loops baseline (samples per CPU s, median): ${summary.join(', ')}`);
