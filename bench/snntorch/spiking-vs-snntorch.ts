// SPDX-License-Identifier: MIT
/**
 * Spiking training side by side with snnTorch BPTT: one epoch of the 8,000 embedded training
 * digits, 784-500-500(-10) CUBA LIF, 14 steps, batch 50, then accuracy on the 2,000 test digits.
 *
 * - ffsnn spiking FAUST (`ffsnn train`'s default model) and ffsnn spiking BPTT (`--rule bp`, the
 *   same network as snnTorch's), on the default backend;
 * - snnTorch BPTT (bench/snntorch/bptt.py) at 1 and 2 torch threads.
 *
 * Each run is a fresh process and the rounds are interleaved, so all pay their start-up and a
 * noisy neighbour slows all alike; samples/s count the training epoch only (not the test pass).
 * Per round: the ratio of each ffsnn run to the fastest snnTorch run of that round; then medians.
 *
 * snnTorch is not installable here: bring its public source (GitHub jeshraghian/snntorch) and
 * put the directory holding its `snntorch` package on PYTHONPATH, or pass --snntorch DIR
 * (default /tmp/peers/snntorch), with Debian's python3-torch (`apt-get install python3-torch`).
 *
 *   node --import tsx bench/snntorch/spiking-vs-snntorch.ts [--reps N (3)] [--samples N (8000)] [--snntorch DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEmbeddedMnist } from '../../src/data/mnist-embedded.js';
import { takeRows } from '../../src/data/dataset.js';
import { createOps } from '../../src/sim/batched/create-ops.js';
import { resolveConfig } from '../../src/train/config.js';
import { runEpoch, startRun } from '../../src/train/trainer.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    samples: { type: 'string', default: '8000' },
    snntorch: { type: 'string', default: '/tmp/peers/snntorch' },
    child: { type: 'string' }, // internal: one ffsnn epoch of this rule, printed as JSON
  },
});
const samples = Number(values.samples);
const data = loadEmbeddedMnist();
// the first N training digits in both programs (all 8,000 by default)
const train = takeRows(data.train!, data.dim, Array.from({ length: Math.min(samples, data.train!.n) }, (_, i) => i));

if (values.child) {
  const ops = await createOps();
  const m = runEpoch(startRun(resolveConfig({ rule: values.child as 'faust' | 'bp', epochs: 1 })), train, data.test, ops);
  console.log(JSON.stringify({ samples_per_s: m.samples_per_s, test_accuracy: m.test_accuracy, backend: ops.backends.lifLayerForward }));
  await ops.dispose();
  process.exit(0);
}

type Result = { samples_per_s: number; test_accuracy: number; [k: string]: unknown };
function lastJson(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Result | string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
  if (r.status !== 0) return `failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const file = join(mkdtempSync(join(tmpdir(), 'ffsnn-snntorch-')), 'mnist.bin');
const head = Buffer.alloc(12);
head.writeInt32LE(train.n, 0);
head.writeInt32LE(data.test.n, 4);
head.writeInt32LE(data.dim, 8);
const f32 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
writeFileSync(file, Buffer.concat([head, f32(train.x), Buffer.from(train.y), f32(data.test.x), Buffer.from(data.test.y)]));

const pyEnv = { PYTHONPATH: [values.snntorch, process.env.PYTHONPATH].filter(Boolean).join(':') };
const fmt = (r: Result | string) => (typeof r === 'string' ? r : `${r.samples_per_s.toFixed(0)} samples/s, test ${(100 * r.test_accuracy).toFixed(2)}%`);
const ratios: Record<string, number[]> = { faust: [], bp: [] };
console.log(`spiking training, 784-500-500(-10) CUBA LIF, T=14, batch 50, one epoch of ${train.n} embedded digits, test on ${data.test.n}; fresh processes, interleaved rounds (machine shared: compare the ratios)`);
for (let r = 1; r <= Number(values.reps); r++) {
  const ff = { faust: lastJson(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', 'faust', '--samples', String(samples)]),
    bp: lastJson(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', 'bp', '--samples', String(samples)]) };
  const torch = [1, 2].map((th) => lastJson('/usr/bin/python3', [join(import.meta.dirname, 'bptt.py'), file, String(th)], pyEnv));
  const best = Math.max(0, ...torch.map((t) => (typeof t === 'string' ? 0 : t.samples_per_s)));
  const parts = [`ffsnn FAUST ${fmt(ff.faust)}`, `ffsnn BPTT ${fmt(ff.bp)}`, ...torch.map((t, i) => `snnTorch ${typeof t === 'string' ? '' : `${t.snntorch} (torch ${t.torch}) `}${i + 1} thread(s) ${fmt(t)}`)];
  for (const k of ['faust', 'bp'] as const) {
    const f = ff[k];
    if (typeof f !== 'string' && best > 0) {
      ratios[k].push(f.samples_per_s / best);
      parts.push(`${k} / best snnTorch ${(f.samples_per_s / best).toFixed(2)}`);
    }
  }
  console.log(`round ${r}: ${parts.join('; ')}`);
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
if (ratios.faust.length > 0) {
  console.log(`ratio to the fastest snnTorch BPTT (median of ${ratios.faust.length}): ffsnn spiking FAUST ${median(ratios.faust).toFixed(2)} (target >= 3), ffsnn spiking BPTT ${median(ratios.bp).toFixed(2)} (target >= 1.5)`);
} else console.log('no ratio: snnTorch did not run (python3-torch and the snnTorch source needed)');
