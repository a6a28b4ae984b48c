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
 * With --ffsnn-threads 1,2 each ffsnn run is repeated at each thread count (`ffsnn train --threads N`);
 * the ratios are those of the first count listed, and each further count is also given relative to it.
 *
 *   node --import tsx bench/snntorch/spiking-vs-snntorch.ts [--reps N (3)] [--samples N (8000)] [--snntorch DIR] [--ffsnn-threads 1,2]
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
    'ffsnn-threads': { type: 'string', default: '1' },
    child: { type: 'string' }, // internal: one ffsnn epoch of this rule, printed as JSON
  },
});
const samples = Number(values.samples);
const data = loadEmbeddedMnist();
// the first N training digits in both programs (all 8,000 by default)
const train = takeRows(data.train!, data.dim, Array.from({ length: Math.min(samples, data.train!.n) }, (_, i) => i));

const threadCounts = values['ffsnn-threads'].split(',').map(Number);
if (values.child) {
  const [rule, threads] = values.child.split(':');
  const ops = await createOps({ threads: Number(threads) });
  const m = runEpoch(startRun(resolveConfig({ rule: rule as 'faust' | 'bp', epochs: 1 })), train, data.test, ops);
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
const scaling: Record<string, number[]> = {};
console.log(`spiking training, 784-500-500(-10) CUBA LIF, T=14, batch 50, one epoch of ${train.n} embedded digits, test on ${data.test.n}; fresh processes, interleaved rounds (machine shared: compare the ratios)`);
for (let r = 1; r <= Number(values.reps); r++) {
  const child = (rule: string, th: number) => lastJson(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', `${rule}:${th}`, '--samples', String(samples)]);
  const runs = threadCounts.map((th) => ({ th, faust: child('faust', th), bp: child('bp', th) }));
  const ff = runs[0];
  const torch = [1, 2].map((th) => lastJson('/usr/bin/python3', [join(import.meta.dirname, 'bptt.py'), file, String(th)], pyEnv));
  const best = Math.max(0, ...torch.map((t) => (typeof t === 'string' ? 0 : t.samples_per_s)));
  const parts = [
    ...runs.flatMap((x) => [`ffsnn FAUST ${x.th} thread(s) ${fmt(x.faust)}`, `ffsnn BPTT ${x.th} thread(s) ${fmt(x.bp)}`]),
    ...torch.map((t, i) => `snnTorch ${typeof t === 'string' ? '' : `${t.snntorch} (torch ${t.torch}) `}${i + 1} thread(s) ${fmt(t)}`),
  ];
  for (const x of runs.slice(1)) {
    for (const k of ['faust', 'bp'] as const) {
      const a = x[k], b = ff[k];
      if (typeof a !== 'string' && typeof b !== 'string') {
        (scaling[`${k} ${x.th}`] ??= []).push(a.samples_per_s / b.samples_per_s);
        parts.push(`${k} ${x.th} / ${ff.th} threads ${(a.samples_per_s / b.samples_per_s).toFixed(2)}`);
      }
    }
  }
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
for (const [k, v] of Object.entries(scaling)) console.log(`ffsnn ${k} threads / ${threadCounts[0]} (median): ${median(v).toFixed(2)}`);
