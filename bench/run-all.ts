// SPDX-License-Identifier: MIT
/**
 * `npm run bench`: runs every benchmark in bench/ at a small size, one after another, each in a
 * fresh process, and prints one table: what ran, its headline (the bench's own last output line,
 * which names its baseline and ratio), and its wall time. Benches that need a tool that is not
 * installed (Debian's python3-torch, python3-brian) or an input this script does not have (a
 * trained checkpoint) are listed as skipped, with the reason. Full-size figures: run each bench
 * alone with the arguments in its header (README "Results").
 *
 *   npm run bench [-- --only NAME,NAME] [-- --list]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { only: { type: 'string' }, list: { type: 'boolean' } } });

function pythonHas(module: string): boolean {
  return spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

interface Bench {
  name: string;
  args: string[];
  /** Why it cannot run here, or null. */
  skip: () => string | null;
}

const none = () => null;
const needs = (module: string, pkg: string) => () => (pythonHas(module) ? null : `needs ${pkg} (apt-get install ${pkg})`);
const SNNTORCH = process.env.SNNTORCH_SRC ?? '/tmp/peers/snntorch';

/** Small sizes: the whole table takes a few minutes on a loaded 2-core machine. */
const BENCHES: Bench[] = [
  { name: 'batched-ops', args: ['--quick'], skip: none },
  { name: 'batched-throughput', args: ['--quick'], skip: none },
  { name: 'spiking-kernels', args: ['--quick'], skip: none },
  { name: 'cuba-kernels', args: ['--sizes', '4000'], skip: none },
  { name: 'cuba-scaling', args: ['--sizes', '4000,16000', '--duration', '0.2'], skip: none },
  { name: 'cuba-vs-brian2', args: ['--sizes', '4000', '--reps', '1'], skip: needs('brian2', 'python3-brian') },
  { name: 'cuba-spike-check', args: ['--n', '4000'], skip: needs('brian2', 'python3-brian') },
  { name: 'train-vs-torch', args: ['--reps', '1', '--spiking-samples', '0', '--no-plain'], skip: needs('torch', 'python3-torch') },
  {
    name: 'snntorch/spiking-vs-snntorch', args: ['--reps', '1', '--samples', '500', '--snntorch', SNNTORCH],
    skip: () => needs('torch', 'python3-torch')() ?? (existsSync(`${SNNTORCH}/snntorch/__init__.py`) ? null : `needs the snnTorch source in ${SNNTORCH} (or SNNTORCH_SRC): see the bench's header`),
  },
  { name: 'train-compare', args: [], skip: () => 'full training runs (minutes each): run it alone' },
  { name: 'export-profiles', args: [], skip: () => 'needs a trained checkpoint: node --import tsx bench/export-profiles.ts RUN/checkpoint.ffsnn' },
];

const only = values.only ? new Set(values.only.split(',')) : null;
const rows: string[][] = [];
for (const b of BENCHES) {
  if (only && !only.has(b.name)) continue;
  const cmd = `bench/${b.name}.ts ${b.args.join(' ')}`.trim();
  if (values.list) {
    console.log(cmd);
    continue;
  }
  const why = b.skip();
  if (why) {
    rows.push([b.name, 'skipped', why, '-']);
    continue;
  }
  process.stderr.write(`running ${cmd} ...\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${import.meta.dirname}/${b.name}.ts`, ...b.args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  const lines = (r.status === 0 ? r.stdout : r.stderr || r.stdout).trim().split('\n').filter((l) => l.trim() !== '');
  rows.push([b.name, r.status === 0 ? 'ok' : `failed (${r.status ?? r.signal})`, (lines.pop() ?? '').trim().replace(/\|/g, '/'), s]);
}
if (!values.list) {
  console.log('| bench | status | headline (last line of its output) | wall s |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  process.exitCode = rows.some((r) => r[1].startsWith('failed')) ? 1 : 0;
}
