// SPDX-License-Identifier: MIT
/** `ffsnn sweep` end to end on tiny generated data: grid, pool, resume after a kill, summary, errors. */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { main } from '../../src/cli/main.js';
import { expandCells, readSpec } from '../../src/sweep/spec.js';
import { syntheticIdxDir } from '../train/synthetic.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ffsnn.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const data = syntheticIdxDir(200, 60);
const tmp = () => mkdtempSync(join(tmpdir(), 'ffsnn-sweep-'));

function specFile(spec: unknown): string {
  const f = join(tmp(), 'spec.json');
  writeFileSync(f, JSON.stringify(spec));
  return f;
}

const TINY = {
  name: 'tiny',
  flags: { dataset: `idx:${data}`, neuron: 'rate', hidden: '16', batch: 20, epochs: 2, backend: 'cpu' },
  grid: { rule: ['faust', 'bp'], seed: [1, 2] },
};

/** `ffsnn ARGS` in this process (no start-up cost), stderr captured. */
async function inProcess(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const [error, log] = [console.error, console.log];
  console.error = (...a: unknown[]) => void err.push(`${a.join(' ')}\n`);
  console.log = (...a: unknown[]) => void out.push(`${a.join(' ')}\n`);
  try {
    return { status: await main(args), stdout: out.join(''), stderr: err.join('') };
  } finally {
    [console.error, console.log] = [error, log];
  }
}

const metricsOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));

test.serial('--slurm prints a job array whose task I runs cell I; --list prints the cells', async (t) => {
  const spec = specFile(TINY);
  const out = join(tmp(), 'out');
  const r = await inProcess('sweep', spec, '--slurm', '--out', out);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /^#!\/bin\/bash\n/);
  t.regex(r.stdout, /#SBATCH --array=0-3\n/);
  t.regex(r.stdout, new RegExp(`exec node '.*bin/ffsnn\\.js' sweep '${spec}' --index "\\$SLURM_ARRAY_TASK_ID" --out '${out}'`));
  t.true(existsSync(out), 'the log folder exists before Slurm writes there');
  const list = await inProcess('sweep', spec, '--list');
  const cells = expandCells(readSpec(spec));
  t.deepEqual(list.stdout.trim().split('\n'), cells.map((c) => `${c.index}\t${c.id}\t${c.argv.join(' ')}`));
});

test('grid expansion: last key fastest, "where" overrides, ids stable under key order', (t) => {
  const spec = readSpec(specFile({ ...TINY, where: [{ if: { rule: 'bp' }, flags: { lr: 0.01 } }] }));
  const cells = expandCells(spec);
  t.deepEqual(
    cells.map((c) => [c.flags.rule, c.flags.seed, c.flags.lr]),
    [['faust', 1, undefined], ['faust', 2, undefined], ['bp', 1, 0.01], ['bp', 2, 0.01]],
  );
  t.regex(cells[2].id, /^bp-rate-ffsnn-synth-\w+-s1-[0-9a-f]{8}$/);
  t.true(cells[2].argv.join(' ').includes('--rule bp --seed 1 --lr 0.01'));
  const swapped = expandCells(readSpec(specFile({ ...TINY, grid: { seed: [1, 2], rule: ['faust', 'bp'] }, where: [{ if: { rule: 'bp' }, flags: { lr: 0.01 } }] })));
  t.deepEqual(swapped.map((c) => c.id).sort(), cells.map((c) => c.id).sort());
});

test.serial('pool runs every cell; a sweep killed mid-run resumes bit-exactly and skips what finished; summary per cell', async (t) => {
  const out = join(tmp(), 'out');
  // cell 0 trains long enough to be killed in the middle
  const spec = specFile({ ...TINY, where: [{ if: { rule: 'faust', seed: 1 }, flags: { epochs: 12, hidden: '64' } }] });
  const child = spawn(process.execPath, [BIN, 'sweep', spec, '--out', out, '--jobs', '1'], { stdio: 'ignore' });
  const cells = expandCells(readSpec(spec));
  const first = join(out, cells[0].id);
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(first, 'metrics.json')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  t.true(existsSync(join(first, 'checkpoint.ffsnn')), 'the first cell saved a checkpoint before the kill');
  t.false(existsSync(join(first, 'result.json')), 'killed before the cell finished');
  await new Promise((r) => setTimeout(r, 300)); // the training process dies with the sweep
  const killedAt = metricsOf(first).epochs.length;
  t.true(killedAt < 12, `killed after ${killedAt} of 12 epochs`);

  const r = cli('sweep', spec, '--out', out, '--jobs', '2');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /4 cells in .* \(0 finished before, 1 to resume\), 2 at a time/);
  t.regex(r.stdout, /4 of 4 cells finished/);
  const resumed = JSON.parse(readFileSync(join(first, 'result.json'), 'utf8'));
  t.true(resumed.resumed);
  // the same cell uninterrupted, in another folder, ends with the same accuracy history
  const aloneOut = join(tmp(), 'alone');
  const alone = cli('sweep', spec, '--out', aloneOut, '--index', '0');
  t.is(alone.status, 0, alone.stderr);
  t.regex(alone.stdout, /^cell 0 faust-rate-.*: test accuracy/);
  const accHistory = (dir: string) => metricsOf(dir).epochs.map((e: { test_accuracy: number }) => e.test_accuracy);
  t.deepEqual(accHistory(first), accHistory(join(aloneOut, cells[0].id)));
  t.deepEqual(readdirSync(aloneOut), [cells[0].id], '--index runs that cell alone');

  const again = cli('sweep', spec, '--out', out);
  t.is(again.status, 0, again.stderr);
  t.regex(again.stdout, /\(4 finished before, 0 to resume\)/);

  const s = cli('sweep', 'summarise', out, '--json');
  t.is(s.status, 0, s.stderr);
  const sum = JSON.parse(s.stdout);
  t.is(sum.finished, 4);
  t.is(sum.rows.length, 3, 'faust (12 epochs) seed 1, faust seed 2 and bp differ in flags');
  const bp = sum.rows.find((row: { flags: { rule: string } }) => row.flags.rule === 'bp');
  const accs = cells.filter((c) => c.flags.rule === 'bp').map((c) => metricsOf(join(out, c.id)).test_accuracy);
  const m = (accs[0] + accs[1]) / 2;
  t.deepEqual(bp.seeds, [1, 2]);
  t.is(bp.accuracy_mean, m);
  t.true(Math.abs(bp.accuracy_sd - Math.sqrt(((accs[0] - m) ** 2 + (accs[1] - m) ** 2) / 1)) < 1e-12);
  const md = cli('sweep', 'summarise', out, '--markdown');
  t.regex(md.stdout, /^\| dataset \| rule \| neuron \|/);
  t.regex(md.stdout, /\| bp \| rate \|.*\| 2 \| \d+\.\d\d ± \d+\.\d\d \|/);
});

