// SPDX-License-Identifier: MIT
/**
 * Side-by-side training speed: one epoch of rate-mode FAUST (784-500-500, batch 50, Adam) on the
 * embedded MNIST training split in ffsnn and in PyTorch on the CPU (bench/torch/faust.py, the same
 * model on the same data, exported to a temp file), on this machine in one run.
 *
 * The two are interleaved for --reps rounds (ffsnn, PyTorch 1 thread, PyTorch --torch-threads),
 * each in a fresh process, so both pay their start-up (V8's JIT warm-up; PyTorch's first calls)
 * and a noisy neighbour slows both alike. Samples/s count training time only (not the test pass)
 * for both. Printed: each round's samples/s and ratio ffsnn / fastest PyTorch of that round,
 * and the median ratio. Then, once: samples/s of spiking FAUST training (the default `ffsnn train`
 * model) and of the rate epoch on the plain-JS ops ('cpu'), with the backends that ran.
 *
 * usage: node --import tsx bench/train-vs-torch.ts [--reps N (default 3)] [--torch-threads N (besides 1; default 2)]
 *        [--spiking-samples N (default 1000; 0 skips)] [--no-plain]
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

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    'torch-threads': { type: 'string', default: '2' },
    'spiking-samples': { type: 'string', default: '1000' },
    'no-plain': { type: 'boolean', default: false },
    child: { type: 'string' }, // internal: one ffsnn rate epoch on this backend, printed as JSON
  },
});
const data = loadEmbeddedMnist();
const train = data.train!;

/** One rate-FAUST epoch from a fresh model, on `backend`. */
async function rateEpoch(backend: string) {
  const ops = await createOps({ backend });
  const m = runEpoch(startRun(resolveConfig({ neuron: 'rate', epochs: 1 })), train, data.test, ops);
  await ops.dispose();
  return { samples_per_s: m.samples_per_s, test_accuracy: m.test_accuracy, backend: ops.backends.accumulateInput };
}

if (values.child !== undefined) {
  console.log(JSON.stringify(await rateEpoch(values.child)));
  process.exit(0);
}

function lastJson(cmd: string, args: string[]): Record<string, number | string> | string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, FFSNN_BACKEND: '' } });
  if (r.status !== 0) return `failed: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

// PyTorch input file
const file = join(mkdtempSync(join(tmpdir(), 'ffsnn-bench-')), 'mnist.bin');
const head = Buffer.alloc(12);
head.writeInt32LE(train.n, 0);
head.writeInt32LE(data.test.n, 4);
head.writeInt32LE(data.dim, 8);
const f32 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
writeFileSync(file, Buffer.concat([head, f32(train.x), Buffer.from(train.y), f32(data.test.x), Buffer.from(data.test.y)]));

const threads = [...new Set([1, Number(values['torch-threads'])])];
const ratios: number[] = [];
let bestTorch = 0;
console.log(`rate FAUST 784-500-500, batch 50, Adam, 1 epoch of ${train.n} embedded MNIST digits; each run a fresh process`);
for (let r = 1; r <= Number(values.reps); r++) {
  const f = lastJson(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', 'auto']);
  const line = [typeof f === 'string' ? `ffsnn ${f}` : `ffsnn ${(f.samples_per_s as number).toFixed(0)} samples/s (${f.backend}, test ${(100 * (f.test_accuracy as number)).toFixed(2)}%)`];
  let fastest = 0;
  for (const th of threads) {
    // on a loaded 2-core machine OpenMP threads that spin can make 2 threads slower than 1, so
    // every thread count is timed and the ratio taken against the fastest
    const t = lastJson('/usr/bin/python3', [join(import.meta.dirname, 'torch', 'faust.py'), file, '1', String(th)]);
    if (typeof t === 'string') {
      line.push(`PyTorch ${th} thread(s) ${t}`);
      continue;
    }
    fastest = Math.max(fastest, t.samples_per_s as number);
    line.push(`PyTorch ${t.torch} ${t.torch_threads} thread(s) ${(t.samples_per_s as number).toFixed(0)} (test ${(100 * (t.test_accuracy as number)).toFixed(2)}%)`);
  }
  bestTorch = Math.max(bestTorch, fastest);
  if (typeof f !== 'string' && fastest > 0) {
    ratios.push((f.samples_per_s as number) / fastest);
    line.push(`ratio ${ratios[ratios.length - 1].toFixed(2)}`);
  }
  console.log(`round ${r}: ${line.join('; ')}`);
}
if (ratios.length > 0) {
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`ratio ffsnn / fastest PyTorch: median ${sorted[Math.floor((sorted.length - 1) / 2)].toFixed(2)} (min ${sorted[0].toFixed(2)}, max ${sorted[sorted.length - 1].toFixed(2)}) over ${ratios.length} rounds (target >= 1)`);
}

const n = Number(values['spiking-samples']);
if (n > 0) {
  const ops = await createOps();
  const spikeCfg = resolveConfig({ epochs: 1 });
  const sub = fractionOf(train, data.dim, 10, Math.min(1, n / train.n));
  const s = runEpoch(startRun(spikeCfg), sub, { x: data.test.x.subarray(0, 200 * data.dim), y: data.test.y.subarray(0, 200), n: 200 }, ops);
  console.log(`ffsnn spiking FAUST (default: ${spikeCfg.sizes.join('-')} LIF, T=${spikeCfg.steps}), ${sub.n} samples: ${s.samples_per_s.toFixed(0)} samples/s, backends ${JSON.stringify(ops.backends)}`);
  await ops.dispose();
}
if (!values['no-plain']) {
  const w = lastJson(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', 'cpu']);
  if (typeof w === 'string') console.log(`ffsnn plain JS ${w}`);
  else console.log(`ffsnn rate FAUST on the plain-JS ops (${w.backend}): ${(w.samples_per_s as number).toFixed(0)} samples/s, ratio to the fastest PyTorch above ${bestTorch > 0 ? ((w.samples_per_s as number) / bestTorch).toFixed(2) : '-'}`);
}
