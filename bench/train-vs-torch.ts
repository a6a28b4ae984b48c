// SPDX-License-Identifier: MIT
/**
 * Side-by-side training speed: one epoch of rate-mode FAUST (784-500-500, batch 50, Adam) on the
 * embedded MNIST training split in ffsnn and in PyTorch on the CPU (bench/torch/faust.py, the same
 * model on the same data, exported to a temp file), in one run on this machine. Prints samples/s of
 * both and the ratio ffsnn / PyTorch, then samples/s of spiking FAUST training (the default
 * `ffsnn train` model) and the batched-ops backend that ran (default 'auto': the WebAssembly SIMD
 * products without a GPU). Last, the same rate epoch on the plain-JS ops ('cpu'), the path of a
 * runtime without wasm SIMD, with its ratio to the fastest PyTorch.
 *
 * usage: node --import tsx bench/train-vs-torch.ts [--torch-threads N (besides 1; default 2)] [--spiking-samples N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEmbeddedMnist } from '../src/data/mnist-embedded.js';
import { fractionOf } from '../src/data/dataset.js';
import { resolveConfig } from '../src/train/config.js';
import { runEpoch, startRun } from '../src/train/trainer.js';
import { createOps } from '../src/sim/batched/create-ops.js';

const { values } = parseArgs({ options: { 'torch-threads': { type: 'string', default: '2' }, 'spiking-samples': { type: 'string', default: '1000' } } });
const threads = Number(values['torch-threads']);
const data = loadEmbeddedMnist();
const train = data.train!;
const ops = await createOps();

// PyTorch input file
const file = join(mkdtempSync(join(tmpdir(), 'ffsnn-bench-')), 'mnist.bin');
const head = Buffer.alloc(12);
head.writeInt32LE(train.n, 0);
head.writeInt32LE(data.test.n, 4);
head.writeInt32LE(data.dim, 8);
const f32 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
writeFileSync(file, Buffer.concat([head, f32(train.x), Buffer.from(train.y), f32(data.test.x), Buffer.from(data.test.y)]));

const rateRun = startRun(resolveConfig({ neuron: 'rate', epochs: 1 }));
const m = runEpoch(rateRun, train, data.test, ops);
console.log(`ffsnn   rate FAUST 784-500-500, 1 epoch of ${train.n}: ${m.samples_per_s.toFixed(0)} samples/s (test accuracy ${(100 * m.test_accuracy).toFixed(2)}%, backend ${ops.backends.accumulateInput})`);

// Torch at 1 thread and at --torch-threads: on a loaded 2-core machine OpenMP threads that spin can
// make 2 threads far slower than 1, so both are printed and the ratio is taken against the faster.
let best = 0;
for (const th of [...new Set([1, threads])]) {
  const py = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'torch', 'faust.py'), file, '1', String(th)], { encoding: 'utf8' });
  if (py.status !== 0) {
    console.log(`PyTorch run (${th} threads) failed: ${py.stderr.trim().split('\n').pop()}`);
    continue;
  }
  const t = JSON.parse(py.stdout.trim().split('\n').pop()!);
  best = Math.max(best, t.samples_per_s);
  console.log(`PyTorch ${t.torch} CPU, ${t.torch_threads} thread(s), same model, 1 epoch: ${t.samples_per_s.toFixed(0)} samples/s (test accuracy ${(100 * t.test_accuracy).toFixed(2)}%)`);
}
if (best > 0) console.log(`ratio ffsnn / fastest PyTorch: ${(m.samples_per_s / best).toFixed(2)} (target >= 1)`);

const n = Number(values['spiking-samples']);
const spikeCfg = resolveConfig({ epochs: 1 });
const sub = fractionOf(train, data.dim, 10, Math.min(1, n / train.n));
const s = runEpoch(startRun(spikeCfg), sub, { x: data.test.x.subarray(0, 200 * data.dim), y: data.test.y.subarray(0, 200), n: 200 }, ops);
console.log(`ffsnn   spiking FAUST (default: ${spikeCfg.sizes.join('-')} LIF, T=${spikeCfg.steps}), ${sub.n} samples: ${s.samples_per_s.toFixed(0)} samples/s, backend ${JSON.stringify(ops.backends)}`);
await ops.dispose();

// the plain-JS ops, same rate epoch
{
  const pops = await createOps({ backend: 'cpu' });
  const w = runEpoch(startRun(resolveConfig({ neuron: 'rate', epochs: 1 })), train, data.test, pops);
  console.log(`ffsnn   rate FAUST 784-500-500, 1 epoch of ${train.n}: ${w.samples_per_s.toFixed(0)} samples/s (test accuracy ${(100 * w.test_accuracy).toFixed(2)}%, backend ${pops.backends.accumulateInput})`);
  if (best > 0) console.log(`ratio ffsnn plain JS / fastest PyTorch: ${(w.samples_per_s / best).toFixed(2)}`);
  await pops.dispose();
}
