// SPDX-License-Identifier: MIT
import { spawnSync } from 'node:child_process';
import test from 'ava';
import { main } from '../../../src/cli/main.js';

/** Runs the CLI in-process, capturing what it prints. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await main(['simulate', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test.serial('simulate cuba --json prints the documented fields', async (t) => {
  const r = await cli('cuba', '--n', '800', '--duration', '0.1', '--json');
  t.is(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  for (const key of ['n', 'duration_s', 'dt_ms', 'spikes', 'rate_hz', 'synaptic_events', 'build_s', 'run_s', 'backend']) t.true(key in out, key);
  t.is(out.n, 800);
  t.is(out.duration_s, 0.1);
  t.is(out.dt_ms, 0.1);
  t.is(out.backend, 'cpu-event');
  t.true(out.spikes > 0 && Math.abs(out.rate_hz - out.spikes / 800 / 0.1) < 1e-9);
  const again = JSON.parse((await cli('cuba', '--n', '800', '--duration', '0.1', '--json', '--kernel', 'js')).out);
  t.is(again.spikes, out.spikes, 'same seed, same spikes, either kernel');
  t.is(again.kernel, 'js-f64');
  const cold = JSON.parse((await cli('cuba', '--n', '800', '--duration', '0.1', '--json', '--warmup', '0')).out);
  t.is(cold.spikes, out.spikes, 'the warm-up run is discarded: same spikes');
  t.is(cold.warmup_steps, 0);
});

test.serial('simulate: bad options give one line and exit code 2; --help documents the options', async (t) => {
  for (const args of [['cuba', '--n', 'abc'], ['cuba', '--dt', '0'], ['cuba', '--duration', '-1'], ['cuba', '--bogus'], ['coba'], ['cuba', '--kernel', 'gpu'], ['cuba', '--warmup', '1.5']]) {
    const r = await cli(...args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.err.trim().split('\n').length, 1, r.err);
  }
  const help = await cli('cuba', '--help');
  t.is(help.code, 0);
  for (const opt of ['--n', '--duration', '--dt', '--seed', '--json']) t.true(help.out.includes(opt));
});

test('the real executable exits 2 with one line on a bad option', (t) => {
  const r = spawnSync('node', ['bin/ffsnn.js', 'simulate', 'cuba', '--n=-5'], { encoding: 'utf8' });
  t.is(r.status, 2);
  t.regex(r.stderr.trim(), /^ffsnn simulate: option --n = "-5" is invalid/);
});