/** A 2-class tree of 8x8 grey PNGs (class 1 bright, class 0 dark); `broken` replaces one file with junk. */
function pngTree(broken: boolean): string {
  const root = tmp();
  for (const split of ['train', 'test']) {
    for (const c of [0, 1]) {
      mkdirSync(join(root, split, `c${c}`), { recursive: true });
      for (let i = 0; i < 6; i++) {
        const px = new Uint8Array(64).fill(c === 1 ? 200 + i : 10 + i);
        writeFileSync(join(root, split, `c${c}`, `${i}.png`), encodePng({ width: 8, height: 8, data: px, channels: 1, depth: 8 }));
      }
    }
  }
  if (broken) writeFileSync(join(root, 'train', 'c1', '3.png'), 'not a png');
  return root;
}

test.serial('bad specs and a missing dataset are one line before anything runs; a malformed image fails its cell alone and loses no finished run', async (t) => {
  const line = (r: { status: number | null; stdout: string; stderr: string }, re: RegExp) => {
    t.is(r.status, 2, r.stdout);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.regex(r.stderr, re);
  };
  const dir = tmp();
  writeFileSync(join(dir, 'bad.json'), '{"grid": ');
  line(await inProcess('sweep', join(dir, 'bad.json')), /^ffsnn sweep: .*bad\.json: not valid JSON/);
  line(await inProcess('sweep', join(dir, 'nope.json')), /^ffsnn sweep: sweep spec .*nope\.json does not exist/);
  line(await inProcess('sweep', specFile({ grid: { rule: 'faust' } })), /grid\.rule must be a non-empty list of values/);
  line(await inProcess('sweep', specFile({ grid: { rule: ['faust'] }, flags: { out: 'x' } })), /flags\.out: --out is set by the sweep/);
  line(await inProcess('sweep', specFile({ ...TINY, grid: { rule: ['faust', 'hebb'] } })), /cell 1 \(hebb-rate-.*\): train: parameter 'rule' = "hebb" is invalid/);
  line(await inProcess('sweep', specFile({ ...TINY, grid: { colour: ['red'] } })), /cell 0 .*Unknown option '--colour'/);
  line(await inProcess('sweep', specFile({ ...TINY, flags: { ...TINY.flags, dataset: 'idx:/nonexistent/mnist' } })), /cell 0 .*dataset idx:\/nonexistent\/mnist: folder \/nonexistent\/mnist does not exist/);
  line(await inProcess('sweep', 'summarise', join(dir, 'none')), /sweep output directory .*none does not exist/);

  const good = pngTree(false);
  const bad = pngTree(true);
  const spec = specFile({ flags: { neuron: 'rate', hidden: '8', epochs: 1, batch: 4, backend: 'cpu' }, grid: { dataset: [`folder:${good}`, `folder:${bad}`] } });
  const out = join(tmp(), 'out');
  const r = cli('sweep', spec, '--out', out, '--jobs', '1');
  t.is(r.status, 1, r.stderr);
  t.regex(r.stdout, /\[2\/2\] faust-rate-[\w-]+: FAILED exit code 2: ffsnn train: .*train\/c1\/3\.png: not a readable image/);
  t.regex(r.stdout, /1 of 2 cells finished, 1 failed/);
  const cells = expandCells(readSpec(spec));
  const finished = readFileSync(join(out, cells[0].id, 'result.json'), 'utf8');
  const again = cli('sweep', spec, '--out', out, '--jobs', '1');
  t.regex(again.stdout, /\(1 finished before, 0 to resume\)/);
  t.is(readFileSync(join(out, cells[0].id, 'result.json'), 'utf8'), finished, 'the finished run is untouched');
  const s = JSON.parse(cli('sweep', 'summarise', out, '--json').stdout);
  t.is(s.finished, 1);
  t.is(s.failed.length, 1);
  t.regex(s.failed[0].error, /3\.png: not a readable image/);
});
