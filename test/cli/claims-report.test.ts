// SPDX-License-Identifier: MIT
/** `ffsnn claims` and `ffsnn report` end to end on tiny generated runs, and their answers to bad input. */
import test from 'ava';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture } from '../helpers/cli.js';
import { tinyRuns } from '../eval/tiny-runs.js';
import { syntheticIdxDir } from '../train/synthetic.js';

const FAST = ['--samples', '40', '--probe-samples', '100', '--hw-samples', '3', '--profiles', 'loihi,spinnaker', '--backend', 'cpu'];
const runs = tinyRuns(['faust-rate', 'bp-rate', 'faust-lif']);

test.serial('claims --json and report give the same verdicts; the page is one self-contained file', async (t) => {
  const { dirs, root } = await runs;
  const list = Object.values(dirs);
  const c = await capture(['claims', ...list, '--json', ...FAST]);
  t.is(c.code, 0, c.err);
  const card = JSON.parse(c.out);
  t.is(card.runs.length, 3);
  t.regex(c.err, /\[1\/3\] faust-rate/, 'progress on stderr');
  const text = await capture(['claims', ...list, ...FAST]);
  t.regex(text.out, /SUPPORTED\s+FAUST needs no weight transport/);
  const out = join(root, 'report.html');
  const r = await capture(['report', ...list, '--out', out, ...FAST]);
  t.is(r.code, 0, r.err);
  t.regex(r.err, /rendering the plots of faust-lif/);
  const html = readFileSync(out, 'utf8');
  t.true(statSync(out).size < 5e6);
  for (const c0 of card.claims) t.true(html.includes(`<span class="verdict ${c0.verdict.replace(/ /g, '-')}">`), c0.id);
  t.false(/<script|src="http|href="http/i.test(html), 'no script, no external resource');
  for (const id of ['learning-curves', 'robustness', 'hardware', 'faust-lif:raster', 'faust-rate:pca', 'bp-rate:confusion', 'faust-lif:weights', 'faust-rate:similarity', 'faust-rate:rates']) {
    t.true(html.includes(`data-plot="${id}"><svg`), id);
  }
  t.false(html.includes('data-plot="faust-rate:raster"'), 'no raster for a rate network');
});

test.serial('bad input: one line each, no HTML file written', async (t) => {
  const { dirs, root, data } = await runs;
  const out = join(root, 'bad.html');
  const check = async (argv: string[], pattern: RegExp) => {
    const r = await capture(['report', ...argv, '--out', out, ...FAST]);
    t.is(r.code, 2, r.err);
    t.regex(r.err, pattern);
    t.is(r.err.trim().split('\n').length, 1, r.err);
    t.false(existsSync(out));
    t.deepEqual(readdirSync(root).filter((f) => f.includes('bad.html')), [], 'no temporary file left');
  };
  // a run directory without metrics.json
  const noMetrics = join(root, 'no-metrics');
  mkdirSync(noMetrics);
  copyFileSync(join(dirs['faust-rate'], 'checkpoint.ffsnn'), join(noMetrics, 'checkpoint.ffsnn'));
  await check([dirs['bp-rate'], noMetrics], /no-metrics: no metrics\.json/);
  // a corrupt checkpoint
  const corrupt = join(root, 'corrupt');
  mkdirSync(corrupt);
  copyFileSync(join(dirs['faust-rate'], 'metrics.json'), join(corrupt, 'metrics.json'));
  const bytes = readFileSync(join(dirs['faust-rate'], 'checkpoint.ffsnn'));
  writeFileSync(join(corrupt, 'checkpoint.ffsnn'), bytes.subarray(0, bytes.length >> 1));
  await check([dirs['bp-rate'], corrupt], /corrupt\/checkpoint\.ffsnn: (not a readable checkpoint|damaged checkpoint)/);
  // runs on different datasets are refused
  const other = await tinyRuns(['bp-rate'], syntheticIdxDir(100, 30));
  await check([dirs['faust-rate'], other.dirs['bp-rate']], /runs on different datasets cannot share one claims table/);
  const c = await capture(['claims', dirs['faust-rate'], other.dirs['bp-rate']]);
  t.is(c.code, 2);
  t.regex(c.err, /different datasets/);
  // no run at all, and a missing directory
  await check([], /expected at least one RUN_DIR/);
  await check([join(root, 'nowhere')], /nowhere: no such run directory/);
});
